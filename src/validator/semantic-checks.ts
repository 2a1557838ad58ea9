// Envoy's own load-time checks that PGV cannot express: the C++ code that NACKs a resource (or
// silently ignores part of it) after the protos parsed fine. Each check names the Envoy behaviour
// it mirrors. Per-message checks run wherever the message occurs (also inside Anys); set checks
// look at all resources of one type; cross checks at a whole snapshot.
import { MessageType } from '../codec/proto-registry.ts';
import type { Finding } from './finding.ts';
import { fieldPath, indexPath, keyPath } from './finding.ts';
import { isIPv4, isIPv6 } from './pgv-rules.ts';
import { compileRe2 } from './re2-syntax.ts';
import type { CheckContext, SemanticCheck } from './schema-walker.ts';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** A field by its snake_case name, given in either JSON spelling; null counts as absent. */
export function get(o: unknown, name: string): unknown {
  if (!isObject(o)) return undefined;
  const v = o[name] ?? o[camel(name)];
  return v === null ? undefined : v;
}
export const list = (o: unknown, name: string): unknown[] => {
  const v = get(o, name);
  return Array.isArray(v) ? v : [];
};
export const str = (o: unknown, name: string): string | undefined => {
  const v = get(o, name);
  return typeof v === 'string' ? v : undefined;
};
/** The message type packed in an Any given as proto3 JSON. */
export function anyType(v: unknown): string | undefined {
  const t = get(v, '@type');
  return typeof t === 'string' ? t.slice(t.lastIndexOf('/') + 1) : undefined;
}

