import { describe, expect, it } from 'vitest';
import { clusterName, STICKY_DEFAULT_LOAD_BALANCER, type ClusterKey } from './cluster-names.ts';

const one = [{ namespace: 'shop', name: 'cart', port: 8080, weight: 1 }];
const key = (k: Partial<ClusterKey>): ClusterKey => ({ backends: one, sticky: false, loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, http2: false, ...k });

describe('cluster names', () => {
  it('names plain clusters after the Service and port only', () => {
    expect(clusterName(key({}))).toBe('shop/cart/8080');
    expect(clusterName(key({ loadBalancer: { type: 'least-request' } }))).toBe('shop/cart/8080/least-request');
    expect(clusterName(key({ http2: true }))).toBe('shop/cart/8080/h2');
  });

  it('spells out only what differs from the sticky default', () => {
    const sticky = { sticky: true, loadBalancer: STICKY_DEFAULT_LOAD_BALANCER, keepSessionsOnDraining: true };
    expect(clusterName(key(sticky))).toBe('shop/cart/8080/sticky');
    expect(clusterName(key({ ...sticky, loadBalancer: { type: 'maglev', tableSize: 65537 } }))).toBe('shop/cart/8080/sticky-maglev-65537');
    expect(clusterName(key({ ...sticky, loadBalancer: { type: 'ring-hash', minimumRingSize: 2048, maximumRingSize: 8388608 } }))).toBe('shop/cart/8080/sticky-ring-2048-8388608');
    expect(clusterName(key({ ...sticky, keepSessionsOnDraining: false }))).toBe('shop/cart/8080/sticky-drop-draining');
  });

  it('names a sticky split after every backend and weight', () => {
    const backends = [
      { namespace: 'shop', name: 'v1', port: 80, weight: 90 },
      { namespace: 'shop', name: 'v2', port: 80, weight: 10 },
    ];
    expect(clusterName(key({ backends, sticky: true, loadBalancer: STICKY_DEFAULT_LOAD_BALANCER, keepSessionsOnDraining: true }))).toBe('shop/v1/80=90+shop/v2/80=10/sticky');
  });
});
