// IR load balancer → the Cluster fields that choose it: the `lb_policy` enum with its config
// (`ring_hash_lb_config`, `maglev_lb_config`) and the cluster-wide `common_lb_config`.
//
// Why the enum and not the typed `load_balancing_policy` extension list: every Envoy reads the enum
// (it is not deprecated; the typed list supersedes it where a client supports that), and the
// cluster-wide `common_lb_config` (panic threshold, override_host_status, locality weighting) applies
// to it in every version. The typed list would buy nothing Tether needs: a weighted split reaches a
// hash ring through endpoint weights (endpoint-weights.ts), not RingHash.locality_weighted_lb_config.
// And gRPC's xDS clients read the enum correctly, while grpc-js-xds 1.14 rejects a typed RingHash that
// sets its (64-bit) ring sizes ("min_ring_size must be a number") — checked in tests by running
// our clusters through grpc-js-xds's own validation. Policies gRPC lacks (least request, random,
// Maglev) are mapped for gRPC clients in build-grpc-client-resources.ts.
import type { LoadBalancerIR } from '../ir/ir.ts';
import type { JsonObject } from './envoy-json.ts';

export function buildLoadBalancerFields(lb: LoadBalancerIR): JsonObject {
  switch (lb.type) {
    case 'round-robin':
      return {}; // ROUND_ROBIN is the enum's zero value
    case 'least-request':
      return { lb_policy: 'LEAST_REQUEST' };
    case 'random':
      return { lb_policy: 'RANDOM' };
    case 'ring-hash':
      // hash_function stays XX_HASH, the zero value: Envoy's default and the only one gRPC accepts.
      return {
        lb_policy: 'RING_HASH',
        ring_hash_lb_config: { minimum_ring_size: lb.minimumRingSize, maximum_ring_size: lb.maximumRingSize },
      };
    case 'maglev':
      return { lb_policy: 'MAGLEV', maglev_lb_config: { table_size: lb.tableSize } };
  }
}
