// Resolves one HTTP request through Tether's Envoy output the way Envoy would route it, so tests can
// check what a client and a backend would see without running Envoy: listener by port → filter
// chain (by the TLS server name, see pickFilterChain) and, on a TLS chain, the handshake a verifying
// client makes (a served certificate must cover the name it asked for, ALPN settles the HTTP
// version) → HTTP connection manager (host port stripped, path normalised) → route configuration →
// virtual host by Envoy's domain rules (exact, then the longest `*.suffix`, then the longest
// `prefix.*`, then `*`) → the first matching route (path, headers, query parameters, gRPC) → the
// cors filter's answer, a redirect, a direct response or the clusters with their weights,
// endpoints, rewrites, mirrors and header changes (per weighted cluster first, then the route's, as
// Envoy applies them), and the protocol each backend is spoken to in. A gRPC call (see
// `grpcRequest`) is an HTTP/2 POST to `/service/method` with content-type application/grpc; Envoy
// answers the ones it does not forward with a gRPC status instead of an HTTP one (`grpcStatus`).
// It reads only the fields Tether emits; anything else it meets is an error, never a guess.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { JsonObject } from '../../src/codec/json.ts';
import { containerPort } from '../../src/k8s/container-port.ts';

export interface EnvoyConfig {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
  /** SDS Secrets with their PEM material (needed to resolve requests to TLS filter chains). */
  secrets?: JsonObject[];
}

export interface ResolveRequest {
  /**
   * The port the client connects to: the Gateway listener's port, which the fleet's Service
   * exposes and forwards to the container port Envoy binds (`containerPort`, docs/kubernetes.md#ports).
   */
  port: number;
  /** Host / :authority as the client sends it (may carry a port). */
  host: string;
  /** Path with an optional query string. */
  path: string;
  method?: string;
  /** Request headers; names are case-insensitive. */
  headers?: Record<string, string>;
  /**
   * Scheme the client speaks; by default the one the listener's filter chain serves (`https` where
   * it terminates TLS). A client speaking the other one gets no HTTP answer (connection-closed).
   */
  scheme?: 'http' | 'https';
  /** HTTP version the client speaks (HTTP/2 without TLS by prior knowledge, as gRPC clients do); HTTP/1.1 unless told. */
  protocol?: HttpProtocol;
  /**
   * TLS server name (SNI) the client sends; by default the Host without its port, as HTTPS clients
   * do, except for IP literals, which never go in SNI (RFC 6066 §3). `null`: no SNI sent. The
   * client verifies the server certificate against this name (or the Host when none is sent).
   */
  sni?: string | null;
}

export type HttpProtocol = 'HTTP/1.1' | 'HTTP/2';

export interface ResolvedBackend {
  cluster: string;
  weight: number;
  /** Endpoint addresses (`ip:port`) of the cluster, from its ClusterLoadAssignment. */
  endpoints: string[];
  /** What the backend receives when this cluster is picked. */
  request: { host: string; path: string; method: string; headers: Record<string, string>; protocol: HttpProtocol };
  /** Response headers Envoy adds or overwrites on the way back (name lower case → value), and removes. */
  responseHeaders: Record<string, string>;
  responseHeadersRemoved: string[];
}

export type Resolution =
  | { type: 'no-listener' }
  /** The connection ends before any HTTP exchange: no filter chain for it, a failed handshake, the wrong protocol. */
  | { type: 'connection-closed'; reason: string }
  /** Refused before routing (an escaped slash or an underscore header the edge settings reject). */
  | { type: 'rejected'; status: number; reason: string }
  /** The connection manager does not speak the client's HTTP version. */
  | { type: 'protocol-mismatch'; codec: string }
  /** grpcStatus: for a gRPC request, the gRPC status Envoy's local reply carries instead. */
  | { type: 'not-found'; virtualHost?: string; grpcStatus?: number }
  | { type: 'redirect'; route: string; status: number; location: string }
  | { type: 'direct-response'; route: string; status: number; grpcStatus?: number }
  | { type: 'cors-preflight'; route: string; status: number; headers: Record<string, string> }
  | {
      type: 'forward';
      route: string;
      backends: ResolvedBackend[];
      mirrors: { cluster: string; percent: number }[];
      retry?: JsonObject;
      timeout?: string;
      /** CORS headers the cors filter adds to the response of an allowed cross-origin request. */
      corsHeaders: Record<string, string>;
    };

