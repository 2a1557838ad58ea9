import { describe, expect, it } from 'vitest';
import { formatManifestProblem, parseManifests } from './parse-manifests.ts';

describe('parseManifests', () => {
  it('reads every document of a multi-document file, defaulting the namespace of namespaced kinds', () => {
    const { objects, problems } = parseManifests(
      [
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: GatewayClass',
        'metadata: {name: tether}',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: web}',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: api, namespace: shop}',
        '---',
        '# only a comment',
        '',
      ].join('\n'),
      'apps.yaml',
    );
    expect(problems).toEqual([]);
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'GatewayClass -/tether',
      'Service default/web',
      'Service shop/api',
    ]);
  });

  it('names the file, document and line of broken YAML and keeps the good documents', () => {
    const text = ['apiVersion: v1', 'kind: Service', 'metadata: {name: ok}', '---', 'apiVersion: v1', 'kind: Service', 'metadata:', '  name: [broken', ''].join('\n');
    const { objects, problems } = parseManifests(text, 'bad.yaml');
    expect(objects.map((o) => o.metadata.name)).toEqual(['ok']);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', document: 1 });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(8);
    expect(formatManifestProblem(problems[0])).toMatch(/^bad\.yaml: document 1 \(line \d+\): /);
  });

  it('reports documents that are not Kubernetes objects, naming the missing field', () => {
    const text = ['- a list', '---', 'kind: Service', 'metadata: {name: x}', '---', 'apiVersion: v1', 'kind: Service', 'metadata: {generateName: x-}', ''].join('\n');
    const { objects, problems } = parseManifests(text, 'odd.yaml');
    expect(objects).toEqual([]);
    expect(problems.map((p) => [p.document, p.line, p.message])).toEqual([
      [0, 1, 'expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a list'],
      [1, 3, 'apiVersion: required (a non-empty string)'],
      [2, 6, 'metadata.name: required for Service (generateName is not supported in files)'],
    ]);
  });

  it('rejects duplicate keys, which would otherwise silently drop a value', () => {
    const { problems } = parseManifests('apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: x}\n', 'dup.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/unique/i);
  });

  it('expands List objects', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n- {apiVersion: v1, kind: Service}\n';
    const { objects, problems } = parseManifests(text, 'list.yaml');
    expect(objects.map((o) => o.metadata.name)).toEqual(['a']);
    expect(problems.map((p) => p.message)).toEqual(['items[1]: metadata: required for Service']);
  });

  it('reads JSON too, and honours a chosen default namespace', () => {
    const { objects } = parseManifests('{"apiVersion":"v1","kind":"Service","metadata":{"name":"j"}}', 'x.json', { defaultNamespace: 'demo' });
    expect(objects[0]?.metadata.namespace).toBe('demo');
  });
});

describe('parseManifests on a YAML alias bomb', () => {
  // Nine levels of nine aliases: a few hundred bytes that would expand to 9^9 strings.
  const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    .concat(Array.from({ length: 8 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`))
    .join('\n');

  it('reports the document as unreadable instead of throwing, and keeps the other documents', () => {
    const r = parseManifests(`${bomb}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ok}\n`, 'bomb.yaml');
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['ok']);
    expect(r.problems).toEqual([{ file: 'bomb.yaml', document: 0, line: 1, unreadable: true, message: expect.stringMatching(/alias.*at most 100 aliases per document/) }]);
  });
});
