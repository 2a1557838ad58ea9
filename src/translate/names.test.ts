import { describe, expect, it } from 'vitest';
import { clusterName, listenerName, routeName, type ClusterKey } from './names.ts';
import { DEFAULT_RING_HASH } from './sticky/defaults.ts';

const one = [{ namespace: 'shop', name: 'cart', port: 8080, weight: 1 }];
const key = (k: Partial<ClusterKey>): ClusterKey => ({ backends: one, sticky: false, loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, http2: false, ...k });

describe('names', () => {
  it('names a listener after its Gateway and port, and a route after its rule and match', () => {
    expect(listenerName({ namespace: 'shop', name: 'gw' }, 8080)).toBe('shop/gw/8080');
    expect(routeName({ kind: 'GRPCRoute', namespace: 'shop', name: 'api' }, 2, 1)).toBe('GRPCRoute/shop/api/rule/2/match/1');
  });


  it('names plain clusters after the Service and port only', () => {
    expect(clusterName(key({}))).toBe('shop/cart/8080');
    expect(clusterName(key({ loadBalancer: { type: 'least-request' } }))).toBe('shop/cart/8080/least-request');
    expect(clusterName(key({ http2: true }))).toBe('shop/cart/8080/h2');
  });

  it('spells out only what differs from the sticky default', () => {
    const sticky = { sticky: true, loadBalancer: DEFAULT_RING_HASH, keepSessionsOnDraining: true };
    expect(clusterName(key(sticky))).toBe('shop/cart/8080/sticky');
    expect(clusterName(key({ ...sticky, loadBalancer: { type: 'maglev', tableSize: 65537 } }))).toBe('shop/cart/8080/sticky-maglev-65537');
    expect(clusterName(key({ ...sticky, loadBalancer: { type: 'ring-hash', minimumRingSize: 2048, maximumRingSize: 8388608 } }))).toBe('shop/cart/8080/sticky-ring-2048-8388608');
    expect(clusterName(key({ ...sticky, keepSessionsOnDraining: false }))).toBe('shop/cart/8080/sticky-drop-draining');
  });

  it('names a sticky split after its backends, not their weights, and apart for another rule only when asked', () => {
    const split = (a: number, b: number) => [
      { namespace: 'shop', name: 'v1', port: 80, weight: a },
      { namespace: 'shop', name: 'v2', port: 80, weight: b },
    ];
    const sticky = { sticky: true, loadBalancer: DEFAULT_RING_HASH, keepSessionsOnDraining: true };
    expect(clusterName(key({ backends: split(90, 10), ...sticky }))).toBe('shop/v1/80+shop/v2/80/sticky');
    expect(clusterName(key({ backends: split(0, 100), ...sticky }))).toBe('shop/v1/80+shop/v2/80/sticky');
    const owner = { kind: 'HTTPRoute', namespace: 'shop', name: 'web', ruleIndex: 2 };
    expect(clusterName(key({ backends: split(50, 50), ...sticky, owner }))).toBe('shop/v1/80+shop/v2/80/sticky@HTTPRoute/shop/web/rule/2');
    expect(clusterName(key({ backends: split(10, 90), ...sticky, owner }))).toBe('shop/v1/80+shop/v2/80/sticky@HTTPRoute/shop/web/rule/2');
    // A single backend has no weights to differ in.
    expect(clusterName(key({ ...sticky, owner }))).toBe('shop/cart/8080/sticky');
  });
});
