// EndpointSlices → cluster endpoints. A separate pure step so that an EndpointSlice-only change can
// recompute just the clusters of the Services it touches (endpoint-fast-path.ts) without translating
// routes again: both the full translation and the fast path file slices through updateEndpointIndex
// and resolve clusters through refreshClusterEndpoints, so the two cannot disagree.
//
// Joining: backendRef port → the Service port with that number → its name → the slice port with the
// same name (slices label their Service with kubernetes.io/service-name) → the slice's port number,
// which is the resolved targetPort.
//
// Health (the EndpointSlice conditions; docs/sticky-sessions.md describes draining):
//   ready (absent = true)                  → HEALTHY
//   not ready, serving and terminating     → DRAINING in sticky clusters (existing sessions finish,
//                                            new ones go elsewhere); omitted from plain clusters
//   not ready otherwise (not serving)      → UNHEALTHY in sticky clusters, so a session pinned there
//                                            re-pins at once; omitted from plain clusters
// The same address:port in two slices (a pod moving between slices) counts once, the ready copy
// preferred, then the serving one.
import type { ClusterIR, EndpointIR, LocalityIR } from '../ir/ir.ts';
import type { EndpointConditions, EndpointSlice } from '../k8s/endpoint-slice.ts';
import type { Service } from '../k8s/service.ts';

export interface EndpointIndex {
  /** Services by `namespace/name`. */
  services: Map<string, Service>;
  /** EndpointSlices by the `namespace/name` of their Service. */
  slices: Map<string, EndpointSlice[]>;
}

export function indexEndpoints(services: readonly Service[], slices: readonly EndpointSlice[]): EndpointIndex {
  const index: EndpointIndex = { services: new Map(), slices: new Map() };
  for (const s of services) index.services.set(`${s.meta.namespace}/${s.meta.name}`, s);
  updateEndpointIndex(index, slices.map((next) => ({ next })));
  return index;
}

/** One EndpointSlice added (`next` only), changed (both) or removed (`old` only). */
export interface SliceChange {
  /** The slice as the index holds it now (the same object). */
  old?: EndpointSlice;
  next?: EndpointSlice;
}

/**
 * Files slices under their Service in `index` (in place), each Service's slices sorted by name, and
 * returns the `namespace/name` of every Service whose slices changed. A slice that names no Service
 * is not filed.
 */
export function updateEndpointIndex(index: EndpointIndex, changes: readonly SliceChange[]): Set<string> {
  const touched = new Set<string>();
  for (const { old, next } of changes) {
    if (old && old.serviceName !== '') {
      const key = serviceKey(old);
      index.slices.set(key, (index.slices.get(key) ?? []).filter((s) => s !== old));
      touched.add(key);
    }
    if (next && next.serviceName !== '') {
      const key = serviceKey(next);
      const list = index.slices.get(key);
      if (list) list.push(next);
      else index.slices.set(key, [next]);
      touched.add(key);
    }
  }
  for (const key of touched) {
    const list = index.slices.get(key) ?? [];
    if (list.length === 0) index.slices.delete(key);
    else list.sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0));
  }
  return touched;
}

/** `namespace/name` of the Service a slice belongs to. */
export function serviceKey(slice: EndpointSlice): string {
  return `${slice.meta.namespace}/${slice.serviceName}`;
}

/** Envoy health of one endpoint, or undefined when the endpoint is left out of the cluster. */
export function endpointHealth(c: EndpointConditions, sticky: boolean): EndpointIR['health'] | undefined {
  if (c.ready !== false) return 'HEALTHY';
  if (!sticky) return undefined;
  // An old API server sets only `ready`: without serving/terminating we cannot tell a draining pod.
  if (c.serving === true && c.terminating === true) return 'DRAINING';
  return 'UNHEALTHY';
}

const HEALTH_RANK: Record<EndpointIR['health'], number> = { HEALTHY: 0, DRAINING: 1, UNHEALTHY: 2 };

/** The endpoints of one Service port. Missing Service, port or slices: none (Envoy answers 503). */
export function resolveBackendEndpoints(backend: { namespace: string; name: string; port: number }, sticky: boolean, index: EndpointIndex): EndpointIR[] {
  const key = `${backend.namespace}/${backend.name}`;
  const service = index.services.get(key);
  const servicePort = service?.ports.find((p) => p.port === backend.port);
  if (!servicePort) return [];
  const byAddress = new Map<string, EndpointIR>();
  for (const slice of index.slices.get(key) ?? []) {
    if (slice.addressType === 'FQDN') continue;
    const slicePort = slice.ports.find((p) => p.name === servicePort.name);
    const port = slicePort?.port ?? (slicePort && typeof servicePort.targetPort === 'number' ? servicePort.targetPort : undefined);
    if (port === undefined) continue;
    for (const e of slice.endpoints) {
      const health = endpointHealth(e.conditions, sticky);
      if (health === undefined) continue;
      const id = `${e.address}|${port}`;
      const seen = byAddress.get(id);
      if (seen && HEALTH_RANK[seen.health] <= HEALTH_RANK[health]) continue;
      const ep: EndpointIR = { address: e.address, port, health };
      if (e.zone !== undefined) ep.zone = e.zone;
      byAddress.set(id, ep);
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
}

/**
 * The same cluster with its endpoints recomputed from `index`. This is the whole of what an
 * EndpointSlice change affects: the fast path re-runs it for the clusters whose localities name
 * the slice's Service (LocalityIR.backend).
 */
export function refreshClusterEndpoints(cluster: ClusterIR, index: EndpointIndex): ClusterIR {
  const localities: LocalityIR[] = cluster.localities.map((l) => ({ ...l, endpoints: resolveBackendEndpoints(l.backend, cluster.sticky, index) }));
  return { ...cluster, localities };
}