const REDIRECT_STATUS: Record<string, number> = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 };
const DENOMINATOR: Record<string, number> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 };

const obj = (v: unknown): JsonObject => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? (v as JsonObject[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A string or number field as text; anything else is config this resolver does not read. */
function text(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number') return `${v}`;
  throw new Error(`expected a string or number, got ${JSON.stringify(v)}`);
}

export function resolveRequest(config: EnvoyConfig, req: ResolveRequest): Resolution {
  const bound = containerPort(req.port);
  const listener = config.listeners.find((l) => obj(obj(l['address'])['socket_address'])['port_value'] === bound);
  if (!listener) return { type: 'no-listener' };
  const connection = connect(config, listener, req);
  if (connection.type !== 'connected') return connection;
  const { chain, scheme } = connection;
  const filters = list(chain['filters']);
  if (filters.length !== 1 || filters[0]?.['name'] !== HCM) throw new Error(`filter chain ${str(chain['name']) ?? '(unnamed)'}: expected one HTTP connection manager, got ${JSON.stringify(filters.map((f) => f['name']))}`);
  const hcm = obj(filters[0]['typed_config']);
  const protocol = req.protocol ?? 'HTTP/1.1';
  // codec_type AUTO (the default) takes HTTP/1.1 and HTTP/2 without TLS alike.
  const codec = str(hcm['codec_type']) ?? 'AUTO';
  if (codec !== 'AUTO' && codec !== (protocol === 'HTTP/2' ? 'HTTP2' : 'HTTP1')) return { type: 'protocol-mismatch', codec };
  const routeConfig = hcm['route_config'] ? obj(hcm['route_config']) : config.routes.find((r) => r['name'] === obj(hcm['rds'])['route_config_name']);
  if (!routeConfig) throw new Error(`listener ${text(listener['name'])}: route configuration not found`);

  const headers: Record<string, string> = {};
  const underscores = str(obj(hcm['common_http_protocol_options'])['headers_with_underscores_action']) ?? 'ALLOW';
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (k.includes('_') && underscores === 'REJECT_REQUEST') return { type: 'rejected', status: 400, reason: `header ${k} has an underscore` };
    if (k.includes('_') && underscores === 'DROP_HEADER') continue;
    headers[k.toLowerCase()] = v;
  }
  const method = req.method ?? 'GET';
  let host = req.host;
  if (hcm['strip_any_host_port'] === true) host = stripPort(host);
  const [rawPath, query = ''] = splitQuery(req.path);
  let path = rawPath;
  if (hcm['normalize_path'] === true) path = normalizePath(path);
  if (hcm['merge_slashes'] === true) path = path.replace(/\/{2,}/g, '/');
  // Escaped slashes (%2F, %5C), after normalisation and slash merging, as the HCM field documents.
  const escaped = /%2f|%5c/i.test(path);
  const slashes = str(hcm['path_with_escaped_slashes_action']) ?? 'KEEP_UNCHANGED';
  if (escaped && slashes === 'REJECT_REQUEST') return { type: 'rejected', status: 400, reason: 'escaped slash in the path' };
  if (escaped && (slashes === 'UNESCAPE_AND_REDIRECT' || slashes === 'UNESCAPE_AND_FORWARD')) {
    path = path.replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
    if (hcm['merge_slashes'] === true) path = path.replace(/\/{2,}/g, '/');
    // The connection manager answers 307 itself, Location the unescaped path (with its query),
    // before any route is consulted.
    if (slashes === 'UNESCAPE_AND_REDIRECT') return { type: 'redirect', route: '', status: 307, location: `${path}${query ? `?${query}` : ''}` };
  }

  const grpc = isGrpc(headers);
  const vhost = pickVirtualHost(list(routeConfig['virtual_hosts']), host);
  if (!vhost) return grpc ? { type: 'not-found', grpcStatus: grpcStatusOf(404) } : { type: 'not-found' };
  const params = parseQuery(query);
  const route = list(vhost['routes']).find((r) => routeMatches(obj(r['match']), path, method, headers, params));
  if (!route) return { type: 'not-found', virtualHost: text(vhost['name']), ...(grpc ? { grpcStatus: grpcStatusOf(404) } : {}) };
  const name = text(route['name']);

  const cors = obj(obj(route['typed_per_filter_config'])['envoy.filters.http.cors']);
  const origin = headers['origin'];
  let corsHeaders: Record<string, string> = {};
  if (Object.keys(cors).length > 0 && origin !== undefined) {
    const allowed = list(cors['allow_origin_string_match']).some((m) => stringMatches(m, origin));
    const preflight = method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
    if (preflight) {
      if (!allowed) {
        if (cors['forward_not_matching_preflights'] === false) return { type: 'cors-preflight', route: name, status: 200, headers: {} };
      } else {
        const h: Record<string, string> = { 'access-control-allow-origin': origin };
        if (str(cors['allow_methods'])) h['access-control-allow-methods'] = text(cors['allow_methods']);
        if (str(cors['allow_headers'])) h['access-control-allow-headers'] = text(cors['allow_headers']);
        if (str(cors['max_age'])) h['access-control-max-age'] = text(cors['max_age']);
        if (cors['allow_credentials'] === true) h['access-control-allow-credentials'] = 'true';
        return { type: 'cors-preflight', route: name, status: 200, headers: h };
      }
    } else if (allowed) {
      corsHeaders = { 'access-control-allow-origin': origin };
      if (cors['allow_credentials'] === true) corsHeaders['access-control-allow-credentials'] = 'true';
      if (str(cors['expose_headers'])) corsHeaders['access-control-expose-headers'] = text(cors['expose_headers']);
    }
  }

  if (route['redirect']) return { type: 'redirect', route: name, ...redirect(obj(route['redirect']), scheme, host, path, query, obj(route['match'])) };
  if (route['direct_response']) {
    const status = Number(obj(route['direct_response'])['status']);
    return { type: 'direct-response', route: name, status, ...(grpc ? { grpcStatus: grpcStatusOf(status) } : {}) };
  }
  const action = obj(route['route']);
  const entries = action['cluster'] ? [{ name: action['cluster'], weight: 1 } as JsonObject] : list(obj(action['weighted_clusters'])['clusters']);
  if (entries.length === 0) throw new Error(`route ${name}: no cluster`);

  let upstreamPath = rewritePath(action, obj(route['match']), path);
  if (query) upstreamPath += `?${query}`;
  const upstreamHost = str(action['host_rewrite_literal']) ?? host;
  const backends = entries.map((e): ResolvedBackend => {
    const cluster = text(e['name']);
    if (!config.clusters.some((c) => c['name'] === cluster)) throw new Error(`route ${name}: cluster ${cluster} is not defined`);
    const reqHeaders = { ...headers };
    // Envoy applies the weighted cluster's edits before the route's.
    applyMutation(reqHeaders, e, 'request');
    applyMutation(reqHeaders, route, 'request');
    const responseHeaders: Record<string, string> = {};
    const removed: string[] = [];
    for (const source of [e, route]) {
      for (const r of (source['response_headers_to_remove'] as string[] | undefined) ?? []) removed.push(r.toLowerCase());
      for (const a of list(source['response_headers_to_add'])) responseHeaders[text(obj(a['header'])['key']).toLowerCase()] = text(obj(a['header'])['value']);
    }
    return {
      cluster,
      weight: Number(e['weight'] ?? 1),
      endpoints: endpointsOf(config, cluster),
      request: { host: upstreamHost, path: upstreamPath, method, headers: reqHeaders, protocol: upstreamProtocol(config, cluster, protocol) },
      responseHeaders,
      responseHeadersRemoved: removed,
    };
  });
  const mirrors = list(action['request_mirror_policies']).map((m) => {
    const f = obj(obj(m['runtime_fraction'])['default_value']);
    const percent = m['runtime_fraction'] ? (Number(f['numerator'] ?? 0) * 100) / DENOMINATOR[str(f['denominator']) ?? 'HUNDRED'] : 100;
    return { cluster: text(m['cluster']), percent };
  });
  const out: Resolution = { type: 'forward', route: name, backends, mirrors, corsHeaders };
  if (action['retry_policy']) out.retry = obj(action['retry_policy']);
  if (str(action['timeout'])) out.timeout = text(action['timeout']);
  return out;
}

const HCM = 'envoy.filters.network.http_connection_manager';
const TLS_INSPECTOR = 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';
const DOWNSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

type Connection = { type: 'connected'; chain: JsonObject; scheme: 'http' | 'https' } | { type: 'connection-closed'; reason: string };

/** The filter chain a connection lands on, and the TLS handshake a verifying client makes there. */
function connect(config: EnvoyConfig, listener: JsonObject, req: ResolveRequest): Connection {
  const name = text(listener['name']);
  const inspects = list(listener['listener_filters']).some((f) => obj(f['typed_config'])['@type'] === `type.googleapis.com/${TLS_INSPECTOR}`);
  const sentName = req.sni === null ? undefined : (req.sni ?? sniFor(req.host));
  // Without the TLS inspector Envoy reads no server name: only a chain without server_names fits.
  const chain = pickFilterChain(list(listener['filter_chains']), inspects ? sentName : undefined);
  if (!chain) return { type: 'connection-closed', reason: `listener ${name}: no filter chain matches server name ${sentName ?? '(none)'}` };
  const socket = chain['transport_socket'] ? obj(obj(chain['transport_socket'])['typed_config']) : undefined;
  const served = socket ? 'https' : 'http';
  const scheme = req.scheme ?? served;
  if (scheme !== served) return { type: 'connection-closed', reason: `filter chain ${str(chain['name']) ?? '(unnamed)'} speaks ${served}, the client ${scheme}` };
  if (!socket) return { type: 'connected', chain, scheme };
  if (socket['@type'] !== DOWNSTREAM_TLS) throw new Error(`filter chain ${text(chain['name'])}: transport socket ${JSON.stringify(socket['@type'])} is not read`);
  const common = obj(socket['common_tls_context']);
  // tls_params (protocol versions, cipher suites) are read but not judged: the client is assumed to agree.
  const unread = Object.keys(common).filter((k) => !['tls_certificate_sds_secret_configs', 'alpn_protocols', 'tls_params'].includes(k));
  if (unread.length > 0 || Object.keys(socket).some((k) => k !== '@type' && k !== 'common_tls_context')) throw new Error(`filter chain ${text(chain['name'])}: TLS settings not read: ${JSON.stringify(socket)}`);
  // Over TLS the HTTP version is settled by ALPN: an HTTP/2 client needs the chain to offer h2.
  const alpn = (common['alpn_protocols'] as string[] | undefined) ?? [];
  if ((req.protocol ?? 'HTTP/1.1') === 'HTTP/2' && !alpn.includes('h2')) return { type: 'connection-closed', reason: `filter chain ${text(chain['name'])}: ALPN offers ${alpn.join(', ') || 'nothing'}, the client needs h2` };
  const certificates = list(common['tls_certificate_sds_secret_configs']).map((c) => certificateOf(config, text(c['name'])));
  // The client checks the certificate against the name it asked for, or the host it dials. With
  // several certificates Envoy picks one per client; any one that covers the name passes here.
  const verified = sentName ?? stripPort(req.host);
  const bare = verified.replace(/^\[|\]$/g, '');
  const covers = (c: X509Certificate) => (isIP(bare) !== 0 ? c.checkIP(bare) : c.checkHost(bare)) !== undefined;
  if (!certificates.some(covers)) {
    return { type: 'connection-closed', reason: `filter chain ${text(chain['name'])}: no certificate covers ${verified} (${certificates.map((c) => c.subjectAltName ?? c.subject).join('; ')}); the client rejects the handshake` };
  }
  return { type: 'connected', chain, scheme };
}

/** The leaf certificate of an SDS Secret the config carries. */
function certificateOf(config: EnvoyConfig, secretName: string): X509Certificate {
  const secret = (config.secrets ?? []).find((s) => s['name'] === secretName);
  // Tether sends a listener's secrets with it (docs/https.md), so a missing one is a config error.
  if (!secret) throw new Error(`secret ${secretName} is not in the config`);
  const pem = text(obj(obj(secret['tls_certificate'])['certificate_chain'])['inline_string']);
  try {
    return new X509Certificate(pem);
  } catch {
    throw new Error(`secret ${secretName} carries no PEM certificate (redacted? build the config with its key material)`);
  }
}

/** What an HTTPS client sends as SNI for a Host: the name without port; IP literals are never sent. */
function sniFor(host: string): string | undefined {
  const name = stripPort(host);
  if (isIP(name.replace(/^\[|\]$/g, '')) !== 0) return undefined;
  return name;
}

/**
 * Envoy's filter chain selection by server name, as the FilterChainMatch API documents it: "for
 * SNI `www.example.com` the most specific match would be `www.example.com`, then `*.example.com`,
 * then `*.com`, then any filter chain without `server_names` requirements". No match: Envoy closes
 * the connection (undefined here). Only server_names is read; other match criteria are an error.
 */
export function pickFilterChain(chains: readonly JsonObject[], serverName: string | undefined): JsonObject | undefined {
  const byName = new Map<string, JsonObject>();
  let catchAll: JsonObject | undefined;
  for (const c of chains) {
    const match = obj(c['filter_chain_match']);
    const other = Object.keys(match).filter((k) => k !== 'server_names');
    if (other.length > 0) throw new Error(`filter chain ${str(c['name']) ?? '(unnamed)'}: match criteria ${other.join(', ')} are not read`);
    const names = (match['server_names'] as string[] | undefined) ?? [];
    if (names.length === 0) catchAll = c;
    for (const n of names) byName.set(n, c);
  }
  if (serverName !== undefined) {
    const exact = byName.get(serverName);
    if (exact) return exact;
    // `*.b.c`, then `*.c`: each wildcard one label shorter.
    const labels = serverName.split('.');
    for (let i = 1; i < labels.length; i++) {
      const c = byName.get(`*.${labels.slice(i).join('.')}`);
      if (c) return c;
    }
  }
  return catchAll;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const i = host.lastIndexOf(':');
  return i >= 0 ? host.slice(0, i) : host;
}

function splitQuery(path: string): [string, string?] {
  const i = path.indexOf('?');
  return i < 0 ? [path] : [path.slice(0, i), path.slice(i + 1)];
}

function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split('&')) {
    if (!part) continue;
    const [k, v = ''] = part.split('=');
    const key = decodeURIComponent(k);
    // Envoy matches a repeated parameter by its first value.
    if (!out.has(key)) out.set(key, decodeURIComponent(v));
  }
  return out;
}

