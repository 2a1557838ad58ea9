// Checks that need a whole snapshot (listeners, routes, clusters and endpoints together): what
// Envoy would leave warming forever, ignore without a word, or route to nowhere.
import type { JsonObject } from '../codec/proto-registry.ts';
import { MessageType } from '../codec/proto-registry.ts';
import type { ResourceKey } from '../codec/resource-kinds.ts';
import type { Finding } from './finding.ts';
import { fieldPath, indexPath } from './finding.ts';
import { anyType, forEachPerFilterConfig, get, list, perFilterKeyMessage, str } from './semantic-checks.ts';

/** The resources of one xDS snapshot, as proto3 JSON, by kind (any may be missing). */
export type ResourceSnapshot = Partial<Record<ResourceKey, readonly JsonObject[]>>;

interface HcmUse {
  path: string;
  /** HTTP filter name → packed config type. */
  filters: Map<string, string | undefined>;
}

/** The per-route config type each HTTP filter type accepts (where we know it). */
const PER_ROUTE_TYPE: Record<string, string> = {
  [MessageType.statefulSession]: MessageType.statefulSessionPerRoute,
};

/** Every HCM in a listener that takes its routes over RDS, by route configuration name. */
function rdsUses(listeners: readonly JsonObject[]): Map<string, HcmUse[]> {
  const uses = new Map<string, HcmUse[]>();
  const add = (cfg: unknown, path: string): void => {
    if (anyType(cfg) !== MessageType.httpConnectionManager) return;
    const name = str(get(cfg, 'rds'), 'route_config_name');
    if (name === undefined) return;
    const filters = new Map<string, string | undefined>();
    for (const hf of list(cfg, 'http_filters')) filters.set(str(hf, 'name') ?? '', anyType(get(hf, 'typed_config')));
    const use = { path: fieldPath(path, 'rds'), filters };
    const arr = uses.get(name);
    if (arr) arr.push(use);
    else uses.set(name, [use]);
  };
  listeners.forEach((l, li) => {
    // An API listener (proxyless gRPC clients) holds its HCM directly.
    const api = get(get(l, 'api_listener'), 'api_listener');
    if (api !== undefined) add(api, fieldPath(fieldPath(indexPath('listeners', li), 'api_listener'), 'api_listener'));
    const chains: [unknown, string][] = list(l, 'filter_chains').map((fc, i) => [fc, indexPath(fieldPath(indexPath('listeners', li), 'filter_chains'), i)]);
    const dfc = get(l, 'default_filter_chain');
    if (dfc !== undefined) chains.push([dfc, fieldPath(indexPath('listeners', li), 'default_filter_chain')]);
    for (const [fc, fcPath] of chains) {
      list(fc, 'filters').forEach((f, fi) => add(get(f, 'typed_config'), fieldPath(indexPath(fieldPath(fcPath, 'filters'), fi), 'typed_config')));
    }
  });
  return uses;
}

/** Secrets the listeners' TLS contexts fetch over SDS (ADS), by name, with the path of each use. */
function sdsUses(listeners: readonly JsonObject[]): [string, string][] {
  const out: [string, string][] = [];
  listeners.forEach((l, li) => {
    list(l, 'filter_chains').forEach((fc, fi) => {
      const tls = get(get(fc, 'transport_socket'), 'typed_config');
      if (anyType(tls) !== MessageType.downstreamTlsContext) return;
      const base = fieldPath(indexPath(fieldPath(indexPath('listeners', li), 'filter_chains'), fi), 'transport_socket.typed_config.common_tls_context');
      list(get(tls, 'common_tls_context'), 'tls_certificate_sds_secret_configs').forEach((sc, i) => {
        const name = str(sc, 'name');
        if (name !== undefined && get(sc, 'sds_config') !== undefined) out.push([name, fieldPath(indexPath(fieldPath(base, 'tls_certificate_sds_secret_configs'), i), 'name')]);
      });
    });
  });
  return out;
}

/** Cluster names a route configuration sends traffic to, with paths. */
function routeClusters(rc: unknown, rcPath: string, visit: (cluster: string, path: string, route: unknown) => void): void {
  list(rc, 'virtual_hosts').forEach((vh, i) => {
    const vp = indexPath(fieldPath(rcPath, 'virtual_hosts'), i);
    list(vh, 'routes').forEach((r, j) => {
      const rp = fieldPath(indexPath(fieldPath(vp, 'routes'), j), 'route');
      const action = get(r, 'route');
      const c = str(action, 'cluster');
      if (c !== undefined) visit(c, fieldPath(rp, 'cluster'), action);
      list(get(action, 'weighted_clusters'), 'clusters').forEach((wc, k) => {
        const n = str(wc, 'name');
        if (n !== undefined) visit(n, fieldPath(indexPath(fieldPath(fieldPath(rp, 'weighted_clusters'), 'clusters'), k), 'name'), action);
      });
      list(action, 'request_mirror_policies').forEach((m, k) => {
        const n = str(m, 'cluster');
        if (n !== undefined) visit(n, fieldPath(indexPath(fieldPath(rp, 'request_mirror_policies'), k), 'cluster'), undefined);
      });
    });
  });
}

const HASH_POLICIES = new Set(['envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash', 'envoy.extensions.load_balancing_policies.maglev.v3.Maglev']);

