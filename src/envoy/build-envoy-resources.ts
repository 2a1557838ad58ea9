// IR → the four Envoy resource lists one Envoy fleet is served: a Listener and a RouteConfiguration
// per IR listener, a Cluster and a ClusterLoadAssignment per IR cluster, each sorted by name. Pure:
// plain proto3 JSON out (snake_case, `@type` on every Any, durations as "5s"); encoding is the
// codec's job. Top-level resources carry no `@type` (the xDS layer wraps them).
import type { GatewayIR } from '../ir/ir.ts';
import { buildCluster } from './cluster.ts';
import { buildClusterLoadAssignment } from './endpoint.ts';
import { byName, type JsonObject } from './envoy-json.ts';
import { buildListener } from './listener.ts';
import { buildRouteConfiguration } from './route.ts';

export interface EnvoyResources {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
}

export function buildEnvoyResources(gw: GatewayIR): EnvoyResources {
  return {
    listeners: gw.listeners.map(buildListener).sort(byName),
    routes: gw.listeners.map((l) => buildRouteConfiguration(l)).sort(byName),
    clusters: gw.clusters.map((c) => buildCluster(c)).sort(byName),
    endpoints: gw.clusters.map(buildClusterLoadAssignment).sort(byClusterName),
  };
}

export function byClusterName(a: JsonObject, b: JsonObject): number {
  return byName({ name: a['cluster_name'] }, { name: b['cluster_name'] });
}