/** RFC 3986 dot-segment removal (Envoy's normalize_path). */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/').slice(1)) {
    if (seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const last = path.split('/').pop();
  return `/${out.join('/')}${last === '.' || last === '..' ? '/' : ''}`;
}

/** Envoy's virtual host selection: exact, longest `*.suffix`, longest `prefix.*`, then `*`. */
export function pickVirtualHost(vhosts: readonly JsonObject[], rawHost: string): JsonObject | undefined {
  const host = rawHost.toLowerCase();
  let suffix: { v: JsonObject; len: number } | undefined;
  let prefix: { v: JsonObject; len: number } | undefined;
  let any: JsonObject | undefined;
  for (const v of vhosts) {
    for (const d of (v['domains'] as string[]).map((x) => x.toLowerCase())) {
      if (d === host) return v;
      if (d === '*') any ??= v;
      else if (d.startsWith('*')) {
        // `*.example.com` needs at least one character before the suffix.
        const s = d.slice(1);
        if (host.length > s.length && host.endsWith(s) && (!suffix || s.length > suffix.len)) suffix = { v, len: s.length };
      } else if (d.endsWith('*')) {
        const p = d.slice(0, -1);
        if (host.length > p.length && host.startsWith(p) && (!prefix || p.length > prefix.len)) prefix = { v, len: p.length };
      }
    }
  }
  return suffix?.v ?? prefix?.v ?? any;
}

