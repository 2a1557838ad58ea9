// Envoy's cors HTTP filter for the Gateway API CORS filter. Like stateful_session, every HTTP
// connection manager carries one disabled entry and a route with a CORS filter enables it with its
// own CorsPolicy, so adding CORS to a route never touches (or drains) a listener.
import type { CorsIR } from '../../ir/ir.ts';
import { EnvoyName, EnvoyType, typed, type JsonObject } from '../envoy-json.ts';
import { escapeRegex } from '../route-match.ts';

/** Every method Gateway API allows; sent for `*` when credentials are allowed (browsers then read `*` literally). */
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export function buildCorsHttpFilter(): JsonObject {
  return { name: EnvoyName.cors, disabled: true, typed_config: typed(EnvoyType.cors) };
}

/** The route's `typed_per_filter_config` entry: the policy, which also turns the filter on. */
export function buildCorsPerRoute(cors: CorsIR): { name: string; config: JsonObject } {
  const policy: JsonObject = {
    allow_origin_string_match: cors.allowOrigins.map(buildOriginMatcher),
    // Gateway API: a preflight from an origin that is not allowed is answered by the gateway, without
    // CORS headers, rather than passed to the backend.
    forward_not_matching_preflights: false,
    max_age: String(cors.maxAgeSeconds),
  };
  const methods = cors.allowMethods.length === 1 && cors.allowMethods[0] === '*' && cors.allowCredentials ? ALL_METHODS : cors.allowMethods;
  if (methods.length > 0) policy['allow_methods'] = methods.join(',');
  if (cors.allowHeaders.length > 0) policy['allow_headers'] = cors.allowHeaders.join(',');
  if (cors.exposeHeaders.length > 0) policy['expose_headers'] = cors.exposeHeaders.join(',');
  // Without credentials Envoy omits Access-Control-Allow-Credentials, as Gateway API asks.
  if (cors.allowCredentials) policy['allow_credentials'] = true;
  return { name: EnvoyName.cors, config: typed(EnvoyType.corsPolicy, policy) };
}

/**
 * `*` allows every origin (Envoy then echoes the request's Origin, which is right with and without
 * credentials); `https://*.example.com` is a regex where `*` stands for any labels; anything else
 * is an exact origin.
 */
function buildOriginMatcher(origin: string): JsonObject {
  if (origin === '*') return { safe_regex: { regex: '.*' } };
  if (!origin.includes('*')) return { exact: origin };
  return { safe_regex: { regex: origin.split('*').map(escapeRegex).join('.*') } };
}
