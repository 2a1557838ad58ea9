// Envoy bootstraps (envoy.config.bootstrap.v3.Bootstrap in proto3 JSON):
// - the static one `tether translate --bootstrap` prints: the same config Tether would serve, with
//   routes inline and STATIC clusters, so Envoy runs it without Tether;
// - the ADS one Envoy fleets start with: who they are (node.cluster names the Gateway) and where
//   Tether is; everything else arrives over one ADS stream. The files under envoy/ are generated from
//   it by scripts/generate-envoy-bootstraps.ts.
import type { GatewayIR } from '../ir/ir.ts';
import { buildCluster } from './cluster.ts';
import { EnvoyName, EnvoyType, adsConfigSource, byName, duration, typed, type JsonObject } from './envoy-json.ts';
import { buildListenerWithRoutes } from './listener.ts';
import { buildOverloadManager } from './edge.ts';
import { buildRouteConfiguration } from './route.ts';

export interface StaticBootstrapOptions {
  /** Admin interface port (default 9901), always on 127.0.0.1. */
  adminPort?: number;
}

export function buildStaticBootstrap(gw: GatewayIR, opts: StaticBootstrapOptions = {}): JsonObject {
  return {
    node: { cluster: gw.name },
    static_resources: {
      listeners: gw.listeners.map((l) => buildListenerWithRoutes(l, gw.edge, { routeConfig: buildRouteConfiguration(l) })).sort(byName),
      clusters: gw.clusters.map((c) => buildCluster(c, { discovery: 'static' })).sort(byName),
    },
    // The same connection cap a fleet's ADS bootstrap carries.
    overload_manager: buildOverloadManager(gw.edge.maxConnections),
    admin: buildAdmin('127.0.0.1', opts.adminPort ?? 9901),
  };
}

export interface AdsBootstrapOptions {
  /** The Gateway this fleet serves, `namespace/name`; sent as node.cluster. */
  gateway: string;
  /** Tether's xDS address (a DNS name or IP) and port. */
  xdsHost: string;
  xdsPort: number;
  /** node.id; Envoy's --service-node overrides it (set it to the pod name). */
  nodeId?: string;
  /** Incremental (DELTA_GRPC, the default) or state-of-the-world (GRPC) ADS. */
  delta?: boolean;
  adminPort: number;
  /** Admin listen address; 127.0.0.1 unless a probe must reach it from outside. */
  adminAddress?: string;
  /** Reach Tether over TLS with this client certificate (a folder as `tether certs` writes it). */
  tls?: XdsClientTls;
  /**
   * Downstream connections this Envoy accepts in all (overload manager); default
   * EDGE_DEFAULTS.maxConnections. A provisioned fleet passes its FleetParameters `edge.maxConnections`.
   */
  maxConnections?: number;
}

/** The default connection cap of an ADS bootstrap (FleetParameters EDGE_DEFAULTS.maxConnections). */
export const DEFAULT_MAX_CONNECTIONS = 50000;

/**
 * The files of a Gateway's client certificate, as `tether certs` lays them out (and a mounted
 * Secret holds them): `<dir>/tls.crt`, `<dir>/tls.key`, `<dir>/ca.crt`.
 */
export interface XdsClientTls {
  dir: string;
  /** The name Tether's server certificate must carry (default: xdsHost). */
  serverName?: string;
}

/** The static cluster that reaches Tether. */
export const XDS_CLUSTER_NAME = 'tether_xds';

export function buildAdsBootstrap(opts: AdsBootstrapOptions): JsonObject {
  // Give up waiting for the first listeners and clusters after this long and start with what came,
  // rather than hold the whole server back when Tether is slow to answer.
  const adsSource = (): JsonObject => adsConfigSource({ initial_fetch_timeout: duration(10) });
  return {
    node: { ...(opts.nodeId !== undefined ? { id: opts.nodeId } : {}), cluster: opts.gateway },
    dynamic_resources: {
      ads_config: {
        api_type: opts.delta === false ? 'GRPC' : 'DELTA_GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: XDS_CLUSTER_NAME } }],
        // Tether keeps the node per stream; sending it once saves bytes on every request.
        set_node_on_first_message_only: true,
      },
      lds_config: adsSource(),
      cds_config: adsSource(),
    },
    static_resources: { clusters: [buildXdsCluster(opts.xdsHost, opts.xdsPort, opts.tls)] },
    overload_manager: buildOverloadManager(opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
    admin: buildAdmin(opts.adminAddress ?? '127.0.0.1', opts.adminPort),
  };
}

function buildXdsCluster(host: string, port: number, tls: XdsClientTls | undefined): JsonObject {
  return {
    ...(tls ? { transport_socket: buildXdsTransportSocket(tls, tls.serverName ?? host) } : {}),
    name: XDS_CLUSTER_NAME,
    // DNS, re-resolved, so a restarted Tether (new pod IP behind the Service) is found again.
    type: 'STRICT_DNS',
    dns_lookup_family: 'V4_PREFERRED',
    connect_timeout: duration(2),
    load_assignment: {
      cluster_name: XDS_CLUSTER_NAME,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }],
    },
    // gRPC needs HTTP/2. Pings find a dead ADS connection (e.g. a vanished Tether pod behind a
    // load balancer) in seconds instead of waiting for TCP to time out.
    typed_extension_protocol_options: {
      [EnvoyName.httpProtocolOptions]: typed(EnvoyType.httpProtocolOptions, {
        explicit_http_config: {
          http2_protocol_options: { connection_keepalive: { interval: duration(30), timeout: duration(5) } },
        },
      }),
    },
    upstream_connection_options: { tcp_keepalive: { keepalive_probes: 3, keepalive_time: 30, keepalive_interval: 5 } },
  };
}

/**
 * TLS to Tether: the client certificate that names this fleet's Gateway, and Tether's certificate
 * checked against the CA and the name Envoy dials. Plain file paths, read when Envoy starts (a
 * renewed client certificate takes effect on the next Envoy restart; docs/operations.md#authenticated-xds).
 */
function buildXdsTransportSocket(tls: XdsClientTls, serverName: string): JsonObject {
  const file = (name: string): JsonObject => ({ filename: `${tls.dir.replace(/\/$/, '')}/${name}` });
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: typed('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', {
      sni: serverName,
      common_tls_context: {
        alpn_protocols: ['h2'],
        tls_certificates: [{ certificate_chain: file('tls.crt'), private_key: file('tls.key') }],
        validation_context: {
          trusted_ca: file('ca.crt'),
          match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: serverName } }],
        },
      },
    }),
  };
}

function buildAdmin(address: string, port: number): JsonObject {
  return { address: { socket_address: { address, port_value: port } } };
}
