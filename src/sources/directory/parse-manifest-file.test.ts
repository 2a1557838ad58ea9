import { describe, expect, it } from 'vitest';
import { parseManifestFile } from './parse-manifest-file.ts';

describe('parseManifestFile', () => {
  it('returns the objects of a good file', () => {
    const r = parseManifestFile('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n', 'f.yaml');
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(r.syntax).toEqual([]);
  });

  it('makes a syntax error in any document fatal for the whole file, with line and column', () => {
    const r = parseManifestFile('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [Service\n', 'f.yaml');
    expect(r.objects).toEqual([]);
    expect(r.syntax).toHaveLength(1);
    expect(r.syntax[0]).toMatchObject({ file: 'f.yaml', document: 1 });
    expect(r.syntax[0]?.line).toBeGreaterThanOrEqual(6);
    expect(r.syntax[0]?.column).toBeGreaterThan(0);
  });

  it('skips documents that are not Kubernetes objects but keeps the rest', () => {
    const r = parseManifestFile('foo: bar\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ok}\n', 'f.yaml');
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['ok']);
    expect(r.syntax).toEqual([]);
    expect(r.documents).toMatchObject([{ file: 'f.yaml', document: 0, line: 1 }]);
  });

  it('treats duplicate keys as a syntax error', () => {
    expect(parseManifestFile('apiVersion: v1\nkind: Service\nkind: Secret\nmetadata: {name: a}\n', 'f.yaml').syntax).toHaveLength(1);
  });
});
