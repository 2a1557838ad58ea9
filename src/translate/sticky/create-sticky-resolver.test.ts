// Properties of the resolver that golden files cannot show on their own.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isToken } from '../../k8s/http-token.ts';
import { parseOptionalSessionPersistence } from '../../k8s/gateway-api/session-persistence.ts';
import { createStickyResolver } from './create-sticky-resolver.ts';
import type { StickyRuleInput } from './sticky-resolver.ts';

const svc = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns' } });

/** A rule input; `sessionPersistence` is given as written and parsed as the route parser does. */
function rule(overrides: Partial<Omit<StickyRuleInput, 'sessionPersistence'>> & { sessionPersistence?: unknown } = {}): StickyRuleInput {
  const { sessionPersistence, ...rest } = overrides;
  const input: StickyRuleInput = {
    route: { kind: 'HTTPRoute', namespace: 'ns', name: 'web' },
    ruleIndex: 0,
    gateway: { namespace: 'ns', name: 'gw' },
    listenerNames: ['http'],
    backends: [{ namespace: 'ns', name: 'app', port: 80, weight: 1 }],
    ...rest,
  };
  const parsed = parseOptionalSessionPersistence(sessionPersistence, `spec.rules[${input.ruleIndex}].sessionPersistence`);
  if (parsed) input.sessionPersistence = parsed;
  return input;
}

