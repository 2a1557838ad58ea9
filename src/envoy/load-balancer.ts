// IR load balancer → the Cluster fields that choose it.
//
// Consistent hashing (ring hash, Maglev) uses the typed `load_balancing_policy` extension list: it is
// what supersedes `lb_policy`, it has worked since Envoy 1.22, and it is what gRPC's xDS clients
// (grpc-js-xds included) read. Every client takes the first entry it supports, so Maglev is followed
// by a ring hash entry: Envoy uses Maglev, gRPC (which has no Maglev) falls back to ring hash rather
// than rejecting the cluster. gRPC only accepts ring hash with XX_HASH spelled out, which is also
// Envoy's default, so it is always written.
//
// Round robin, least request and random stay on the `lb_policy` enum. Every Envoy and gRPC read it
// (gRPC turns ROUND_ROBIN into weighted-locality round robin), and with it the cluster-wide
// `common_lb_config.locality_weighted_lb_config` turns on locality weights, which is how a sticky
// traffic split reaches those policies. gRPC clients support only ROUND_ROBIN of the three.
import type { LoadBalancerIR } from '../ir/ir.ts';
import { EnvoyName, EnvoyType, typed, type JsonObject } from './envoy-json.ts';

export function buildLoadBalancerFields(lb: LoadBalancerIR): JsonObject {
  switch (lb.type) {
    case 'round-robin':
      return {}; // ROUND_ROBIN is the enum's zero value
    case 'least-request':
      return { lb_policy: 'LEAST_REQUEST' };
    case 'random':
      return { lb_policy: 'RANDOM' };
    case 'ring-hash':
      return { load_balancing_policy: { policies: [ringHashPolicy(lb.minimumRingSize, lb.maximumRingSize)] } };
    case 'maglev':
      return {
        load_balancing_policy: {
          policies: [
            {
              typed_extension_config: {
                name: EnvoyName.maglev,
                typed_config: typed(EnvoyType.maglev, { table_size: lb.tableSize }),
              },
            },
            ringHashPolicy(),
          ],
        },
      };
  }
}

function ringHashPolicy(minimumRingSize?: number, maximumRingSize?: number): JsonObject {
  return {
    typed_extension_config: {
      name: EnvoyName.ringHash,
      typed_config: typed(EnvoyType.ringHash, {
        hash_function: 'XX_HASH',
        ...(minimumRingSize !== undefined ? { minimum_ring_size: minimumRingSize } : {}),
        ...(maximumRingSize !== undefined ? { maximum_ring_size: maximumRingSize } : {}),
      }),
    },
  };
}
