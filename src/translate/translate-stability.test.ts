// Names are stable across unrelated edits: adding or editing a route changes no existing cluster,
// so Envoy never warms a cluster because of a route change.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/kube-object.ts';
import { translate } from './translate.ts';

const base = parseAllDocuments(readFileSync(join(import.meta.dirname, 'testdata', 'basic-http.in.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);

function withRoute(objects: KubeObject[], name: string, spec: Record<string, unknown>): KubeObject[] {
  return [...objects, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'default' }, spec: { parentRefs: [{ name: 'web' }], ...spec } }];
}

describe('stable names', () => {
  const before = translate(base).ir.gateways[0];

  it('adding a route to the same Service reuses its cluster unchanged', () => {
    const after = translate(withRoute(base, 'another', { rules: [{ matches: [{ path: { value: '/x' } }], backendRefs: [{ name: 'app', port: 8080 }] }] })).ir.gateways[0];
    expect(after?.clusters).toEqual(before?.clusters);
  });

  it('editing a route (path, filters, timeouts) leaves every cluster as it was', () => {
    const edited = base.map((o) =>
      o.kind === 'HTTPRoute'
        ? { ...o, spec: { parentRefs: [{ name: 'web' }], rules: [{ matches: [{ path: { type: 'Exact', value: '/edited' } }], timeouts: { request: '3s' }, backendRefs: [{ name: 'app', port: 8080, weight: 5 }] }] } }
        : o,
    );
    const after = translate(edited).ir.gateways[0];
    expect(after?.clusters).toEqual(before?.clusters);
    expect(after?.listeners[0]?.virtualHosts[0]?.routes.map((r) => r.name)).toEqual(before?.listeners[0]?.virtualHosts[0]?.routes.map((r) => r.name));
  });

  it('route names do not depend on other routes', () => {
    const after = translate(withRoute(base, 'aaa-first', { rules: [{ backendRefs: [{ name: 'app', port: 8080 }] }] })).ir.gateways[0];
    expect(after?.listeners[0]?.virtualHosts[0]?.routes.map((r) => r.name).sort()).toEqual(['HTTPRoute/default/aaa-first/rule/0/match/0', 'HTTPRoute/default/app/rule/0/match/0']);
  });
});

describe('translations do not leave traces', () => {
  // Parsed objects are kept between translations (object-index.ts): translating the same objects
  // again, after other translations, must give the same result.
  const dir = join(import.meta.dirname, 'testdata');
  const inputs = readdirSync(dir).filter((f) => f.endsWith('.in.yaml'));
  it.each(inputs)('%s translates the same the second time', (file) => {
    const objects = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as KubeObject);
    const first = JSON.stringify(translate(objects, { now: '2026-06-01T00:00:00.000Z' }));
    for (const other of inputs.slice(0, 5)) translate(parseAllDocuments(readFileSync(join(dir, other), 'utf8')).map((d) => d.toJS() as KubeObject));
    expect(JSON.stringify(translate(objects, { now: '2026-06-01T00:00:00.000Z' }))).toBe(first);
  });
});
