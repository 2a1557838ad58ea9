// A weighted split must split new sessions by the backends' weights, whatever their endpoint
// counts, on Envoy and on gRPC clients alike. These tests read the ClusterLoadAssignment the way each
// load balancer does and compute every locality's share of the hash ring:
// - Envoy (ring hash / Maglev without locality weighting): a host's share is its weight over the
//   sum of the weights of the hosts new requests may go to (HEALTHY);
// - gRPC ring_hash: a host's weight is its locality's weight times its own, over the same sum.
import { describe, expect, it } from 'vitest';
import type { ClusterIR, EndpointIR, LoadBalancerIR } from '../ir/ir.ts';
import { buildCluster } from './cluster.ts';
import { buildClusterLoadAssignment } from './endpoint.ts';
import { hashEndpointWeights } from './endpoint-weights.ts';

interface Cla {
  endpoints?: { locality: { sub_zone: string }; load_balancing_weight: number; lb_endpoints: { health_status: string; load_balancing_weight?: number }[] }[];
}

const RING: LoadBalancerIR = { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8_388_608 };

function endpoints(healthy: number, draining = 0, base = 0): EndpointIR[] {
  const out: EndpointIR[] = [];
  for (let i = 0; i < healthy + draining; i++) {
    out.push({ address: `10.${base}.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 8080, health: i < healthy ? 'HEALTHY' : 'DRAINING' });
  }
  return out;
}

function cluster(loadBalancer: LoadBalancerIR, localities: { weight: number; healthy: number; draining?: number }[]): ClusterIR {
  return {
    name: 'default/split/sticky',
    sticky: true,
    loadBalancer,
    keepSessionsOnDraining: true,
    connectTimeoutSeconds: 5,
    http2: false,
    localities: localities.map((l, i) => ({ name: `default/b${i}:8080`, backend: { namespace: 'default', name: `b${i}`, port: 8080 }, weight: l.weight, endpoints: endpoints(l.healthy, l.draining ?? 0, i) })),
  };
}

/** Share of new sessions per locality, as `mode` balances them. */
function shares(cla: Cla, mode: 'envoy' | 'grpc'): Record<string, number> {
  const weights: Record<string, number> = {};
  let total = 0;
  for (const locality of cla.endpoints ?? []) {
    for (const e of locality.lb_endpoints) {
      if (e.health_status !== 'HEALTHY') continue;
      const w = (e.load_balancing_weight ?? 1) * (mode === 'grpc' ? locality.load_balancing_weight : 1);
      weights[locality.locality.sub_zone] = (weights[locality.locality.sub_zone] ?? 0) + w;
      total += w;
    }
  }
  return Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w / total]));
}

function expectShares(c: ClusterIR, expected: number[], precision: number): void {
  const cla = buildClusterLoadAssignment(c) as Cla;
  for (const mode of ['envoy', 'grpc'] as const) {
    const got = shares(cla, mode);
    expected.forEach((share, i) => expect(got[`default/b${i}:8080`], `${mode} locality ${i}`).toBeCloseTo(share, precision));
  }
}

describe('sticky split over a hash ring', () => {
  it('splits 70/30 over one and three endpoints (with one draining)', () => {
    expectShares(cluster(RING, [{ weight: 70, healthy: 1 }, { weight: 30, healthy: 3, draining: 1 }]), [0.7, 0.3], 12);
  });

  it('splits exactly across many weight and endpoint-count combinations', () => {
    for (const [w0, w1, w2] of [[1, 1, 1], [70, 30, 0], [5, 3, 2], [999, 1, 7], [1, 1000, 1]]) {
      for (const [n0, n1, n2] of [[1, 2, 3], [7, 11, 13], [4, 4, 4], [64, 1, 9]]) {
        const localities = [{ weight: w0, healthy: n0 }, { weight: w1, healthy: n1 }, { weight: w2, healthy: n2 }];
        const served = localities.filter((l) => l.weight > 0);
        const total = served.reduce((s, l) => s + l.weight, 0);
        const c = cluster(RING, served);
        expectShares(c, served.map((l) => l.weight / total), 12);
      }
    }
  });

  it('falls back to a close approximation when exact weights would overflow Envoy limits', () => {
    // lcm(997, 1009, 1013) · 1,000,000 is far past 2^32: parts per million instead.
    const c = cluster({ type: 'maglev', tableSize: 65537 }, [{ weight: 1_000_000, healthy: 997 }, { weight: 3, healthy: 1009 }, { weight: 500_000, healthy: 1013 }]);
    const weights = hashEndpointWeights(c);
    expect(weights).toBeDefined();
    const sum = c.localities.reduce((s, l, i) => s + (weights![i] ?? 0) * l.endpoints.length, 0);
    expect(sum).toBeLessThanOrEqual(0xffff_ffff);
    const total = 1_500_003;
    expectShares(c, [1_000_000 / total, 3 / total, 500_000 / total], 6);
  });

  it('adds no weights when they would all be equal, or with one backend', () => {
    expect(hashEndpointWeights(cluster(RING, [{ weight: 2, healthy: 3 }, { weight: 2, healthy: 3 }]))).toBeUndefined();
    expect(hashEndpointWeights(cluster(RING, [{ weight: 70, healthy: 3 }]))).toBeUndefined();
  });

  it('keeps the split when a backend has no healthy endpoint left', () => {
    const c = cluster(RING, [{ weight: 70, healthy: 2 }, { weight: 30, healthy: 0, draining: 2 }]);
    const cla = buildClusterLoadAssignment(c) as Cla;
    // The draining backend still gets its endpoints (sessions stay on them) but no new sessions.
    expect(cla.endpoints?.map((l) => l.lb_endpoints.length)).toEqual([2, 2]);
    expect(shares(cla, 'envoy')).toEqual({ 'default/b0:8080': 1 });
  });
});

describe('a sticky split with a backend at weight 0', () => {
  it('keeps the backend\'s endpoints as DRAINING (off the ring, reachable by a session) and splits the rest by weight', () => {
    const c = cluster(RING, [{ weight: 0, healthy: 2 }, { weight: 30, healthy: 1 }, { weight: 70, healthy: 2, draining: 1 }]);
    const cla = buildClusterLoadAssignment(c) as Cla;
    expect(cla.endpoints?.map((l) => l.locality.sub_zone)).toEqual(['default/b0:8080', 'default/b1:8080', 'default/b2:8080']);
    expect(cla.endpoints?.map((l) => l.lb_endpoints.map((e) => e.health_status))).toEqual([['DRAINING', 'DRAINING'], ['HEALTHY'], ['HEALTHY', 'HEALTHY', 'DRAINING']]);
    expect(cla.endpoints?.every((l) => l.load_balancing_weight === 1)).toBe(true);
    expect(shares(cla, 'envoy')).toEqual({ 'default/b1:8080': expect.closeTo(0.3, 9) as number, 'default/b2:8080': expect.closeTo(0.7, 9) as number });
    expect(shares(cla, 'grpc')).toEqual(shares(cla, 'envoy'));
    // The weight-0 locality's endpoints carry no weight of their own.
    expect(cla.endpoints?.[0]?.lb_endpoints.map((e) => e.load_balancing_weight)).toEqual([undefined, undefined]);
  });

  it('keeps an UNHEALTHY endpoint UNHEALTHY, and leaves weight-0 backends out of plain clusters', () => {
    const c = cluster(RING, [{ weight: 0, healthy: 1 }, { weight: 100, healthy: 1 }]);
    c.localities[0].endpoints.push({ address: '10.0.9.9', port: 8080, health: 'UNHEALTHY' });
    const cla = buildClusterLoadAssignment(c) as Cla;
    expect(cla.endpoints?.[0]?.lb_endpoints.map((e) => e.health_status)).toEqual(['DRAINING', 'UNHEALTHY']);
    const plain = buildClusterLoadAssignment({ ...c, sticky: false, keepSessionsOnDraining: false }) as Cla;
    expect(plain.endpoints?.map((l) => l.locality.sub_zone)).toEqual(['default/b1:8080']);
  });
});

describe('sticky split with a non-hash policy', () => {
  it('puts the split on the localities and turns on locality weighting', () => {
    const c = cluster({ type: 'round-robin' }, [{ weight: 70, healthy: 1 }, { weight: 30, healthy: 3 }]);
    const cla = buildClusterLoadAssignment(c) as Cla;
    expect(cla.endpoints?.map((l) => l.load_balancing_weight)).toEqual([70, 30]);
    expect(cla.endpoints?.flatMap((l) => l.lb_endpoints.map((e) => e.load_balancing_weight))).toEqual([undefined, undefined, undefined, undefined]);
    expect(buildCluster(c)['common_lb_config']).toMatchObject({ locality_weighted_lb_config: {} });
  });

  it('keeps the Cluster unchanged when a backend loses its endpoints (no CDS push on scale events)', () => {
    const full = cluster({ type: 'round-robin' }, [{ weight: 70, healthy: 1 }, { weight: 30, healthy: 3 }]);
    const empty = cluster({ type: 'round-robin' }, [{ weight: 70, healthy: 1 }, { weight: 30, healthy: 0 }]);
    expect(buildCluster(empty)).toEqual(buildCluster(full));
  });
});
