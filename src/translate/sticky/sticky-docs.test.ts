// The README and docs/sticky-sessions.md name the test behind every claim in its feature and migration tables.
// This keeps those names honest: each golden case and test file it cites must exist.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'sticky-sessions.md'), 'utf8') + readFileSync(join(root, 'README.md'), 'utf8');
const testdata = join(import.meta.dirname, 'testdata');

const cited = [...doc.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
const goldenCases = [...new Set(cited.filter((c) => /^(gwapi|backend-policy|session-policy|session-name|dialect|vendor|example)-[a-z0-9-]+$/.test(c)))];
const testFiles = [...new Set(cited.filter((c) => c.endsWith('.test.ts')))];
const envoyCases = [...new Set(cited.filter((c) => c.startsWith('src/envoy/testdata/') && !c.endsWith('/')))];

describe('docs/sticky-sessions.md', () => {
  it('cites golden cases and test files', () => {
    expect(goldenCases.length).toBeGreaterThan(15);
    expect(testFiles.length).toBeGreaterThan(2);
  });

  it.each(goldenCases)('golden case %s exists with its expected output', (name) => {
    expect(existsSync(join(testdata, `${name}.in.yaml`))).toBe(true);
    expect(existsSync(join(testdata, `${name}.out.yaml`))).toBe(true);
  });

  it.each(testFiles)('test file %s exists', (file) => {
    const candidates = [join(root, file), join(import.meta.dirname, file), join(root, 'src', 'envoy', file), join(root, 'src', 'k8s', file.replace(/^src\/k8s\//, ''))];
    expect(candidates.some((c) => existsSync(c))).toBe(true);
  });

  it.each(envoyCases)('Envoy golden case %s exists', (path) => {
    expect(existsSync(join(root, `${path}.in.yaml`))).toBe(true);
  });

  it('every golden case in testdata is cited somewhere in the doc', () => {
    const onDisk = readdirSync(testdata)
      .filter((f) => f.endsWith('.in.yaml'))
      .map((f) => f.slice(0, -'.in.yaml'.length));
    expect(onDisk.filter((name) => !goldenCases.includes(name))).toEqual([]);
  });
});
