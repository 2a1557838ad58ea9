// Bad input never throws: every sticky kind Tether reads, with each field replaced by values of the
// wrong type, gives statuses and decisions, and a valid rule beside it is still resolved.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { parseOptionalSessionPersistence } from '../../k8s/gateway-api/session-persistence.ts';
import { createStickyResolver } from './create-sticky-resolver.ts';

const kinds: [string, string][] = [
  ['gateway.networking.x-k8s.io/v1alpha1', 'XBackendTrafficPolicy'],
  ['gateway.networking.k8s.io/v1alpha2', 'BackendLBPolicy'],
  ['tether.dev/v1alpha1', 'SessionPolicy'],
  ['gateway.flomesh.io/v1alpha1', 'SessionStickyPolicy'],
  ['configuration.konghq.com/v1beta1', 'KongUpstreamPolicy'],
  ['gateway.solo.io/v1', 'HttpListenerOption'],
  ['gateway.solo.io/v1', 'RouteOption'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['gateway.kgateway.dev/v1alpha1', 'BackendConfigPolicy'],
];

const junk: unknown[] = [null, 42, 'text', true, [], [1, 'a', null], {}, { name: 7 }, [{ kind: 5, name: [] }]];

/** Specs whose every top-level and nested field is replaced, one at a time, by each junk value. */
function mutations(): unknown[] {
  const base = {
    targetRefs: [{ group: '', kind: 'Service', name: 'app', sectionName: 'x' }],
    targetRef: { group: '', kind: 'Service', name: 'app' },
    sessionPersistence: { sessionName: 'a', type: 'Cookie', cookieConfig: { lifetimeType: 'Permanent' }, absoluteTimeout: '1h', cookie: { name: 'c' }, header: { name: 'h' } },
    session: { cookie: { name: 'c', ttl: '1h', attributes: [{ name: 'SameSite', value: 'Lax' }] }, header: { name: 'h' } },
    fallback: { loadBalancer: { type: 'RingHash', minimumRingSize: 1 }, hashKeys: [{ header: { name: 'x' } }] },
    ports: [{ port: 80, config: { cookieName: 'c', expires: 10 } }],
    config: { cookieName: 'c' },
    algorithm: 'consistent-hashing',
    hashOn: { header: 'x' },
    stickySessions: { cookie: 'c' },
    options: { statefulSession: { cookieBased: { cookie: { name: 'c', ttl: '1s' } } }, lbHash: { hashPolicies: [{ header: 'x' }] } },
    host: 'app',
    trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'c' } } }, portLevelSettings: [{ port: { number: 80 } }] },
    loadBalancer: { ringHash: { hashPolicies: [{ cookie: { name: 'c' } }] } },
  };
  const out: unknown[] = [null, 'spec', [], base];
  for (const key of Object.keys(base)) {
    for (const j of junk) out.push({ ...base, [key]: j });
    const inner = (base as Record<string, unknown>)[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      for (const k2 of Object.keys(inner)) for (const j of junk) out.push({ ...base, [key]: { ...inner, [k2]: j } });
    }
  }
  return out;
}

describe('malformed sticky objects', () => {
  const specs = mutations();
  it.each(kinds)('%s %s never throws and never hides a valid rule', (apiVersion, kind) => {
    for (const spec of specs) {
      const objects: KubeObject[] = [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'ns', labels: { 'istio.io/persistent-session': ':' }, annotations: { 'konghq.com/upstream-policy': 'p' } } },
        { apiVersion, kind, metadata: { name: 'p', namespace: 'ns' }, spec },
      ];
      const r = createStickyResolver(objects);
      const base = { route: { kind: 'HTTPRoute' as const, namespace: 'ns', name: 'web' }, gateway: { namespace: 'ns', name: 'gw' }, listenerNames: ['http'] };
      r.resolve({ ...base, ruleIndex: 0, ruleName: 'x', backends: [{ namespace: 'ns', name: 'app', port: 80, weight: 1 }], sessionPersistence: parseOptionalSessionPersistence(spec, 'spec.rules[0].sessionPersistence') });
      const valid = r.resolve({ ...base, ruleIndex: 1, backends: [], sessionPersistence: parseOptionalSessionPersistence({ sessionName: 'ok' }, 'spec.rules[1].sessionPersistence') });
      expect(valid.session?.name).toBe('ok');
      const statuses = r.statuses();
      expect(statuses.find((s) => s.ref.kind === kind)).toBeDefined();
      expect(JSON.parse(JSON.stringify(statuses))).toEqual(statuses);
    }
  });
});
