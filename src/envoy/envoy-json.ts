// Small helpers every builder shares: the proto3 JSON shapes Envoy's docs use (`@type` on every Any,
// durations as "5s", the ADS config source). Builders stay pure: they import only the codec's pure
// vocabulary (codec/json.ts, codec/message-type.ts) and hand plain JSON to the codec.
import type { Json, JsonObject } from '../codec/json.ts';
import { MessageType } from '../codec/message-type.ts';

export type { Json, JsonObject };

/** Fully qualified names of the Envoy messages the builders put inside an Any. */
export const EnvoyType = MessageType;

/** Envoy's well-known extension names (the `name` beside a typed_config). */
export const EnvoyName = {
  httpConnectionManager: 'envoy.filters.network.http_connection_manager',
  router: 'envoy.filters.http.router',
  statefulSession: 'envoy.filters.http.stateful_session',
  cors: 'envoy.filters.http.cors',
  cookieSessionState: 'envoy.http.stateful_session.cookie',
  headerSessionState: 'envoy.http.stateful_session.header',
  httpProtocolOptions: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  previousHostsPredicate: 'envoy.retry_host_predicates.previous_hosts',
  tlsInspector: 'envoy.filters.listener.tls_inspector',
  proxyProtocol: 'envoy.filters.listener.proxy_protocol',
  stdoutAccessLog: 'envoy.access_loggers.stdout',
  reqWithoutQuery: 'envoy.formatter.req_without_query',
  downstreamConnections: 'envoy.resource_monitors.global_downstream_max_connections',
  tlsTransportSocket: 'envoy.transport_sockets.tls',
} as const;

/** An Any in proto3 JSON: `{"@type": "type.googleapis.com/<name>", ...fields}`. */
export function typed(typeName: string, fields: JsonObject = {}): JsonObject {
  return { '@type': `type.googleapis.com/${typeName}`, ...fields };
}

/** A google.protobuf.Duration in proto3 JSON ("5s", "0.250s"); whole milliseconds at most. */
export function duration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const whole = Math.trunc(ms / 1000);
  const frac = ms % 1000;
  return frac === 0 ? `${whole}s` : `${whole}.${String(frac).padStart(3, '0')}s`;
}

/** A ConfigSource that says "over the same ADS stream", the only source Tether serves. */
export function adsConfigSource(extra: JsonObject = {}): JsonObject {
  return { ads: {}, resource_api_version: 'V3', ...extra };
}

/** Envoy stat names: keep letters, digits, `_`, `-` and `.`; everything else becomes `_`. */
export function statName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Compares two resources by `name` (code-unit order, so output never depends on locale). */
export function byName(a: { name?: unknown }, b: { name?: unknown }): number {
  const x = String(a.name);
  const y = String(b.name);
  return x < y ? -1 : x > y ? 1 : 0;
}