function routeMatches(match: JsonObject, path: string, method: string, headers: Record<string, string>, params: Map<string, string>): boolean {
  if (str(match['prefix']) !== undefined) {
    if (!path.startsWith(text(match['prefix']))) return false;
  } else if (str(match['path']) !== undefined) {
    if (path !== match['path']) return false;
  } else if (str(match['path_separated_prefix']) !== undefined) {
    const p = text(match['path_separated_prefix']);
    if (path !== p && !path.startsWith(`${p}/`)) return false;
  } else if (match['safe_regex']) {
    if (!fullMatch(text(obj(match['safe_regex'])['regex']), path)) return false;
  } else throw new Error(`unknown path matcher in ${JSON.stringify(match)}`);
  for (const h of list(match['headers'])) {
    const name = text(h['name']).toLowerCase();
    const value = name === ':method' ? method : headers[name];
    if (value === undefined || !stringMatches(obj(h['string_match']), value)) return false;
  }
  for (const q of list(match['query_parameters'])) {
    const value = params.get(text(q['name']));
    if (value === undefined || !stringMatches(obj(q['string_match']), value)) return false;
  }
  if (match['grpc'] && !isGrpc(headers)) return false;
  return true;
}

function stringMatches(m: JsonObject, value: string): boolean {
  if (str(m['exact']) !== undefined) return value === m['exact'];
  if (str(m['prefix']) !== undefined) return value.startsWith(text(m['prefix']));
  if (m['safe_regex']) return fullMatch(text(obj(m['safe_regex'])['regex']), value);
  throw new Error(`unknown string matcher ${JSON.stringify(m)}`);
}

