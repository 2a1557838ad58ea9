// IR cluster → Envoy ClusterLoadAssignment (EDS): one locality per backend (its name in sub_zone),
// every endpoint with its health, so sessions can stay on DRAINING endpoints and leave UNHEALTHY
// ones at once. See endpoint-weights.ts for how a weighted split reaches a hash load balancer.
import type { ClusterIR, EndpointIR } from '../ir/ir.ts';
import type { JsonObject } from './envoy-json.ts';
import { hashEndpointWeights, isHashLoadBalancer, servedLocalities } from './endpoint-weights.ts';

export function buildClusterLoadAssignment(cluster: ClusterIR): JsonObject {
  const localities = servedLocalities(cluster);
  const out: JsonObject = { cluster_name: cluster.name };
  if (localities.length === 0) return out;
  const endpointWeights = hashEndpointWeights(cluster);
  // Hash policies carry the split in endpoint weights, so their localities all weigh 1 (gRPC needs a
  // weight on every locality and would multiply a real one in again).
  const hashing = isHashLoadBalancer(cluster.loadBalancer);
  out['endpoints'] = localities.map((locality, i) => ({
    locality: { sub_zone: locality.name },
    lb_endpoints: locality.endpoints.map((e) => buildLbEndpoint(e, endpointWeights?.[i])),
    load_balancing_weight: hashing ? 1 : locality.weight,
  }));
  return out;
}

function buildLbEndpoint(endpoint: EndpointIR, weight: number | undefined): JsonObject {
  return {
    endpoint: { address: { socket_address: { address: endpoint.address, port_value: endpoint.port } } },
    health_status: endpoint.health,
    ...(weight !== undefined ? { load_balancing_weight: weight } : {}),
  };
}