/** True if the cluster's load balancer hashes (so a route's hash_policy takes effect). */
function hashesRequests(c: unknown): boolean {
  const lbp = get(c, 'load_balancing_policy');
  if (lbp !== undefined) {
    const first = list(lbp, 'policies')[0];
    return HASH_POLICIES.has(anyType(get(get(first, 'typed_extension_config'), 'typed_config')) ?? '');
  }
  const p = get(c, 'lb_policy');
  return p === 'RING_HASH' || p === 'MAGLEV' || p === 2 || p === 5;
}

function isEds(c: unknown): boolean {
  const t = get(c, 'type');
  return get(c, 'cluster_type') === undefined && (t === 'EDS' || t === 3);
}

export function checkSnapshot(s: ResourceSnapshot, out: Finding[]): void {
  const err = (path: string, message: string): void => { out.push({ level: 'error', path, message }); };
  const warn = (path: string, message: string): void => { out.push({ level: 'warning', path, message }); };
  const uses = rdsUses(s.listeners ?? []);

  if (s.secrets || s.routes) {
    const secretNames = new Set((s.secrets ?? []).map((r) => str(r, 'name')));
    const used = new Set<string>();
    for (const [name, path] of sdsUses(s.listeners ?? [])) {
      used.add(name);
      // A listener waits for its certificates over SDS: it stays warming until they arrive.
      if (!secretNames.has(name)) err(path, `secret "${name}" is not in the snapshot; Envoy keeps the listener warming`);
    }
    (s.secrets ?? []).forEach((sec, i) => {
      if (s.listeners && !used.has(str(sec, 'name') ?? '')) warn(indexPath('secrets', i), `secret "${str(sec, 'name') ?? ''}" is used by no listener in the snapshot`);
    });
  }

  if (s.routes) {
    const routeNames = new Set(s.routes.map((r) => str(r, 'name')));
    for (const [name, hcms] of uses) {
      // An HCM waits for its RouteConfiguration over RDS: the listener stays warming until it arrives.
      if (!routeNames.has(name)) for (const u of hcms) err(fieldPath(u.path, 'route_config_name'), `route configuration "${name}" is not in the snapshot; Envoy keeps the listener warming`);
    }
  }

  (s.routes ?? []).forEach((rc, i) => {
    const rcPath = indexPath('routes', i);
    const hcms = uses.get(str(rc, 'name') ?? '');
    if (!hcms) {
      if (s.listeners) warn(rcPath, `route configuration "${str(rc, 'name') ?? ''}" is used by no listener in the snapshot`);
      return;
    }
    const filters = new Map<string, string | undefined>();
    for (const u of hcms) for (const [n, t] of u.filters) filters.set(n, t);
    forEachPerFilterConfig(rc, rcPath, (key, value, p) => {
      if (!filters.has(key)) {
        err(p, perFilterKeyMessage(key, [...filters.keys()]));
        return;
      }
      const filterType = filters.get(key);
      const want = filterType ? PER_ROUTE_TYPE[filterType] : undefined;
      let t = anyType(value);
      if (t === 'envoy.config.route.v3.FilterConfig') t = anyType(get(value, 'config')) ?? want;
      // The filter's factory downcasts its per-route config to its own per-route type.
      if (want && t !== want) err(p, `per-route config for filter "${key}" (${filterType}) must be ${want}, got ${t ?? 'nothing'}`);
    });
  });

  if (s.clusters && s.routes) {
    const clusters = new Map(s.clusters.map((c) => [str(c, 'name'), c]));
    s.routes.forEach((rc, i) => {
      routeClusters(rc, indexPath('routes', i), (name, p, action) => {
        const c = clusters.get(name);
        // RDS does not validate clusters by default: Envoy answers 503 (no cluster) at request time.
        if (!c) err(p, `cluster "${name}" is not in the snapshot`);
        else if (action !== undefined && list(action, 'hash_policy').length > 0 && !hashesRequests(c)) {
          // hash_policy only feeds hashing load balancers (ring hash, maglev); others ignore it.
          warn(p, `route has hash_policy but cluster "${name}" does not use a hashing load balancer`);
        }
      });
    });
  }

  if (s.clusters && s.endpoints) {
    const clas = new Set(s.endpoints.map((e) => str(e, 'cluster_name')));
    s.clusters.forEach((c, i) => {
      if (!isEds(c)) return;
      const edsName = str(get(c, 'eds_cluster_config'), 'service_name') ?? str(c, 'name');
      // An EDS cluster stays warming until its ClusterLoadAssignment arrives.
      if (edsName !== undefined && !clas.has(edsName)) err(indexPath('clusters', i), `EDS cluster has no ClusterLoadAssignment "${edsName}" in the snapshot; Envoy keeps it warming`);
    });
    const edsNames = new Set(s.clusters.filter(isEds).map((c) => str(get(c, 'eds_cluster_config'), 'service_name') ?? str(c, 'name')));
    s.endpoints.forEach((e, i) => {
      const n = str(e, 'cluster_name');
      if (n !== undefined && !edsNames.has(n)) warn(fieldPath(indexPath('endpoints', i), 'cluster_name'), `no EDS cluster uses ClusterLoadAssignment "${n}"`);
    });
  }
}