/** RE2 full match; the patterns Tether emits use only syntax RE2 and JavaScript read alike. */
function fullMatch(regex: string, value: string): boolean {
  return new RegExp(`^(?:${regex})$`, 'u').test(value);
}

function rewritePath(action: JsonObject, match: JsonObject, path: string): string {
  if (str(action['prefix_rewrite']) !== undefined) {
    const matched = str(match['prefix']) ?? str(match['path_separated_prefix']) ?? str(match['path']);
    if (matched === undefined) throw new Error('prefix_rewrite needs a prefix or path match');
    return text(action['prefix_rewrite']) + path.slice(matched.length);
  }
  if (action['regex_rewrite']) {
    const rr = obj(action['regex_rewrite']);
    return path.replace(new RegExp(text(obj(rr['pattern'])['regex']), 'gu'), text(rr['substitution']));
  }
  return path;
}

function applyMutation(headers: Record<string, string>, source: JsonObject, direction: 'request' | 'response'): void {
  for (const r of (source[`${direction}_headers_to_remove`] as string[] | undefined) ?? []) delete headers[r.toLowerCase()];
  for (const a of list(source[`${direction}_headers_to_add`])) {
    const key = text(obj(a['header'])['key']).toLowerCase();
    const value = text(obj(a['header'])['value']);
    const act = str(a['append_action']) ?? 'APPEND_IF_EXISTS_OR_ADD';
    if (act === 'OVERWRITE_IF_EXISTS_OR_ADD' || headers[key] === undefined) headers[key] = value;
    else if (act === 'APPEND_IF_EXISTS_OR_ADD') headers[key] = `${headers[key]},${value}`;
  }
}

