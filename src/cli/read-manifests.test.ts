import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from './read-manifests.ts';

const svc = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\n`;

describe('readManifests', () => {
  it('reads folders recursively in name order, skipping hidden entries and other extensions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tether-read-'));
    await mkdir(join(dir, 'b-sub'));
    await mkdir(join(dir, '..2026_11_22'), { recursive: true }); // a ConfigMap mount's data folder
    await writeFile(join(dir, 'c.yml'), svc('c'));
    await writeFile(join(dir, 'a.yaml'), `${svc('a1')}---\n${svc('a2')}`);
    await writeFile(join(dir, 'b-sub', 'x.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'json' } }));
    await writeFile(join(dir, '.hidden.yaml'), svc('hidden'));
    await writeFile(join(dir, '..2026_11_22', 'dup.yaml'), svc('dup'));
    await writeFile(join(dir, 'notes.txt'), 'not yaml: [');
    const r = await readManifests([dir]);
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual(['a.yaml', 'b-sub/x.json', 'c.yml']);
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['a1', 'a2', 'json', 'c']);
  });

  it('reads a file named directly whatever its extension, and reports paths that do not exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tether-read-'));
    await writeFile(join(dir, 'manifest.txt'), svc('t'));
    const r = await readManifests([join(dir, 'manifest.txt'), join(dir, 'missing')]);
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['t']);
    expect(r.problems).toEqual([{ file: join(dir, 'missing'), message: 'no such file or folder' }]);
  });
});
