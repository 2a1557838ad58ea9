// IR listener → Envoy Listener: one per port, on 0.0.0.0, with one HTTP connection manager whose
// routes come over ADS (RDS, route configuration named after the listener). The HCM is the same for
// every listener and never depends on routes or sessions, so route edits never touch LDS and Envoy
// never drains a listener because of them.
import type { EdgeIR, ListenerIR, TlsChainIR, TlsParametersIR } from '../ir/ir.ts';
import { EnvoyName, EnvoyType, adsConfigSource, statName, typed, type JsonObject } from './envoy-json.ts';
import { buildCorsHttpFilter } from './filters/cors.ts';
import { buildRouterHttpFilter } from './filters/router.ts';
import { buildStatefulSessionHttpFilter } from './filters/stateful-session.ts';
import { buildEdgeListenerFilters, buildHcmEdgeFields } from './edge.ts';

/** Where the HCM gets its routes: RDS over ADS (served config) or inline (static bootstrap). */
export type RouteSpecifier = { rds: string } | { routeConfig: JsonObject };

export interface HttpConnectionManagerOptions {
  statPrefix: string;
  routes: RouteSpecifier;
  /** gRPC client (api_listener) form: only what gRPC reads, with the session filter optional. */
  grpcClient?: boolean;
  /** The fleet's edge settings (access log, trusted hops, path and header safety, drain). */
  edge?: EdgeIR;
}

export function buildListener(listener: ListenerIR, edge: EdgeIR): JsonObject {
  return buildListenerWithRoutes(listener, edge, { rds: listener.name });
}

/**
 * The listener with its routes either over RDS or inline (`chainRoutes` gives an HTTPS chain's
 * routes the same way).
 */
export function buildListenerWithRoutes(listener: ListenerIR, edge: EdgeIR, routes: RouteSpecifier, chainRoutes: (chain: TlsChainIR) => RouteSpecifier = (c) => ({ rds: c.name })): JsonObject {
  // The bound port is the mapped one (privileged ports, docs/kubernetes.md#ports); the name keeps
  // the Gateway's port.
  const address = { socket_address: { address: '0.0.0.0', port_value: listener.bindPort } };
  // The PROXY protocol header comes first on the connection, before any TLS ClientHello.
  const edgeFilters = buildEdgeListenerFilters(edge);
  if (listener.tls) {
    return {
      name: listener.name,
      address,
      // The TLS inspector reads SNI (and ALPN) from the ClientHello so the filter chain can be picked by server name.
      listener_filters: [...edgeFilters, { name: EnvoyName.tlsInspector, typed_config: typed(EnvoyType.tlsInspector) }],
      filter_chains: listener.tls.chains.map((chain) => buildTlsFilterChain(listener, edge, chain, chainRoutes(chain))),
    };
  }
  return {
    name: listener.name,
    address,
    ...(edgeFilters.length > 0 ? { listener_filters: edgeFilters } : {}),
    filter_chains: [
      {
        filters: [
          {
            name: EnvoyName.httpConnectionManager,
            typed_config: buildHttpConnectionManager({ statPrefix: statName(listener.name), routes, edge }),
          },
        ],
      },
    ],
  };
}

export function buildHttpConnectionManager(opts: HttpConnectionManagerOptions): JsonObject {
  const routes: JsonObject =
    'rds' in opts.routes
      ? { rds: { config_source: adsConfigSource(), route_config_name: opts.routes.rds } }
      : { route_config: opts.routes.routeConfig };
  if (opts.grpcClient) {
    // gRPC clients do no CORS: their form carries only the session filter (optional) and the router.
    const filters = [buildStatefulSessionHttpFilter({ optional: true }), buildRouterHttpFilter()];
    return typed(EnvoyType.httpConnectionManager, { stat_prefix: opts.statPrefix, ...routes, http_filters: filters });
  }
  // The cors filter first, so it answers preflights before anything else runs.
  const filters = [buildCorsHttpFilter(), buildStatefulSessionHttpFilter(), buildRouterHttpFilter()];
  return typed(EnvoyType.httpConnectionManager, {
    stat_prefix: opts.statPrefix,
    ...routes,
    http_filters: filters,
    // Edge proxy: trust the connection's peer address, not a client-supplied X-Forwarded-For, for
    // source-IP hashing and access logs.
    use_remote_address: true,
    // Match routes against the normalised path (RFC 3986 dot segments removed, and `//` merged) so
    // `/a/../admin` or `//admin` cannot slip past a `/admin` route.
    normalize_path: true,
    merge_slashes: true,
    // Host: example.com:8080 must match the virtual host `example.com` (Gateway API hostnames carry
    // no port).
    strip_any_host_port: true,
    // WebSocket upgrades pass through, as every Gateway API implementation allows by default.
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    ...(opts.edge ? buildHcmEdgeFields(opts.edge) : {}),
  });
}

/**
 * gRPC client form: an api_listener named after a hostname the client dials (`xds:///<host>`); its
 * HCM reads the same route configuration over RDS.
 */
export function buildApiListener(hostname: string, routeConfigName: string): JsonObject {
  return {
    name: hostname,
    api_listener: {
      api_listener: buildHttpConnectionManager({ statPrefix: statName(hostname), routes: { rds: routeConfigName }, grpcClient: true }),
    },
  };
}

/**
 * One HTTPS filter chain: picked by SNI (no server names: the catch-all), TLS terminated with the
 * chain's certificates, which Envoy fetches by name over SDS on the same ADS stream. Certificates
 * are never inline here, so a rotation is an SDS push that leaves the listener (and its
 * connections) alone.
 */
function buildTlsFilterChain(listener: ListenerIR, edge: EdgeIR, chain: TlsChainIR, routes: RouteSpecifier): JsonObject {
  const out: JsonObject = { name: chain.name };
  if (chain.serverNames.length > 0) out['filter_chain_match'] = { server_names: [...chain.serverNames] };
  out['filters'] = [{ name: EnvoyName.httpConnectionManager, typed_config: buildHttpConnectionManager({ statPrefix: statName(listener.name), routes, edge }) }];
  out['transport_socket'] = {
    name: EnvoyName.tlsTransportSocket,
    typed_config: typed(EnvoyType.downstreamTlsContext, { common_tls_context: buildCommonTlsContext(chain) }),
  };
  return out;
}

function buildCommonTlsContext(chain: TlsChainIR): JsonObject {
  const out: JsonObject = {};
  const params = buildTlsParameters(chain.parameters);
  if (params) out['tls_params'] = params;
  out['tls_certificate_sds_secret_configs'] = chain.secrets.map((name) => ({ name, sds_config: adsConfigSource() }));
  out['alpn_protocols'] = ['h2', 'http/1.1'];
  return out;
}

const TLS_VERSION_ENUM: Record<NonNullable<TlsParametersIR['minimumVersion']>, string> = { '1.2': 'TLSv1_2', '1.3': 'TLSv1_3' };

function buildTlsParameters(p: TlsParametersIR): JsonObject | undefined {
  const out: JsonObject = {};
  if (p.minimumVersion) out['tls_minimum_protocol_version'] = TLS_VERSION_ENUM[p.minimumVersion];
  if (p.maximumVersion) out['tls_maximum_protocol_version'] = TLS_VERSION_ENUM[p.maximumVersion];
  if (p.cipherSuites) out['cipher_suites'] = [...p.cipherSuites];
  return Object.keys(out).length > 0 ? out : undefined;
}
