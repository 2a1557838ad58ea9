import { describe, expect, it, vi } from 'vitest';
import * as yaml from 'yaml';
import { parseManifestFile } from './parse-manifest-file.ts';

// Count the YAML parses: a big file must be parsed once, not once for syntax and again for objects.
vi.mock('yaml', async (importOriginal) => {
  const actual = await importOriginal<typeof import('yaml')>();
  return { ...actual, parseAllDocuments: vi.fn(actual.parseAllDocuments) };
});

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

  it('parses the text once', () => {
    const spy = vi.mocked(yaml.parseAllDocuments);
    spy.mockClear();
    const r = parseManifestFile('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nfoo: bar\n', 'f.yaml');
    expect(r.objects).toHaveLength(1);
    expect(r.documents).toHaveLength(1);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('makes an alias bomb in any document fatal for the whole file, naming it', () => {
    const levels = ['  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
      .concat(Array.from({ length: 8 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`));
    const text = `apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n${levels.join('\n')}\n`;
    const r = parseManifestFile(text, 'f.yaml');
    expect(r.objects).toEqual([]);
    expect(r.syntax).toEqual([{ file: 'f.yaml', document: 1, line: 5, message: expect.stringMatching(/alias/) }]);
  });
});