/** Envoy's Location: scheme (redirect's, else the request's), host (redirect's, else the request's), `:port` when port_redirect is set, path. */
function redirect(r: JsonObject, scheme: string, host: string, path: string, query: string, match: JsonObject): { status: number; location: string } {
  const s = str(r['scheme_redirect']) ?? scheme;
  const h = str(r['host_redirect']) ?? host;
  const port = r['port_redirect'] !== undefined ? `:${text(r['port_redirect'])}` : '';
  let p = path;
  if (str(r['path_redirect']) !== undefined) p = text(r['path_redirect']);
  else if (str(r['prefix_rewrite']) !== undefined || r['regex_rewrite']) p = rewritePath(r, match, path);
  const q = query && str(r['path_redirect'])?.includes('?') !== true && r['strip_query'] !== true ? `?${query}` : '';
  return { status: REDIRECT_STATUS[str(r['response_code']) ?? 'MOVED_PERMANENTLY'], location: `${s}://${h}${port}${p}${q}` };
}

/** Envoy's gRPC matcher: content-type application/grpc, alone or with a `+suffix` or `;params`. */
function isGrpc(headers: Record<string, string>): boolean {
  const ct = headers['content-type'] ?? '';
  return ct === 'application/grpc' || ct.startsWith('application/grpc+') || ct.startsWith('application/grpc;');
}

