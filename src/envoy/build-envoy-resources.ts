// IR → the four Envoy resource lists one Envoy fleet is served: a Listener and a RouteConfiguration
// per IR listener, a Cluster and a ClusterLoadAssignment per IR cluster, each sorted by name. Pure:
// plain proto3 JSON out (snake_case, `@type` on every Any, durations as "5s"); encoding is the
// codec's job. Top-level resources carry no `@type` (the xDS layer wraps them).
import type { GatewayIR } from '../ir/ir.ts';
import { buildCluster } from './cluster.ts';
import { buildClusterLoadAssignment } from './endpoint.ts';
import { byName, type JsonObject } from './envoy-json.ts';
import { buildListener } from './listener.ts';
import { buildListenerRouteConfigurations } from './route.ts';
import { buildSecret, type SecretMaterialLookup } from './secret.ts';
import { memo } from './build-memo.ts';
import type { ClusterIR } from '../ir/ir.ts';

const clusterJson = new WeakMap<ClusterIR, JsonObject>();
const endpointsJson = new WeakMap<ClusterIR, JsonObject>();

/** A cluster's Cluster, built once per IR cluster (build-memo.ts). */
export function clusterOf(c: ClusterIR): JsonObject {
  return memo(clusterJson, c, (x) => buildCluster(x));
}

/** A cluster's ClusterLoadAssignment, built once per IR cluster (build-memo.ts). */
export function endpointsOf(c: ClusterIR): JsonObject {
  return memo(endpointsJson, c, buildClusterLoadAssignment);
}

export interface EnvoyResources {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
  /** SDS Secrets of the HTTPS listeners (absent when none); redacted unless key material was given. */
  secrets?: JsonObject[];
}

export interface BuildOptions {
  /** The PEM texts Envoy must be sent; without it (or when it has no entry) secrets are redacted. */
  secretMaterial?: SecretMaterialLookup;
}

export function buildEnvoyResources(gw: GatewayIR, opts: BuildOptions = {}): EnvoyResources {
  const out: EnvoyResources = {
    listeners: gw.listeners.map((l) => buildListener(l, gw.edge)).sort(byName),
    routes: gw.listeners.flatMap((l) => buildListenerRouteConfigurations(l)).sort(byName),
    clusters: gw.clusters.map(clusterOf).sort(byName),
    endpoints: gw.clusters.map(endpointsOf).sort(byClusterName),
  };
  if (gw.secrets && gw.secrets.length > 0) out.secrets = gw.secrets.map((s) => buildSecret(s, opts.secretMaterial?.(s.name))).sort(byName);
  return out;
}

export function byClusterName(a: JsonObject, b: JsonObject): number {
  return byName({ name: a['cluster_name'] }, { name: b['cluster_name'] });
}