describe('createStickyResolver', () => {
  it('gives a plain rule round robin, not sticky, no problems', () => {
    expect(createStickyResolver([]).resolve(rule())).toEqual({ loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, sticky: false, problems: [] });
  });

  it('defaults a session to ring hash 1024..8388608 on its own cookie, draining kept', () => {
    const d = createStickyResolver([]).resolve(rule({ sessionPersistence: {} }));
    expect(d).toMatchObject({
      sticky: true,
      keepSessionsOnDraining: true,
      loadBalancer: { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8388608 },
      hashKeys: [{ type: 'cookie', name: 'tether-ns.web.r0', terminal: false }],
      session: { type: 'cookie', name: 'tether-ns.web.r0', path: '/', attributes: [], strict: false },
    });
    expect(d.session && 'ttlSeconds' in d.session).toBe(false);
  });

  it('returns fresh objects: changing one decision does not change another', () => {
    const r = createStickyResolver([]);
    const a = r.resolve(rule({ sessionPersistence: {} }));
    const b = r.resolve(rule({ ruleIndex: 1, sessionPersistence: {} }));
    if (a.loadBalancer.type === 'ring-hash') a.loadBalancer.minimumRingSize = 1;
    a.hashKeys?.push({ type: 'header', name: 'x', terminal: false });
    expect(b.loadBalancer).toEqual({ type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8388608 });
    expect(b.hashKeys).toEqual([{ type: 'cookie', name: 'tether-ns.web.r1', terminal: false }]);
  });

  it('resolving the same rule twice (or for a second Gateway) gives the same answer and no collision with itself', () => {
    const r = createStickyResolver([]);
    const input = rule({ sessionPersistence: { sessionName: 'mine' } });
    const first = r.resolve(input);
    expect(r.resolve(input)).toEqual(first);
    expect(r.resolve({ ...input, gateway: { namespace: 'ns', name: 'other' } })).toEqual(first);
    expect(first.problems).toEqual([]);
  });

  it('default names are RFC 6265 tokens and distinct for every rule, route, kind and namespace', () => {
    const r = createStickyResolver([]);
    const names = new Set<string>();
    const headers = new Set<string>();
    for (const ns of ['a', 'b-1']) {
      for (const kind of ['HTTPRoute', 'GRPCRoute'] as const) {
        for (const name of ['web', 'web.v2']) {
          for (let ruleIndex = 0; ruleIndex < 5; ruleIndex++) {
            const route = { kind, namespace: ns, name };
            const c = r.resolve(rule({ route, ruleIndex, sessionPersistence: { type: 'Cookie' } })).session;
            const h = r.resolve(rule({ route, ruleIndex, sessionPersistence: { type: 'Header' } })).session;
            expect(c?.name && isToken(c.name)).toBe(true);
            expect(h?.name && isToken(h.name)).toBe(true);
            names.add(c?.name ?? '');
            headers.add(h?.name ?? '');
          }
        }
      }
    }
    expect(names.size).toBe(2 * 2 * 2 * 5);
    expect(headers.size).toBe(2 * 2 * 2 * 5);
  });

  it('a rule name in the default replaces the index', () => {
    const d = createStickyResolver([]).resolve(rule({ ruleIndex: 3, ruleName: 'checkout', sessionPersistence: { type: 'Header' } }));
    expect(d.session?.name).toBe('x-tether-session-ns.web.checkout');
  });

  it('an invalid rule sessionPersistence drops the rule and names the field; a policy on its Service does not rescue it', () => {
    const policy: KubeObject = {
      apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
      kind: 'XBackendTrafficPolicy',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'app' }], sessionPersistence: {} },
    };
    const d = createStickyResolver([svc('app'), policy]).resolve(rule({ ruleIndex: 2, sessionPersistence: { type: 'Cookie', absoluteTimeout: 'soon' } }));
    expect(d.sticky).toBe(false);
    expect(d.problems).toEqual([
      expect.objectContaining({ severity: 'invalid', reason: 'UnsupportedValue', message: expect.stringContaining('spec.rules[2].sessionPersistence.absoluteTimeout') }),
    ]);
  });

  it('reports a name shared on one Gateway, whatever the listeners, on the newer rule only', () => {
    const r = createStickyResolver([]);
    const sp = { sessionName: 'same' };
    expect(r.resolve(rule({ sessionPersistence: sp, listenerNames: ['a'] })).problems).toEqual([]);
    const second = r.resolve(rule({ route: { kind: 'HTTPRoute', namespace: 'ns', name: 'other' }, sessionPersistence: sp, listenerNames: ['b'] }));
    expect(second.problems).toEqual([
      expect.objectContaining({ severity: 'unsupported', reason: 'SessionNameConflict', message: expect.stringContaining('the older HTTPRoute ns/web rule 0 keeps it') }),
    ]);
    const otherGateway = r.resolve(rule({ route: { kind: 'HTTPRoute', namespace: 'ns', name: 'third' }, sessionPersistence: sp, gateway: { namespace: 'ns', name: 'gw2' } }));
    expect(otherGateway.problems).toEqual([]);
  });

  it('reports a cookie Path that misses the rule\'s paths', () => {
    const r = createStickyResolver([]);
    const d = r.resolve(rule({ sessionPersistence: { type: 'Cookie', cookie: { name: 'c', path: '/cart' } }, paths: [{ type: 'PathPrefix', value: '/checkout' }] }));
    expect(d.problems).toEqual([expect.objectContaining({ severity: 'unsupported', reason: 'CookiePathMismatch', message: expect.stringContaining('cookie Path "/cart" never matches') })]);
    expect(r.resolve(rule({ ruleIndex: 1, sessionPersistence: { type: 'Cookie', cookie: { name: 'd', path: '/cart' } }, paths: [{ type: 'Exact', value: '/cart' }] })).problems).toEqual([]);
  });

  it('statuses are sorted and stable however many times they are read', () => {
    const objects: KubeObject[] = [
      svc('app'),
      { apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name: 'z', namespace: 'ns' }, spec: { targetRefs: [{ kind: 'Service', name: 'app' }], strict: true } },
      { apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name: 'a', namespace: 'ns' }, spec: { targetRefs: [{ kind: 'Service', name: 'app' }], draining: 'drop' } },
    ];
    const r = createStickyResolver(objects);
    r.resolve(rule({ sessionPersistence: {} }));
    const first = r.statuses();
    expect(first.map((s) => s.ref.name)).toEqual(['a', 'z']);
    expect(r.statuses()).toEqual(first);
  });

  it('keeps a Gateway-wide policy status short however many rules it reaches', () => {
    const objects: KubeObject[] = [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'ns' }, spec: { listeners: [{ name: 'http' }] } },
      { apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name: 'wide', namespace: 'ns' }, spec: { targetRefs: [{ kind: 'Gateway', name: 'gw' }], session: { cookie: {} } } },
    ];
    const r = createStickyResolver(objects);
    for (let i = 0; i < 500; i++) expect(r.resolve(rule({ route: { kind: 'HTTPRoute', namespace: 'ns', name: `r${i}` } })).sticky).toBe(true);
    const [status] = r.statuses();
    if (status.status.type !== 'policy') throw new Error('policy status expected');
    const message = status.status.ancestors[0].conditions[0].message;
    expect(message).toContain('and 480 more');
    expect(message.length).toBeLessThan(2000);
  });

  it('names at most 16 ancestors (the PolicyStatus limit), the first Gateways by name', () => {
    const policy: KubeObject = {
      apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
      kind: 'XBackendTrafficPolicy',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'app' }], sessionPersistence: {} },
    };
    const r = createStickyResolver([svc('app'), policy]);
    for (let g = 0; g < 20; g++) r.resolve(rule({ gateway: { namespace: 'ns', name: `gw-${String(g).padStart(2, '0')}` } }));
    const [status] = r.statuses();
    if (status.status.type !== 'policy') throw new Error('policy status expected');
    expect(status.status.ancestors.map((a) => a.ancestorRef.name)).toEqual(Array.from({ length: 16 }, (_, g) => `gw-${String(g).padStart(2, '0')}`));
  });
});
