// Which routes an Envoy NACK is about. Envoy rejects whole resources (a RouteConfiguration, a
// Cluster...), while users own routes; this maps a rejection back to the HTTPRoutes and GRPCRoutes
// whose translation produced the rejected resources, so their status can say so
// (nack-conditions.ts; nack-status.ts shows the whole path). Pure.
//
// Candidates by type: listeners and route configurations → every route they carry; clusters and
// endpoints → every route forwarding to them. When Envoy's message names one of the candidate
// routes (our route names are `<kind>/<ns>/<name>/rule/<i>/match/<j>`) or clusters, only those count.
import type { GatewayIR, IR, RouteIR } from '../ir/ir.ts';
import type { RouteNack } from './nack-conditions.ts';
import { TypeUrl } from '../xds/resource-types.ts';

export interface NackInput {
  gateway: string;
  typeUrl: string;
  message: string;
  /** Names carried by the rejected response. */
  resourceNames: readonly string[];
  /** The node that reported it (sanitised). */
  node?: string;
}

const ROUTE_GROUP = 'gateway.networking.k8s.io';

export function routeNacks(ir: IR, nacks: readonly NackInput[]): RouteNack[] {
  const out = new Map<string, RouteNack>();
  for (const nack of nacks) {
    const gw = ir.gateways.find((g) => g.name === nack.gateway);
    if (!gw) continue;
    for (const { route, resource } of candidates(gw, nack)) {
      const s = route.source;
      const key = `${s.kind}/${s.namespace}/${s.name}\0${resource}\0${nack.message}`;
      if (out.has(key)) continue;
      out.set(key, { route: { group: ROUTE_GROUP, kind: s.kind, namespace: s.namespace, name: s.name }, message: nack.message, resource, ...(nack.node !== undefined ? { node: nack.node } : {}) });
    }
  }
  return [...out.values()];
}

function candidates(gw: GatewayIR, nack: NackInput): { route: RouteIR; resource: string }[] {
  const names = new Set(nack.resourceNames);
  const all: { route: RouteIR; resource: string; clusters: string[] }[] = [];
  for (const listener of gw.listeners) {
    // An HTTPS listener's routes live in its filter chains, each with its own RouteConfiguration.
    for (const { table, vh } of listener.tls ? listener.tls.chains.flatMap((c) => c.virtualHosts.map((vh) => ({ table: c.name, vh }))) : listener.virtualHosts.map((vh) => ({ table: listener.name, vh }))) {
      for (const route of vh.routes) {
        const clusters = route.action.type === 'forward' ? route.action.clusters.map((c) => c.name) : [];
        switch (nack.typeUrl) {
          case TypeUrl.listener:
          case TypeUrl.route: {
            // gRPC-client listeners are named after a hostname; they point at the same route configuration.
            const hit = names.size === 0 || names.has(listener.name) || names.has(table) || vh.domains.some((d) => names.has(d));
            const resource = nack.typeUrl === TypeUrl.listener ? `Listener ${listener.name}` : `RouteConfiguration ${table}`;
            if (hit) all.push({ route, resource, clusters });
            break;
          }
          case TypeUrl.cluster:
          case TypeUrl.endpoint: {
            const kind = nack.typeUrl === TypeUrl.cluster ? 'Cluster' : 'ClusterLoadAssignment';
            const named = clusters.filter((c) => names.has(c));
            if (named.length > 0) all.push({ route, resource: `${kind} ${named.join(', ')}`, clusters: named });
            break;
          }
        }
      }
    }
  }
  // Narrow to what Envoy's message names, when it names something.
  const byRoute = all.filter((c) => nack.message.includes(c.route.name));
  if (byRoute.length > 0) return byRoute;
  const byCluster = all.filter((c) => c.clusters.some((name) => nack.message.includes(name)));
  if (byCluster.length > 0) return byCluster;
  return all;
}
