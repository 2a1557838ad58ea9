// The retry every sticky route gets: a request whose connection to its endpoint fails (or whose
// HTTP/2 stream the endpoint refuses) is sent once more, to another endpoint, within the same
// request. Envoy falls back from a session only when the session's endpoint has left the cluster; a
// pod still listed but dead (crashed, or between its death and the EndpointSlice update) would
// answer 503 `upstream connect error`. Envoy does not apply the session override to retries, so the
// retry goes through the ring, the previous_hosts predicate keeps it off the endpoint that failed,
// and the response carries a session naming the endpoint that served it.
//
// Only what never reached the application is retried: `connect-failure` (no connection was made)
// and `refused-stream` (the endpoint refused the stream before processing it). A 5xx, a reset or a
// timeout after the request was sent is never retried here. A route whose own retry policy already
// says what to retry (a user's HTTPRoute retry) keeps it untouched.
import type { RouteIR } from '../ir/ir.ts';
import { EnvoyName, EnvoyType, typed, type JsonObject } from './envoy-json.ts';

export const STICKY_RETRY_ON = 'connect-failure,refused-stream';
/** One retry: enough to leave a dead endpoint; more would only add latency before the 503. */
export const STICKY_NUM_RETRIES = 1;
/** Ring picks to try before giving up on finding an endpoint other than the failed one. */
const HOST_SELECTION_ATTEMPTS = 5;

/** True for routes that get the sticky retry: a session or a hash picks their endpoint. */
export function hasStickyRetry(route: RouteIR): boolean {
  return route.action.type === 'forward' && (route.session !== undefined || (route.hashKeys?.length ?? 0) > 0);
}

/** Adds the sticky retry to a route action's `retry_policy` (keeping a per-try timeout already set). */
export function addStickyRetry(routeAction: JsonObject, route: RouteIR): void {
  if (!hasStickyRetry(route)) return;
  const existing = (routeAction['retry_policy'] as JsonObject | undefined) ?? {};
  if (existing['retry_on'] !== undefined) return;
  routeAction['retry_policy'] = {
    ...existing,
    retry_on: STICKY_RETRY_ON,
    num_retries: STICKY_NUM_RETRIES,
    retry_host_predicate: [{ name: EnvoyName.previousHostsPredicate, typed_config: typed(EnvoyType.previousHostsPredicate) }],
    host_selection_retry_max_attempts: HOST_SELECTION_ATTEMPTS,
  };
}