/**
 * The gRPC status of a local reply to a gRPC request: Envoy sends it as a trailers-only response
 * with the HTTP code turned into a gRPC status by gRPC's HTTP-to-gRPC mapping (404 → UNIMPLEMENTED,
 * 429 and 502-504 → UNAVAILABLE, 400 → INTERNAL, 401 → UNAUTHENTICATED, 403 → PERMISSION_DENIED,
 * anything else → UNKNOWN).
 */
export function grpcStatusOf(httpStatus: number): number {
  const mapped: Record<number, number> = { 400: 13, 401: 16, 403: 7, 404: 12, 429: 14, 502: 14, 503: 14, 504: 14 };
  return mapped[httpStatus] ?? 2;
}

/** gRPC status codes by name, for readable assertions. */
export const GRPC_STATUS = { OK: 0, UNKNOWN: 2, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** A unary gRPC call as it reaches the listener: HTTP/2 POST /service/method, content-type application/grpc, metadata as headers. */
export function grpcRequest(service: string, method: string, opts: { authority?: string; metadata?: Record<string, string>; port?: number } = {}): ResolveRequest {
  const headers: Record<string, string> = { 'content-type': 'application/grpc', te: 'trailers' };
  for (const [k, v] of Object.entries(opts.metadata ?? {})) headers[k.toLowerCase()] = v;
  return { port: opts.port ?? 80, host: opts.authority ?? 'gateway.local', path: `/${service}/${method}`, method: 'POST', protocol: 'HTTP/2', headers };
}

/** The HTTP version Envoy speaks to a cluster: its explicit HTTP/2 or HTTP/1.1 options, the client's with use_downstream_protocol_config, HTTP/1.1 by default. */
function upstreamProtocol(config: EnvoyConfig, cluster: string, downstream: HttpProtocol): HttpProtocol {
  const c = config.clusters.find((x) => x['name'] === cluster) ?? {};
  const options = obj(obj(c['typed_extension_protocol_options'])['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']);
  if (options['use_downstream_protocol_config']) return downstream;
  if (options['auto_config']) throw new Error(`cluster ${cluster}: auto_config depends on ALPN, which this resolver does not model`);
  return obj(options['explicit_http_config'])['http2_protocol_options'] ? 'HTTP/2' : 'HTTP/1.1';
}

function endpointsOf(config: EnvoyConfig, cluster: string): string[] {
  const cla = config.endpoints.find((e) => e['cluster_name'] === cluster);
  if (!cla) return [];
  return list(cla['endpoints']).flatMap((l) =>
    list(l['lb_endpoints']).map((e) => {
      const sa = obj(obj(obj(e['endpoint'])['address'])['socket_address']);
      return `${text(sa['address'])}:${text(sa['port_value'])}`;
    }),
  );
}
