// Comments in src/xds cite the rows of docs/xds-protocol.md by anchor. This keeps the citations
// honest: every anchor cited must exist, and every row must be cited by the code that keeps it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'xds-protocol.md'), 'utf8');
const anchors = new Set([...doc.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]));
const sources = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(import.meta.dirname, f), 'utf8'))
  .join('\n');
// "docs/xds-protocol.md#a" and the "#b, #c" that may follow it in the same parenthesis.
const cited = new Set(
  [...sources.matchAll(/docs\/xds-protocol\.md\s*\(?(#[a-z0-9-]+(?:,\s*#[a-z0-9-]+)*)/g)].flatMap((m) => m[1].split(',').map((a) => a.trim().slice(1))),
);

describe('docs/xds-protocol.md', () => {
  it('has rows, and src/xds cites them', () => {
    expect(anchors.size).toBeGreaterThan(10);
    expect(cited.size).toBeGreaterThan(10);
  });

  it.each([...cited])('anchor #%s cited in src/xds exists', (anchor) => {
    expect(anchors.has(anchor)).toBe(true);
  });

  it.each([...anchors])('row #%s is cited where src/xds keeps it', (anchor) => {
    expect(cited.has(anchor)).toBe(true);
  });
});
