// IR cluster → Envoy Cluster. Served clusters are EDS over ADS (endpoints change without touching
// CDS, so no cluster warming on a scale event); the static bootstrap inlines them instead.
//
// Every cluster gets healthy_panic_threshold 0%: endpoint health comes from Kubernetes readiness,
// and Kubernetes never sends new requests to a pod that is not ready. Envoy's default (50%) would,
// once half the endpoints that count are UNHEALTHY, balance over all of them, DRAINING ones
// included, and for sticky clusters new sessions would land on terminating pods (envoy#46800).
// DRAINING endpoints themselves do not count towards panic (they are excluded hosts, left out of the
// total); UNHEALTHY ones do (docs/sticky-sessions.md, "Evidence from Envoy's source"). 0 turns panic
// off altogether.
//
// Sticky clusters (a session or a hash routes here) also get override_host_status: the statuses an
// endpoint may have and still take its sessions' requests, with DRAINING when sessions stay on
// draining endpoints ("keep") and without it for "drop". They never set
// close_connections_on_host_set_change, which would cut the connections draining sessions use.
import type { ClusterIR } from '../ir/ir.ts';
import { EnvoyName, EnvoyType, adsConfigSource, duration, typed, type JsonObject } from './envoy-json.ts';
import { buildClusterLoadAssignment } from './endpoint.ts';
import { isHashLoadBalancer } from './endpoint-weights.ts';
import { buildLoadBalancerFields } from './load-balancer.ts';

export interface ClusterOptions {
  /** `eds` (served over ADS, the default) or `static` (endpoints inline, for a static bootstrap). */
  discovery?: 'eds' | 'static';
}

const OVERRIDE_STATUSES = ['UNKNOWN', 'HEALTHY', 'DEGRADED'];

export function buildCluster(cluster: ClusterIR, opts: ClusterOptions = {}): JsonObject {
  const discovery: JsonObject =
    opts.discovery === 'static'
      ? { type: 'STATIC', load_assignment: buildClusterLoadAssignment(cluster) }
      : { type: 'EDS', eds_cluster_config: { eds_config: adsConfigSource(), service_name: cluster.name } };
  const out: JsonObject = {
    name: cluster.name,
    ...discovery,
    connect_timeout: duration(cluster.connectTimeoutSeconds),
    ...buildLoadBalancerFields(cluster.loadBalancer),
  };
  out['common_lb_config'] = buildCommonLbConfig(cluster);
  if (cluster.http2) {
    out['typed_extension_protocol_options'] = {
      [EnvoyName.httpProtocolOptions]: typed(EnvoyType.httpProtocolOptions, {
        explicit_http_config: { http2_protocol_options: {} },
      }),
    };
  }
  return out;
}

function buildCommonLbConfig(cluster: ClusterIR): JsonObject {
  const out: JsonObject = { healthy_panic_threshold: { value: 0 } };
  if (cluster.sticky) {
    out['override_host_status'] = {
      statuses: cluster.keepSessionsOnDraining ? [...OVERRIDE_STATUSES, 'DRAINING'] : [...OVERRIDE_STATUSES],
    };
  }
  // Non-hash policies split between backends by locality weight (see endpoint-weights.ts); hash
  // policies carry the split in endpoint weights and must not also weigh localities. Decided by the
  // backends the cluster has, not by which of them have endpoints right now, so a scale event never
  // changes the Cluster.
  if (!isHashLoadBalancer(cluster.loadBalancer) && cluster.localities.length > 1) {
    out['locality_weighted_lb_config'] = {};
  }
  return out;
}
