// Imports point one way (DESIGN.md "Layout"). This reads every import in src/ and checks it against
// the table below, so a pure folder cannot quietly start doing I/O or reach into a later stage.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Folder (first path segment under src/) → folders it may import. Top-level files may import anything. */
const allowed: Record<string, string[]> = {
  ir: ['ir'],
  k8s: ['k8s'],
  status: ['status', 'k8s'],
  translate: ['translate', 'k8s', 'ir', 'status'],
  envoy: ['envoy', 'ir'],
  xds: ['xds', 'envoy/proto-registry.ts'],
  sources: ['sources', 'k8s', 'status'],
  admin: ['admin', 'xds', 'status', 'sources', 'k8s', 'envoy/proto-registry.ts'],
  cli: ['*'],
};

/** Folders that must stay pure: no node:*, no logger, no clock, no randomness. */
const pure = ['ir', 'k8s', 'translate', 'envoy'];
/** Files inside pure folders that are the codec edge and may read the protos from disk. */
const pureExceptions = new Set(['envoy/proto-registry.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'testdata' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

const files = sourceFiles(src).map((f) => relative(src, f));

describe('architecture', () => {
  it.each(files.filter((f) => f.includes('/')))('%s imports only what its layer may', (file) => {
    const layer = file.split('/')[0];
    const may = allowed[layer];
    const problems: string[] = [];
    for (const spec of importsOf(join(src, file))) {
      if (!spec.startsWith('.')) {
        if (pure.includes(layer) && !pureExceptions.has(file)) {
          if (spec.startsWith('node:') || spec === 'pino' || spec === 'protobufjs') problems.push(`${spec} (pure folder)`);
        }
        if (spec === 'protobufjs' && file !== 'envoy/proto-registry.ts') problems.push('protobufjs outside the proto registry');
        continue;
      }
      const target = relative(src, resolve(dirname(join(src, file)), spec));
      if (target.startsWith('..')) continue; // outside src/ (e.g. package.json)
      if (!may || may.includes('*')) continue;
      const ok = may.some((m) => (m.endsWith('.ts') ? target === m : target === m || target.startsWith(`${m}/`)));
      if (!ok) problems.push(`${spec} → ${target}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps clocks and randomness out of pure folders', () => {
    const offenders = files
      .filter((f) => pure.includes(f.split('/')[0]) && !pureExceptions.has(f))
      .filter((f) => /\b(Date\.now|new Date\(\)|Math\.random|performance\.now|process\.)/.test(readFileSync(join(src, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
