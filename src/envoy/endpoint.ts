// IR cluster → Envoy ClusterLoadAssignment (EDS): one locality per backend (its name in sub_zone),
// every endpoint with its health, so sessions can stay on DRAINING endpoints and leave UNHEALTHY
// ones at once. See endpoint-weights.ts for how a weighted split reaches a hash load balancer.
//
// A backend at weight 0 in a sticky split (a canary turned down, or not yet up) keeps its
// endpoints in the cluster, sent as DRAINING: Envoy keeps DRAINING hosts in the cluster's host map,
// so a session override still reaches them when the cluster allows DRAINING in
// override_host_status, and leaves them off the hash ring, which is built from healthy hosts only
// (docs/sticky-sessions.md, "Evidence from Envoy's source"). Sessions pinned there keep working, new
// ones never land there, and a rollback (weight up again) makes them HEALTHY: each step is a change
// of this resource only.
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
  out['endpoints'] = localities.map((locality, i) => {
    const turnedDown = locality.weight === 0;
    return {
      locality: { sub_zone: locality.name },
      lb_endpoints: locality.endpoints.map((e) => buildLbEndpoint(e, endpointWeights?.[i], turnedDown)),
      // Envoy requires a locality weight ≥ 1; a weight-0 locality's endpoints are all DRAINING.
      load_balancing_weight: hashing ? 1 : Math.max(1, locality.weight),
    };
  });
  return out;
}

function buildLbEndpoint(endpoint: EndpointIR, weight: number | undefined, turnedDown: boolean): JsonObject {
  return {
    endpoint: { address: { socket_address: { address: endpoint.address, port_value: endpoint.port } } },
    // UNHEALTHY stays UNHEALTHY: its sessions must re-pin at once, weight or not.
    health_status: turnedDown && endpoint.health === 'HEALTHY' ? 'DRAINING' : endpoint.health,
    ...(weight !== undefined ? { load_balancing_weight: weight } : {}),
  };
}
