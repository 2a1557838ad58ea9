// The edge behaviour of a fleet (IR `edge`) in Envoy's words: the HTTP connection manager fields,
// the access log and the PROXY protocol listener filter every listener shares, and the overload
// manager of a bootstrap. What Envoy does with each setting, and why each default, is in
// docs/edge.md; the facts come from the field documentation in Envoy's API protos.
import type { EdgeIR } from '../ir/ir.ts';
import { EnvoyName, EnvoyType, duration, typed, type JsonObject } from './envoy-json.ts';

const ESCAPED_SLASHES: Record<EdgeIR['escapedSlashes'], string> = {
  UnescapeAndRedirect: 'UNESCAPE_AND_REDIRECT',
  UnescapeAndForward: 'UNESCAPE_AND_FORWARD',
  KeepUnchanged: 'KEEP_UNCHANGED',
  Reject: 'REJECT_REQUEST',
};

const UNDERSCORES: Record<EdgeIR['headersWithUnderscores'], string> = {
  Drop: 'DROP_HEADER',
  Reject: 'REJECT_REQUEST',
  Allow: 'ALLOW',
};

/**
 * One access log line per request. The path is logged without its query string (which may carry
 * tokens) through the req_without_query formatter; no cookie, authorization or other credential
 * header is ever named here.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ_WITHOUT_QUERY(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  status: '%RESPONSE_CODE%',
  flags: '%RESPONSE_FLAGS%',
  duration_ms: '%DURATION%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  upstream_host: '%UPSTREAM_HOST%',
  route: '%ROUTE_NAME%',
  client: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  authority: '%REQ(:AUTHORITY)%',
  request_id: '%REQ(X-REQUEST-ID)%',
};

/** The same fields as the JSON form, space-separated in that order, one line per request. */
const TEXT_FORMAT = `${Object.values(ACCESS_LOG_FIELDS).join(' ')}\n`;

/** HCM fields that depend on the edge settings (spread into the HCM). */
export function buildHcmEdgeFields(edge: EdgeIR): JsonObject {
  const out: JsonObject = {};
  const log = buildAccessLog(edge);
  if (log) out['access_log'] = [log];
  if (edge.trustedHops > 0) out['xff_num_trusted_hops'] = edge.trustedHops;
  out['path_with_escaped_slashes_action'] = ESCAPED_SLASHES[edge.escapedSlashes];
  out['common_http_protocol_options'] = { headers_with_underscores_action: UNDERSCORES[edge.headersWithUnderscores] };
  out['drain_timeout'] = duration(edge.drainTimeoutSeconds);
  return out;
}

function buildAccessLog(edge: EdgeIR): JsonObject | undefined {
  if (edge.accessLog === 'Off') return undefined;
  const format: JsonObject = edge.accessLog === 'JSON' ? { json_format: { ...ACCESS_LOG_FIELDS } } : { text_format_source: { inline_string: TEXT_FORMAT } };
  format['formatters'] = [{ name: EnvoyName.reqWithoutQuery, typed_config: typed(EnvoyType.reqWithoutQuery) }];
  return { name: EnvoyName.stdoutAccessLog, typed_config: typed(EnvoyType.stdoutAccessLog, { log_format: format }) };
}

/** Listener filters the edge settings add, in the order they must run (before the TLS inspector). */
export function buildEdgeListenerFilters(edge: EdgeIR): JsonObject[] {
  return edge.proxyProtocol ? [{ name: EnvoyName.proxyProtocol, typed_config: typed(EnvoyType.proxyProtocol) }] : [];
}

/**
 * The bootstrap's overload manager: a cap on downstream connections across all listeners, so a
 * flood of connections is refused at accept instead of exhausting memory or file descriptors.
 */
export function buildOverloadManager(maxConnections: number): JsonObject {
  return {
    resource_monitors: [
      { name: EnvoyName.downstreamConnections, typed_config: typed(EnvoyType.downstreamConnections, { max_active_downstream_connections: String(maxConnections) }) },
    ],
  };
}