const FILTER_CONFIG = 'envoy.config.route.v3.FilterConfig';
const TERMINAL_NETWORK_FILTERS = new Set([MessageType.httpConnectionManager, 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy']);

/** The configured type of an extension's Any. */
function extensionType(any: unknown): string | undefined {
  return anyType(any);
}

/**
 * Envoy finds an extension's factory by the packed type, within the extension point's category;
 * a type from another category fails with "Didn't find a registered implementation". We know the
 * category from the proto package.
 */
function checkCategory(any: unknown, path: string, prefix: string, what: string, ctx: CheckContext): void {
  const t = extensionType(any);
  if (t === undefined || t.startsWith(prefix)) return;
  if (t === 'envoy.extensions.common.matching.v3.ExtensionWithMatcher' && what === 'an HTTP filter') return;
  ctx.error(path, `${t} is not ${what} (expected a type in ${prefix}*)`);
}

// ---- HTTP connection manager

function checkHcm(hcm: Obj, path: string, ctx: CheckContext): void {
  const filters = list(hcm, 'http_filters');
  const fp = fieldPath(path, 'http_filters');
  if (filters.length === 0) {
    // Tether always configures the router explicitly; an HCM without it cannot forward.
    ctx.error(fp, 'no HTTP filters: the router filter must be present and last');
  }
  const names = new Map<string, number>();
  filters.forEach((f, i) => {
    const p = indexPath(fp, i);
    const name = str(f, 'name') ?? '';
    const cfg = get(f, 'typed_config');
    if (cfg !== undefined) checkCategory(cfg, fieldPath(p, 'typed_config'), 'envoy.extensions.filters.http.', 'an HTTP filter', ctx);
    const isRouter = extensionType(cfg) === MessageType.router;
    if (isRouter && i !== filters.length - 1) {
      // Config::Utility::validateTerminalFilters, called from HttpConnectionManagerConfig::processFilter.
      ctx.error(p, `terminal filter named ${name} of type envoy.filters.http.router must be the last filter in a http filter chain`);
    }
    if (isRouter && get(f, 'disabled') === true) {
      // HttpConnectionManagerConfig::processFilter: terminal filters cannot be disabled.
      ctx.error(fieldPath(p, 'disabled'), `terminal filter named ${name} cannot be marked as disabled`);
    }
    if (i === filters.length - 1 && !isRouter && cfg !== undefined) {
      // validateTerminalFilters: the last filter of a chain must be terminal (the router, for us).
      ctx.error(p, `non-terminal filter named ${name} of type ${extensionType(cfg) ?? '?'} is the last filter in a http filter chain: the router must be last`);
    }
    const prev = names.get(name);
    if (prev !== undefined && name) {
      // Per-route configs are keyed by filter name, so a repeated name makes them ambiguous.
      ctx.error(fieldPath(p, 'name'), `duplicate HTTP filter name "${name}" (also http_filters[${prev}])`);
    } else names.set(name, i);
  });
  const upgrades = new Set<string>();
  list(hcm, 'upgrade_configs').forEach((u, i) => {
    const t = str(u, 'upgrade_type');
    if (t === undefined) return;
    // HttpConnectionManagerConfig: upgrade types are matched case-insensitively and must be unique.
    if (upgrades.has(t.toLowerCase())) ctx.error(fieldPath(indexPath(fieldPath(path, 'upgrade_configs'), i), 'upgrade_type'), `Error: multiple upgrade configs with the same name: '${t}'`);
    upgrades.add(t.toLowerCase());
  });
  const inline = get(hcm, 'route_config');
  if (inline !== undefined) {
    forEachPerFilterConfig(inline, fieldPath(path, 'route_config'), (key, _v, p) => {
      if (!names.has(key)) ctx.error(p, perFilterKeyMessage(key, [...names.keys()]));
    });
  }
}

export function perFilterKeyMessage(key: string, names: string[]): string {
  // Envoy looks per-route configs up by filter name: a key naming no filter is never used.
  return `typed_per_filter_config key "${key}" names no HTTP filter of the connection manager (filters: ${names.join(', ') || 'none'}); Envoy would ignore it`;
}

/** Visits every typed_per_filter_config entry in a RouteConfiguration (all levels). */
export function forEachPerFilterConfig(rc: unknown, path: string, visit: (key: string, value: unknown, path: string) => void): void {
  const entries = (o: unknown, p: string): void => {
    const m = get(o, 'typed_per_filter_config');
    if (!isObject(m)) return;
    const mp = fieldPath(p, 'typed_per_filter_config');
    for (const [k, v] of Object.entries(m)) visit(k, v, keyPath(mp, k));
  };
  entries(rc, path);
  list(rc, 'virtual_hosts').forEach((vh, i) => {
    const vp = indexPath(fieldPath(path, 'virtual_hosts'), i);
    entries(vh, vp);
    list(vh, 'routes').forEach((r, j) => {
      const rp = indexPath(fieldPath(vp, 'routes'), j);
      entries(r, rp);
      const wc = get(get(r, 'route'), 'weighted_clusters');
      list(wc, 'clusters').forEach((c, k) => entries(c, indexPath(fieldPath(fieldPath(fieldPath(rp, 'route'), 'weighted_clusters'), 'clusters'), k)));
    });
  });
}

// ---- typed_per_filter_config (VirtualHost, Route, ClusterWeight, RouteConfiguration)

function checkPerFilterMap(o: Obj, path: string, ctx: CheckContext): void {
  const m = get(o, 'typed_per_filter_config');
  if (!isObject(m)) return;
  const mp = fieldPath(path, 'typed_per_filter_config');
  for (const [key, value] of Object.entries(m)) {
    const p = keyPath(mp, key);
    if (key === '') ctx.error(p, 'typed_per_filter_config key must name an HTTP filter, got ""');
    let inner = value;
    let innerPath = p;
    if (anyType(value) === FILTER_CONFIG) {
      inner = get(value, 'config');
      innerPath = fieldPath(p, 'config');
      if (inner === undefined) continue; // FilterConfig without config: only is_optional/disabled.
    }
    const t = extensionType(inner);
    if (t === MessageType.statefulSession) {
      // StatefulSessionFactoryConfig::createRouteSpecificFilterConfigTyped downcasts to
      // StatefulSessionPerRoute; a StatefulSession here is rejected (a bug shipped by kgateway once).
      ctx.error(innerPath, `per-route stateful_session config must be packed as ${MessageType.statefulSessionPerRoute}, not ${MessageType.statefulSession}`);
    } else if (t === MessageType.router) {
      // The router filter has no per-route config (createRouteSpecificFilterConfig is not implemented).
      ctx.error(innerPath, 'the router filter has no per-route config');
    } else if (t !== undefined) {
      checkCategory(inner, innerPath, 'envoy.extensions.filters.http.', 'an HTTP filter per-route config', ctx);
    }
  }
}

// ---- VirtualHost

/** True for a match that accepts every request: prefix "" or "/" and no other condition. */
function matchesEverything(match: unknown): boolean {
  if (!isObject(match)) return false;
  const keys = Object.keys(match).filter((k) => match[k] !== undefined && match[k] !== null);
  if (keys.length !== 1) return false;
  const prefix = get(match, 'prefix');
  return prefix === '' || prefix === '/';
}

function checkVirtualHost(vh: Obj, path: string, ctx: CheckContext): void {
  checkPerFilterMap(vh, path, ctx);
  // Envoy takes the first route that matches: a route after an identical or catch-all match is
  // dead config (not rejected, so a warning).
  const seen = new Map<string, number>();
  let catchAll: number | undefined;
  list(vh, 'routes').forEach((r, i) => {
    const rp = indexPath(fieldPath(path, 'routes'), i);
    const m = get(r, 'match');
    if (catchAll !== undefined) {
      ctx.warn(fieldPath(rp, 'match'), `route can never match: routes[${catchAll}] before it matches every request`);
      return;
    }
    const key = canonical(m ?? {});
    const prev = seen.get(key);
    if (prev !== undefined) ctx.warn(fieldPath(rp, 'match'), `route can never match: routes[${prev}] before it has the same match`);
    else seen.set(key, i);
    if (matchesEverything(m)) catchAll = i;
  });
}

// ---- RouteConfiguration

function checkRouteConfiguration(rc: Obj, path: string, ctx: CheckContext): void {
  checkPerFilterMap(rc, path, ctx);
  const rcName = str(rc, 'name') ?? '';
  const vhNames = new Map<string, number>();
  const domains = new Map<string, string>();
  list(rc, 'virtual_hosts').forEach((vh, i) => {
    const vp = indexPath(fieldPath(path, 'virtual_hosts'), i);
    const name = str(vh, 'name');
    if (name !== undefined) {
      const prev = vhNames.get(name);
      // RouteMatcher: virtual host names must be unique within a route configuration.
      if (prev !== undefined) ctx.error(fieldPath(vp, 'name'), `duplicate virtual host name "${name}" (also virtual_hosts[${prev}]) in route ${rcName}`);
      else vhNames.set(name, i);
    }
    list(vh, 'domains').forEach((d, j) => {
      if (typeof d !== 'string') return;
      const dp = indexPath(fieldPath(vp, 'domains'), j);
      // RouteMatcher lower-cases domains and throws on any repeat ("*" included).
      const key = d.toLowerCase();
      const prev = domains.get(key);
      if (prev !== undefined) {
        ctx.error(dp, key === '*'
          ? `Only a single wildcard domain is permitted in route ${rcName} (also ${prev})`
          : `Only unique values for domains are permitted. Duplicate entry of domain ${key} in route ${rcName} (also ${prev})`);
      } else domains.set(key, dp);
    });
  });
}

// ---- RouteAction

function checkRouteAction(a: Obj, path: string, ctx: CheckContext): void {
  const wc = get(a, 'weighted_clusters');
  if (wc !== undefined) {
    let sum = 0;
    for (const c of list(wc, 'clusters')) sum += Number(get(c, 'weight') ?? 0);
    const wp = fieldPath(path, 'weighted_clusters');
    // RouteEntryImplBase / WeightedClustersConfig: an all-zero split is rejected.
    if (sum === 0) ctx.error(wp, 'Sum of weights in the weighted_cluster must be greater than 0.');
    const total = get(wc, 'total_weight');
    // Envoy before total_weight's removal required the weights to add up to it exactly.
    if (total !== undefined && Number(total) !== sum) ctx.error(fieldPath(wp, 'total_weight'), `Sum of weights in the weighted_cluster should add up to ${Number(total)} (they add up to ${sum})`);
  }
  const rewrites = ['prefix_rewrite', 'regex_rewrite', 'path_rewrite_policy'].filter((k) => {
    const v = get(a, k);
    return v !== undefined && v !== '';
  });
  // RouteEntryImplBase: "Cannot specify both prefix_rewrite and regex_rewrite" (and path_rewrite_policy).
  if (rewrites.length > 1) ctx.error(path, `Cannot specify more than one of ${rewrites.join(', ')}`);
  const upgrades = new Set<string>();
  list(a, 'upgrade_configs').forEach((u, i) => {
    const t = str(u, 'upgrade_type');
    if (t === undefined) return;
    // RouteEntryImplBase: "Duplicate upgrade <type>".
    if (upgrades.has(t)) ctx.error(fieldPath(indexPath(fieldPath(path, 'upgrade_configs'), i), 'upgrade_type'), `Duplicate upgrade ${t}`);
    upgrades.add(t);
  });
}

/**
 * Endpoints whose addresses Envoy parses as IP literals (STATIC clusters, EDS assignments):
 * Network::Address::resolveProtoAddress rejects host names there ("malformed IP address").
 */
export function checkIpLiterals(cla: unknown, path: string, ctx: Pick<CheckContext, 'error'>): void {
  list(cla, 'endpoints').forEach((loc, i) => {
    list(loc, 'lb_endpoints').forEach((lbe, j) => {
      const sa = get(get(get(lbe, 'endpoint'), 'address'), 'socket_address');
      const addr = str(sa, 'address');
      if (addr === undefined || str(sa, 'resolver_name')) return;
      if (!isIPv4(addr) && !isIPv6(addr)) {
        const p = [fieldPath(path, 'endpoints'), i, 'lb_endpoints', j].reduce<string>((acc, x) => (typeof x === 'number' ? indexPath(acc, x) : fieldPath(acc, x)), '');
        ctx.error(fieldPath(p, 'endpoint.address.socket_address.address'), `malformed IP address: ${addr} (only DNS clusters resolve host names)`);
      }
    });
  });
}

// ---- Cluster

const LB_CONFIG_POLICY: Record<string, string> = {
  ring_hash_lb_config: 'RING_HASH',
  maglev_lb_config: 'MAGLEV',
  least_request_lb_config: 'LEAST_REQUEST',
  round_robin_lb_config: 'ROUND_ROBIN',
};

function enumName(v: unknown, values: Record<string, number>): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Object.keys(values).find((k) => values[k] === v);
  return undefined;
}

const LB_POLICY: Record<string, number> = { ROUND_ROBIN: 0, LEAST_REQUEST: 1, RING_HASH: 2, RANDOM: 3, MAGLEV: 5, CLUSTER_PROVIDED: 6, LOAD_BALANCING_POLICY_CONFIG: 7 };
const DISCOVERY: Record<string, number> = { STATIC: 0, STRICT_DNS: 1, LOGICAL_DNS: 2, EDS: 3, ORIGINAL_DST: 4 };

function checkCluster(c: Obj, path: string, ctx: CheckContext): void {
  const custom = get(c, 'cluster_type') !== undefined;
  if (custom && get(c, 'type') !== undefined) return; // the oneof error says it all
  const type = custom ? undefined : enumName(get(c, 'type') ?? 'STATIC', DISCOVERY);
  const lbPolicy = enumName(get(c, 'lb_policy') ?? 'ROUND_ROBIN', LB_POLICY);
  const hasEds = get(c, 'eds_cluster_config') !== undefined;
  if (type === 'EDS' && !hasEds) {
    // EdsClusterFactory::createClusterImpl.
    ctx.error(path, 'cannot create an EDS cluster without an EDS config (set eds_cluster_config)');
  }
  if (hasEds && type !== 'EDS') {
    // ClusterFactoryImplBase::create rejects eds_cluster_config on other cluster types.
    ctx.error(fieldPath(path, 'eds_cluster_config'), 'eds_cluster_config set in a non-EDS cluster');
  }
  const la = get(c, 'load_assignment');
  if (type === 'EDS' && la !== undefined) {
    // An EDS cluster takes its endpoints from EDS; Envoy ignores an inline load_assignment.
    ctx.error(fieldPath(path, 'load_assignment'), 'load_assignment is ignored on an EDS cluster (endpoints come from EDS)');
  }
  if (type === 'STATIC' && la !== undefined) checkIpLiterals(la, fieldPath(path, 'load_assignment'), ctx);
  if (type === 'LOGICAL_DNS') {
    const locs = list(la, 'endpoints');
    // LogicalDnsClusterFactory: exactly one locality with exactly one endpoint.
    if (locs.length !== 1 || list(locs[0], 'lb_endpoints').length !== 1) {
      ctx.error(fieldPath(path, 'load_assignment'), la === undefined ? 'LOGICAL_DNS clusters must have a single host' : 'LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint');
    }
  }
  const lbp = get(c, 'load_balancing_policy');
  const legacyConfig = Object.keys(LB_CONFIG_POLICY).concat('original_dst_lb_config').find((k) => get(c, k) !== undefined);
  if (lbp !== undefined) {
    // Cluster.load_balancing_policy supersedes lb_policy and the legacy lb_config fields, which
    // Envoy then ignores without a word.
    if (get(c, 'lb_policy') !== undefined && lbPolicy !== 'ROUND_ROBIN' && lbPolicy !== 'LOAD_BALANCING_POLICY_CONFIG') {
      ctx.error(fieldPath(path, 'lb_policy'), `lb_policy ${lbPolicy} is ignored because load_balancing_policy is set; set only one`);
    }
    if (legacyConfig) ctx.error(fieldPath(path, legacyConfig), `${legacyConfig} is ignored because load_balancing_policy is set`);
    list(lbp, 'policies').forEach((p, i) => {
      const tp = fieldPath(fieldPath(indexPath(fieldPath(fieldPath(path, 'load_balancing_policy'), 'policies'), i), 'typed_extension_config'), 'typed_config');
      const cfg = get(get(p, 'typed_extension_config'), 'typed_config');
      if (cfg !== undefined) checkCategory(cfg, tp, 'envoy.extensions.load_balancing_policies.', 'a load balancing policy', ctx);
    });
  } else {
    if (lbPolicy === 'LOAD_BALANCING_POLICY_CONFIG') {
      // ClusterInfoImpl: LOAD_BALANCING_POLICY_CONFIG needs load_balancing_policy.
      ctx.error(fieldPath(path, 'lb_policy'), 'lb_policy LOAD_BALANCING_POLICY_CONFIG requires load_balancing_policy');
    }
    if (legacyConfig && legacyConfig !== 'original_dst_lb_config' && LB_CONFIG_POLICY[legacyConfig] !== lbPolicy) {
      // The legacy lb_config oneof is only read for its own lb_policy; Envoy ignores a mismatch.
      ctx.error(fieldPath(path, legacyConfig), `${legacyConfig} is only used with lb_policy ${LB_CONFIG_POLICY[legacyConfig]}, but lb_policy is ${lbPolicy}`);
    }
    if (type === 'ORIGINAL_DST' && lbPolicy !== 'CLUSTER_PROVIDED') {
      // OriginalDstClusterFactory::createClusterImpl.
      ctx.error(fieldPath(path, 'lb_policy'), `cluster: LB policy ${lbPolicy} is not valid for Cluster type ORIGINAL_DST. Only 'CLUSTER_PROVIDED' is allowed with cluster type 'ORIGINAL_DST'`);
    }
    if (legacyConfig === 'original_dst_lb_config' && type !== 'ORIGINAL_DST') {
      // Only the ORIGINAL_DST cluster reads original_dst_lb_config.
      ctx.error(fieldPath(path, legacyConfig), 'original_dst_lb_config is only used with cluster type ORIGINAL_DST');
    }
  }
}

// ---- Listener

function checkListener(l: Obj, path: string, ctx: CheckContext): void {
  const chains = list(l, 'filter_chains');
  if (chains.length === 0 && get(l, 'default_filter_chain') === undefined && get(l, 'api_listener') === undefined && get(l, 'filter_chain_matcher') === undefined) {
    // ListenerImpl: "error adding listener '...': no filter chains specified".
    ctx.error(fieldPath(path, 'filter_chains'), 'no filter chains specified');
  }
  if (get(l, 'address') === undefined && get(l, 'api_listener') === undefined && get(l, 'internal_listener') === undefined) {
    // ListenerImpl: only API and internal listeners go without an address.
    ctx.error(fieldPath(path, 'address'), 'listener needs an address');
  }
  const matches = new Map<string, number>();
  chains.forEach((fc, i) => {
    const key = canonical(get(fc, 'filter_chain_match') ?? {});
    const prev = matches.get(key);
    // FilterChainManagerImpl::addFilterChains: identical matches are rejected.
    if (prev !== undefined) ctx.error(indexPath(fieldPath(path, 'filter_chains'), i), `multiple filter chains with the same matching rules are defined (also filter_chains[${prev}])`);
    else matches.set(key, i);
  });
  list(l, 'listener_filters').forEach((f, i) => {
    const cfg = get(f, 'typed_config');
    if (cfg !== undefined) checkCategory(cfg, fieldPath(indexPath(fieldPath(path, 'listener_filters'), i), 'typed_config'), 'envoy.extensions.filters.listener.', 'a listener filter', ctx);
  });
  // Listener filters run in order on the first bytes of a connection. The PROXY protocol header is
  // the first thing on the wire, so a TLS inspector placed before the PROXY protocol filter reads
  // that header as a ClientHello and every handshake fails: Envoy loads it, and serves nothing.
  const types = list(l, 'listener_filters').map((f) => anyType(get(f, 'typed_config')));
  const proxy = types.indexOf(PROXY_PROTOCOL);
  const inspector = types.indexOf(TLS_INSPECTOR);
  if (proxy >= 0 && inspector >= 0 && inspector < proxy) ctx.error(indexPath(fieldPath(path, 'listener_filters'), proxy), 'the PROXY protocol filter must come before the TLS inspector: the PROXY header precedes the ClientHello');
  // Envoy no longer adds the TLS inspector by itself: without it no SNI is read, and chains
  // matched by server_names are never picked.
  const bySni = chains.findIndex((fc) => list(get(fc, 'filter_chain_match'), 'server_names').length > 0);
  const inspects = list(l, 'listener_filters').some((f) => anyType(get(f, 'typed_config')) === TLS_INSPECTOR);
  if (bySni >= 0 && !inspects) ctx.error(fieldPath(indexPath(fieldPath(path, 'filter_chains'), bySni), 'filter_chain_match.server_names'), 'filter chains match server_names but the listener has no TLS inspector listener filter, so no SNI is ever read');
}

const TLS_INSPECTOR = 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';
const PROXY_PROTOCOL = 'envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol';

function checkFilterChain(fc: Obj, path: string, ctx: CheckContext): void {
  const ts = get(get(fc, 'transport_socket'), 'typed_config');
  if (ts !== undefined) checkCategory(ts, fieldPath(fieldPath(path, 'transport_socket'), 'typed_config'), 'envoy.extensions.transport_sockets.', 'a transport socket', ctx);
  const filters = list(fc, 'filters');
  filters.forEach((f, i) => {
    const p = indexPath(fieldPath(path, 'filters'), i);
    const cfg = get(f, 'typed_config');
    if (cfg === undefined) return;
    checkCategory(cfg, fieldPath(p, 'typed_config'), 'envoy.extensions.filters.network.', 'a network filter', ctx);
    const t = extensionType(cfg);
    if (t && TERMINAL_NETWORK_FILTERS.has(t) && i !== filters.length - 1) {
      // Config::Utility::validateTerminalFilters, from ListenerImpl's network filter chain build.
      ctx.error(p, `terminal filter named ${str(f, 'name') ?? ''} of type ${t} must be the last filter in a network filter chain`);
    }
  });
}

// ---- TLS

function checkDownstreamTlsContext(c: Obj, path: string, ctx: CheckContext): void {
  const common = get(c, 'common_tls_context');
  // ServerContextConfigImpl: "No TLS certificates found for server context".
  if (list(common, 'tls_certificates').length === 0 && list(common, 'tls_certificate_sds_secret_configs').length === 0 && get(common, 'tls_certificate_provider_instance') === undefined) {
    ctx.error(fieldPath(path, 'common_tls_context'), 'a server TLS context needs at least one certificate (tls_certificates or tls_certificate_sds_secret_configs)');
  }
  list(common, 'tls_certificate_sds_secret_configs').forEach((sc, i) => {
    // SdsSecretConfig without sds_config names a static secret, which a dynamic listener cannot see.
    if (get(sc, 'sds_config') === undefined) ctx.warn(fieldPath(indexPath(fieldPath(fieldPath(path, 'common_tls_context'), 'tls_certificate_sds_secret_configs'), i), 'sds_config'), 'no sds_config: the secret must be a static bootstrap secret');
  });
}

function checkSecret(s: Obj, path: string, ctx: CheckContext): void {
  const cert = get(s, 'tls_certificate');
  if (cert === undefined && get(s, 'session_ticket_keys') === undefined && get(s, 'validation_context') === undefined && get(s, 'generic_secret') === undefined) {
    ctx.error(path, 'secret holds nothing (tls_certificate, session_ticket_keys, validation_context or generic_secret)');
    return;
  }
  if (cert === undefined) return;
  // TlsCertificateConfigImpl: a certificate without its key (or the key without the certificate) cannot serve.
  if (get(cert, 'certificate_chain') === undefined) ctx.error(fieldPath(path, 'tls_certificate.certificate_chain'), 'a TLS certificate needs its certificate_chain');
  if (get(cert, 'private_key') === undefined && get(cert, 'private_key_provider') === undefined) ctx.error(fieldPath(path, 'tls_certificate.private_key'), 'a TLS certificate needs its private_key');
}

// ---- smaller ones

function checkRegexMatcher(m: Obj, path: string, ctx: CheckContext): void {
  const re = get(m, 'regex');
  if (typeof re !== 'string') return;
  // Regex::Utility::parseRegex compiles with RE2 and rejects what does not compile.
  const r = compileRe2(re);
  if (r.ok) return;
  if (r.unverifiable) ctx.warn(fieldPath(path, 'regex'), `regex ${JSON.stringify(re)} could not be checked: ${r.reason}`);
  else ctx.error(fieldPath(path, 'regex'), `regex ${JSON.stringify(re)} does not compile as RE2: ${r.reason}`);
}

function checkStatefulSession(s: Obj, path: string, ctx: CheckContext): void {
  const cfg = get(get(s, 'session_state'), 'typed_config');
  // The session_state extension point (envoy.http.stateful_session) takes cookie or header state.
  if (cfg !== undefined) checkCategory(cfg, fieldPath(fieldPath(path, 'session_state'), 'typed_config'), 'envoy.extensions.http.stateful_session.', 'a session state extension', ctx);
}

// ---- Bootstrap

/** Visits every object in a JSON tree with its path (keys as given, arrays as [i]). */
function walkJson(v: unknown, path: string, visit: (o: Obj, path: string) => void): void {
  if (Array.isArray(v)) v.forEach((x, i) => walkJson(x, indexPath(path, i), visit));
  else if (isObject(v)) {
    visit(v, path);
    for (const [k, x] of Object.entries(v)) walkJson(x, fieldPath(path, k), visit);
  }
}

function checkBootstrap(b: Obj, path: string, ctx: CheckContext): void {
  const statics = get(b, 'static_resources');
  const staticClusters = new Set(list(statics, 'clusters').map((c) => str(c, 'name')));
  for (const [field, type] of [['clusters', MessageType.cluster], ['listeners', MessageType.listener]] as const) {
    const out: Finding[] = [];
    // ClusterManagerImpl / ListenerManagerImpl reject a repeated static name.
    checkResourceSet(type, list(statics, field), fieldPath(fieldPath(path, 'static_resources'), field), out);
    for (const f of out) ctx.error(f.path, f.message);
  }
  const hasAds = get(get(b, 'dynamic_resources'), 'ads_config') !== undefined;
  walkJson(b, path, (o, p) => {
    const grpc = get(o, 'envoy_grpc');
    const cluster = str(grpc, 'cluster_name');
    // AsyncClientManagerImpl: an Envoy gRPC client needs a static cluster of that name.
    if (cluster !== undefined && !staticClusters.has(cluster)) ctx.error(fieldPath(fieldPath(p, 'envoy_grpc'), 'cluster_name'), `Unknown gRPC client cluster '${cluster}'`);
    // NullGrpcMuxImpl: a config source of `ads: {}` needs dynamic_resources.ads_config.
    if (!hasAds && isObject(get(o, 'ads'))) ctx.error(fieldPath(p, 'ads'), 'ADS must be configured to support an ADS config source (set dynamic_resources.ads_config)');
  });
}

function checkEndpoint(e: Obj, path: string, ctx: CheckContext): void {
  // Network::Address::resolveProtoAddress: "Address must be set".
  if (get(e, 'address') === undefined) ctx.error(fieldPath(path, 'address'), 'endpoint address must be set');
}

/** Extension points whose category the proto package tells: message type → [field, package prefix, what]. */
const CATEGORIES: [string, string, string, string][] = [
  ['envoy.config.accesslog.v3.AccessLog', 'typed_config', 'envoy.extensions.access_loggers.', 'an access logger'],
  ['envoy.config.overload.v3.ResourceMonitor', 'typed_config', 'envoy.extensions.resource_monitors.', 'a resource monitor'],
  ['envoy.config.core.v3.TransportSocket', 'typed_config', 'envoy.extensions.transport_sockets.', 'a transport socket'],
  ['envoy.config.cluster.v3.Cluster.CustomClusterType', 'typed_config', 'envoy.extensions.clusters.', 'a cluster type'],
  ['envoy.config.listener.v3.ApiListener', 'api_listener', 'envoy.extensions.filters.network.http_connection_manager.', 'an HTTP connection manager'],
  ['envoy.config.route.v3.RetryPolicy.RetryHostPredicate', 'typed_config', 'envoy.extensions.retry.host.', 'a retry host predicate'],
  ['envoy.config.route.v3.RetryPolicy.RetryPriority', 'typed_config', 'envoy.extensions.retry.priority.', 'a retry priority'],
];

function categoryCheck(field: string, prefix: string, what: string): SemanticCheck {
  return (o, path, ctx) => {
    const cfg = get(o, field);
    if (cfg !== undefined) checkCategory(cfg, fieldPath(path, field), prefix, what, ctx);
  };
}

/** Checks keyed by message type; the walker runs them wherever the type occurs. */
export const SEMANTIC_CHECKS: ReadonlyMap<string, SemanticCheck> = new Map<string, SemanticCheck>([
  [MessageType.httpConnectionManager, checkHcm],
  [MessageType.routeConfiguration, checkRouteConfiguration],
  ['envoy.config.route.v3.VirtualHost', checkVirtualHost],
  ['envoy.config.route.v3.Route', checkPerFilterMap],
  ['envoy.config.route.v3.RouteAction', checkRouteAction],
  ['envoy.config.route.v3.WeightedCluster.ClusterWeight', checkPerFilterMap],
  [MessageType.cluster, checkCluster],
  [MessageType.listener, checkListener],
  ['envoy.config.listener.v3.FilterChain', checkFilterChain],
  ['envoy.type.matcher.v3.RegexMatcher', checkRegexMatcher],
  [MessageType.statefulSession, checkStatefulSession],
  [MessageType.downstreamTlsContext, checkDownstreamTlsContext],
  [MessageType.secret, checkSecret],
  ['envoy.config.endpoint.v3.Endpoint', checkEndpoint],
  [MessageType.bootstrap, checkBootstrap],
  ...CATEGORIES.map(([type, field, prefix, what]): [string, SemanticCheck] => [type, categoryCheck(field, prefix, what)]),
]);

// ---- resource sets

/** The name a resource of this type is known by in xDS. */
export function resourceName(typeName: string, json: unknown): string | undefined {
  return typeName === MessageType.clusterLoadAssignment ? str(json, 'cluster_name') : str(json, 'name');
}

/** Checks across resources of one type: duplicate names (and, for listeners, addresses). */
export function checkResourceSet(typeName: string, jsons: readonly unknown[], path: string, out: Finding[]): void {
  const nameField = typeName === MessageType.clusterLoadAssignment ? 'cluster_name' : 'name';
  const names = new Map<string, number>();
  jsons.forEach((j, i) => {
    const n = resourceName(typeName, j);
    if (n === undefined) return;
    const prev = names.get(n);
    // xDS resources are keyed by name: a repeat in one response is rejected (or one silently wins).
    if (prev !== undefined) out.push({ level: 'error', path: fieldPath(indexPath(path, i), nameField), message: `duplicate ${shortType(typeName)} name "${n}" (also [${prev}])` });
    else names.set(n, i);
  });
  if (typeName === MessageType.listener) {
    const addrs = new Map<string, number>();
    jsons.forEach((j, i) => {
      if (get(j, 'bind_to_port') === false) return;
      const sa = get(get(j, 'address'), 'socket_address');
      if (!isObject(sa)) return;
      const key = [get(sa, 'protocol') ?? 'TCP', get(sa, 'address'), get(sa, 'port_value') ?? get(sa, 'named_port')].map((x) => canonical(x).replace(/^"|"$/g, '')).join(':');
      const prev = addrs.get(key);
      // ListenerManagerImpl::addOrUpdateListener: "listener ... has duplicate address ... as existing listener".
      if (prev !== undefined) out.push({ level: 'error', path: fieldPath(indexPath(path, i), 'address'), message: `listener has duplicate address ${key} as listener [${prev}]` });
      else addrs.set(key, i);
    });
  }
}

function shortType(typeName: string): string {
  return typeName.slice(typeName.lastIndexOf('.') + 1);
}

/** A canonical string of a JSON value, keys sorted and in snake_case. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null).map(([k, x]) => [snake(k), x] as const);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
