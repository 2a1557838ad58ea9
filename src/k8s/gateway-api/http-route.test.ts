import { describe, expect, it } from 'vitest';
import { parseHTTPRoute } from './http-route.ts';
import type { KubeObject } from '../kube-object.ts';

const route = (spec: unknown, namespace?: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'r', ...(namespace ? { namespace } : {}) },
  spec,
});

describe('parseHTTPRoute', () => {
  it('applies the CRD defaults that objects from files lack', () => {
    const r = parseHTTPRoute(route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc', port: 80 }] }] }, 'shop'));
    expect(r.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop', name: 'gw', written: { name: 'gw' } }]);
    expect(r.rules[0]?.matches).toEqual([{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }]);
    expect(r.rules[0]?.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'svc', namespace: 'shop', port: 80, weight: 1, field: 'spec.rules[0].backendRefs[0]', filters: [] }]);
    expect(r.problems).toEqual([]);
  });

  it('defaults a route without rules to one rule matching every path, and a missing namespace to default', () => {
    const r = parseHTTPRoute(route({ parentRefs: [{ name: 'gw' }] }));
    expect(r.meta.namespace).toBe('default');
    expect(r.rules).toHaveLength(1);
    expect(r.rules[0]?.matches[0]?.path).toEqual({ type: 'PathPrefix', value: '/' });
  });

  it('keeps rule problems with their rule and names the field', () => {
    const r = parseHTTPRoute(
      route({
        parentRefs: [{ name: 'gw' }],
        rules: [{ matches: [{ path: { type: 'Exact', value: 'x' } }] }, { matches: [{ path: { value: '/a//b' } }] }, { matches: [{ path: { value: '/ok' } }] }],
      }),
    );
    expect(r.rules.map((x) => x.problems)).toEqual([
      [{ severity: 'invalid', field: 'spec.rules[0].matches[0].path.value', message: 'must start with "/"' }],
      [{ severity: 'invalid', field: 'spec.rules[1].matches[0].path.value', message: 'must not contain "//"' }],
      [],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('survives any shape of input without throwing', () => {
    for (const spec of [undefined, null, 42, 'x', [], { rules: 'x' }, { rules: [null, 1, 'x', { matches: [null] }] }, { parentRefs: [{}], hostnames: [1] }]) {
      expect(() => parseHTTPRoute(route(spec))).not.toThrow();
    }
    const r = parseHTTPRoute(route({ parentRefs: [{}], hostnames: [1] }));
    expect(r.problems.map((p) => p.field)).toEqual(['spec.parentRefs[0].name', 'spec.hostnames[0]']);
  });
});
