// Hand-written proto3 JSON resources for protocol tests, encoded by the proto registry, and a
// harness that runs a real ADS server on loopback with a log that tests can read.
import { Writable } from 'node:stream';
import pino from 'pino';
import { MessageType, protoRegistry, type JsonObject } from '../../src/codec/proto-registry.ts';
import { AdsServer, type AdsServerOptions } from '../../src/xds/ads-server.ts';
import { TypeUrl, type ClientVariant, type EncodedInput, type ResourcesByType } from '../../src/xds/resource-types.ts';
import { SnapshotCache } from '../../src/xds/snapshot-cache.ts';

const ADS_SOURCE = { ads: {}, resource_api_version: 'V3' };
const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };

export function cluster(name: string, extra: JsonObject = {}): JsonObject {
  return { name, type: 'EDS', connect_timeout: '1s', eds_cluster_config: { eds_config: ADS_SOURCE }, lb_policy: 'ROUND_ROBIN', ...extra };
}

/** A CLA with one weighted locality holding the given "ip:port" endpoints. */
export function cla(name: string, addresses: string[]): JsonObject {
  return {
    cluster_name: name,
    endpoints: [
      {
        locality: { region: 'r1', zone: 'z1' },
        load_balancing_weight: 1,
        lb_endpoints: addresses.map((a) => {
          const [ip, port] = a.split(':');
          return { endpoint: { address: { socket_address: { address: ip, port_value: Number(port) } } } };
        }),
      },
    ],
  };
}

/** An Envoy listener on a port whose HCM reads its routes over RDS. */
export function listener(name: string, port: number, routeConfigName: string): JsonObject {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: { '@type': HCM, stat_prefix: name, rds: { route_config_name: routeConfigName, config_source: ADS_SOURCE }, http_filters: [ROUTER] },
          },
        ],
      },
    ],
  };
}

/** The api_listener form proxyless gRPC clients read. */
export function apiListener(name: string, routeConfigName: string, httpFilters: JsonObject[] = [ROUTER]): JsonObject {
  return { name, api_listener: { api_listener: { '@type': HCM, rds: { route_config_name: routeConfigName, config_source: ADS_SOURCE }, http_filters: httpFilters } } };
}

/** A route configuration: one virtual host, prefix routes to clusters. */
export function routeConfig(name: string, routes: { prefix: string; cluster: string }[], domains = ['*']): JsonObject {
  return { name, virtual_hosts: [{ name: `${name}-vh`, domains, routes: routes.map((r) => ({ match: { prefix: r.prefix }, route: { cluster: r.cluster } })) }] };
}

export interface JsonSnapshot {
  listeners?: JsonObject[];
  routes?: JsonObject[];
  clusters?: JsonObject[];
  endpoints?: JsonObject[];
  secrets?: JsonObject[];
}

/** Encodes proto3 JSON resources into the cache's input form. */
export function encodeSnapshot(s: JsonSnapshot): ResourcesByType {
  const r = protoRegistry();
  const enc = (type: string, list: JsonObject[] | undefined, nameField = 'name'): EncodedInput[] =>
    (list ?? []).map((json) => ({ name: json[nameField] as string, bytes: r.encode(type, json) }));
  return {
    [TypeUrl.listener]: enc(MessageType.listener, s.listeners),
    [TypeUrl.route]: enc(MessageType.routeConfiguration, s.routes),
    [TypeUrl.cluster]: enc(MessageType.cluster, s.clusters),
    [TypeUrl.endpoint]: enc(MessageType.clusterLoadAssignment, s.endpoints, 'cluster_name'),
    [TypeUrl.secret]: enc(MessageType.secret, s.secrets),
  };
}

/** A small Gateway: one listener, one route config, the given clusters with one endpoint each. */
export function gatewaySnapshot(routes: { prefix: string; cluster: string }[], endpoints: Record<string, string[]> = {}): JsonSnapshot {
  const clusterNames = [...new Set([...routes.map((r) => r.cluster), ...Object.keys(endpoints)])];
  return {
    listeners: [listener('http-8080', 8080, 'http-8080')],
    routes: [routeConfig('http-8080', routes)],
    clusters: clusterNames.map((c) => cluster(c)),
    endpoints: clusterNames.map((c) => cla(c, endpoints[c] ?? ['10.0.0.1:8080'])),
  };
}

export interface Harness {
  readonly cache: SnapshotCache;
  readonly server: AdsServer;
  readonly address: string;
  readonly logs: { level: number; msg: string; [k: string]: unknown }[];
  set(gateway: string, s: JsonSnapshot, variant?: ClientVariant): void;
  stop(): Promise<void>;
}

export async function startHarness(options: { ready?: boolean; warmTimeoutMs?: number; events?: AdsServerOptions['events']; versionPrefix?: string; tls?: AdsServerOptions['tls']; limits?: AdsServerOptions['limits'] } = {}): Promise<Harness> {
  const logs: Harness['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line));
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const cache = new SnapshotCache({ logger, versionPrefix: options.versionPrefix });
  const server = new AdsServer({ cache, logger, warmTimeoutMs: options.warmTimeoutMs ?? 3_000, events: options.events, limits: options.limits, ...(options.tls ? { tls: options.tls } : {}) });
  const port = await server.listen('127.0.0.1:0');
  if (options.ready !== false) cache.markReady();
  return {
    cache,
    server,
    address: `127.0.0.1:${port}`,
    logs,
    set: (gateway, s, variant = 'envoy') => {
      cache.setSnapshot(gateway, variant, encodeSnapshot(s));
    },
    stop: () => server.stop(),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
