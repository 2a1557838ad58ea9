import { describe, expect, it } from 'vitest';
import { applyStickyDefaults, DEFAULT_RING_HASH } from './defaults.ts';

const rule = { route: { kind: 'HTTPRoute' as const, namespace: 'shop', name: 'web' }, ruleIndex: 1 };
const origin = { kind: 'SessionPolicy', namespace: 'shop', name: 'p' };

describe('applyStickyDefaults', () => {
  it('leaves a rule nobody made sticky plain', () => {
    expect(applyStickyDefaults({}, rule)).toEqual({ loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, sticky: false });
  });

  it('gives a bare cookie session its per-rule name, Path /, ring hash on its own cookie (no TTL), and keeps draining sessions', () => {
    const out = applyStickyDefaults({ session: { spec: { type: 'cookie', attributes: [] }, origin } }, rule);
    expect(out).toEqual({
      session: { type: 'cookie', name: 'tether-shop.web.r1', path: '/', attributes: [], strict: false, origin },
      loadBalancer: { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8388608 },
      hashKeys: [{ type: 'cookie', name: 'tether-shop.web.r1', terminal: false }],
      keepSessionsOnDraining: true,
      sticky: true,
    });
  });

  it('keeps what the policy wrote', () => {
    const out = applyStickyDefaults(
      {
        session: { spec: { type: 'cookie', name: 'sid', path: '/app', ttlSeconds: 60, attributes: [] }, origin },
        strict: true,
        draining: 'drop',
        balancer: { loadBalancer: { type: 'maglev', tableSize: 65537 }, hashKeys: [{ type: 'header', name: 'x-user', terminal: true }] },
      },
      rule,
    );
    expect(out.session).toMatchObject({ name: 'sid', path: '/app', ttlSeconds: 60, strict: true });
    expect(out.loadBalancer).toEqual({ type: 'maglev', tableSize: 65537 });
    expect(out.hashKeys).toEqual([{ type: 'header', name: 'x-user', terminal: true }]);
    expect(out.keepSessionsOnDraining).toBe(false);
  });

  it('replaces a non-hashing balancer under a session with the default ring hash, and returns fresh objects', () => {
    const out = applyStickyDefaults({ session: { spec: { type: 'header' }, origin }, balancer: { loadBalancer: { type: 'least-request' }, hashKeys: [] } }, rule);
    expect(out.session).toMatchObject({ type: 'header', name: 'x-tether-session-shop.web.r1' });
    expect(out.loadBalancer).toEqual(DEFAULT_RING_HASH);
    expect(out.loadBalancer).not.toBe(DEFAULT_RING_HASH);
    expect(out.hashKeys).toEqual([{ type: 'header', name: 'x-tether-session-shop.web.r1', terminal: false }]);
  });

  it('hashes a hash-only rule on the client address, and a session rule on what its policy names', () => {
    const hashOnly = applyStickyDefaults({ balancer: { loadBalancer: DEFAULT_RING_HASH, hashKeys: [] } }, rule);
    expect(hashOnly.session).toBeUndefined();
    expect(hashOnly.hashKeys).toEqual([{ type: 'source-ip', terminal: false }]);
    const byPolicy = applyStickyDefaults(
      { session: { spec: { type: 'cookie', name: 'sid', attributes: [] }, origin }, balancer: { loadBalancer: DEFAULT_RING_HASH, hashKeys: [{ type: 'source-ip', terminal: false }] } },
      rule,
    );
    expect(byPolicy.hashKeys).toEqual([{ type: 'source-ip', terminal: false }]);
  });
});
