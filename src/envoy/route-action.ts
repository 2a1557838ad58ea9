// IR action → the action half of an Envoy Route: `route` (forward to one cluster or a weighted
// split), `redirect` or `direct_response`, plus path and host rewrites, timeouts and hash policy.
import type { ForwardActionIR, HashKeyIR, MirrorIR, RedirectActionIR, RetryIR, RouteIR } from '../ir/ir.ts';
import { buildHeaderMutation } from './header-mutation.ts';
import { duration, type JsonObject } from './envoy-json.ts';
import { escapeRegex, normalisePrefix } from './route-match.ts';
import { addStickyRetry } from './sticky-retry.ts';

type PathModifier = NonNullable<RedirectActionIR['path']>;

/** The `route`, `redirect` or `direct_response` field of an Envoy Route. */
export function buildRouteAction(route: RouteIR): JsonObject {
  const action = route.action;
  switch (action.type) {
    case 'forward':
      return { route: buildForward(route, action) };
    case 'redirect':
      return { redirect: buildRedirect(action) };
    case 'direct-response':
      return {
        direct_response: {
          status: action.status,
          ...(action.body !== undefined ? { body: { inline_string: action.body } } : {}),
        },
      };
  }
}

function buildForward(route: RouteIR, action: ForwardActionIR): JsonObject {
  // Per-backend header edits live on weighted_clusters entries, so a single cluster with edits is a
  // one-entry split.
  const perCluster = action.clusters.some((c) => c.requestHeaders || c.responseHeaders);
  const out: JsonObject =
    action.clusters.length === 1 && !perCluster
      ? { cluster: action.clusters[0].name }
      : {
          weighted_clusters: {
            clusters: action.clusters.map((c) => ({
              name: c.name,
              weight: c.weight,
              ...buildHeaderMutation(c.requestHeaders, 'request'),
              ...buildHeaderMutation(c.responseHeaders, 'response'),
            })),
          },
        };
  if (action.mirrors && action.mirrors.length > 0) out['request_mirror_policies'] = action.mirrors.map(buildMirrorPolicy);
  if (action.rewrite?.path) Object.assign(out, buildPathRewrite(action.rewrite.path));
  if (action.rewrite?.hostname !== undefined) out['host_rewrite_literal'] = action.rewrite.hostname;
  // Gateway API timeouts.request: 0 disables the timeout, which is also what Envoy's "0s" means.
  if (route.timeoutSeconds !== undefined) out['timeout'] = duration(route.timeoutSeconds);
  if (route.retry) {
    out['retry_policy'] = buildRetryPolicy(route.retry, route.perTryTimeoutSeconds);
  } else if (route.perTryTimeoutSeconds !== undefined) {
    // timeouts.backendRequest bounds each attempt. No retry_on, so there are no retries (sticky
    // routes add theirs, sticky-retry.ts); num_retries stays unset because gRPC clients reject a
    // retry policy with num_retries 0.
    out['retry_policy'] = { per_try_timeout: duration(route.perTryTimeoutSeconds) };
  }
  if (route.hashKeys && route.hashKeys.length > 0) out['hash_policy'] = route.hashKeys.map(buildHashPolicy);
  addStickyRetry(out, route);
  return out;
}

/**
 * Gateway API retry: the listed codes, and (as Gateway API asks) connection failures and resets.
 * `attempts` counts retries after the first try, which is Envoy's num_retries.
 */
function buildRetryPolicy(retry: RetryIR, perTryTimeoutSeconds: number | undefined): JsonObject {
  const on = ['connect-failure', 'refused-stream', 'reset'];
  if (retry.codes.length > 0) on.push('retriable-status-codes');
  const out: JsonObject = { retry_on: on.join(',') };
  if (retry.attempts !== undefined) out['num_retries'] = retry.attempts;
  if (perTryTimeoutSeconds !== undefined) out['per_try_timeout'] = duration(perTryTimeoutSeconds);
  if (retry.codes.length > 0) out['retriable_status_codes'] = [...retry.codes];
  // Envoy's backoff grows from base_interval up to max_interval (10x base by default), never below it.
  if (retry.backoffSeconds !== undefined && retry.backoffSeconds > 0) out['retry_back_off'] = { base_interval: duration(retry.backoffSeconds) };
  return out;
}

/**
 * A mirror with a share: Envoy's FractionalPercent knows the denominators 100, 10,000 and 1,000,000,
 * so other fractions are expressed per million (rounded to the nearest millionth).
 */
function buildMirrorPolicy(mirror: MirrorIR): JsonObject {
  const out: JsonObject = { cluster: mirror.cluster };
  const f = mirror.fraction;
  if (!f) return out;
  const DENOMINATORS: [number, string][] = [[100, 'HUNDRED'], [10_000, 'TEN_THOUSAND'], [1_000_000, 'MILLION']];
  const exact = DENOMINATORS.find(([d]) => (f.numerator * d) % f.denominator === 0);
  const [d, name] = exact ?? [1_000_000, 'MILLION'];
  const numerator = Math.round((f.numerator * d) / f.denominator);
  // Zero values (numerator 0, HUNDRED) are left out, as proto3 JSON does.
  const value: JsonObject = numerator > 0 ? { numerator } : {};
  if (name !== 'HUNDRED') value['denominator'] = name;
  out['runtime_fraction'] = { default_value: value };
  return out;
}

function buildRedirect(action: RedirectActionIR): JsonObject {
  const out: JsonObject = {};
  if (action.scheme) out['scheme_redirect'] = action.scheme;
  if (action.hostname !== undefined) out['host_redirect'] = action.hostname;
  if (action.port !== undefined) out['port_redirect'] = action.port;
  if (action.path) {
    if (action.path.type === 'ReplaceFullPath') out['path_redirect'] = action.path.value;
    else Object.assign(out, buildPrefixReplacement(action.path.prefix, action.path.value));
  }
  const code = REDIRECT_CODES[action.statusCode];
  // MOVED_PERMANENTLY (301) is the enum's zero value: leave it out, as proto3 JSON does.
  if (code !== 'MOVED_PERMANENTLY') out['response_code'] = code;
  return out;
}

const REDIRECT_CODES: Record<RedirectActionIR['statusCode'], string> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

function buildPathRewrite(path: PathModifier): JsonObject {
  if (path.type === 'ReplacePrefixMatch') return buildPrefixReplacement(path.prefix, path.value);
  // ReplaceFullPath: replace the whole path (the query string is not part of it and is kept).
  // Anchored at both ends, so RE2's replace-all makes exactly one replacement.
  return { regex_rewrite: { pattern: { regex: '^/.*$' }, substitution: path.value } };
}

/**
 * Gateway API ReplacePrefixMatch: the matched prefix (a whole number of path segments) becomes
 * `value`, and what follows keeps its leading `/`. Envoy's prefix_rewrite replaces characters, so:
 * - prefix "/foo", value "/bar": prefix_rewrite "/bar" ("/foo" → "/bar", "/foo/x" → "/bar/x");
 * - prefix "/foo", value "/": prefix_rewrite "/" would make "/foo/x" → "//x", so strip the prefix and
 *   any slashes after it with a regex ("/foo" → "/", "/foo/x" → "/x");
 * - prefix "/" (matches everything), value "/bar": the matched "/" is the path's own leading slash,
 *   so it becomes "/bar/" ("/x" → "/bar/x", "/" → "/bar/");
 * - prefix "/", value "/": nothing changes.
 * Trailing slashes on either side are ignored, as Gateway API matches "/foo/" like "/foo".
 */
export function buildPrefixReplacement(prefix: string, value: string): JsonObject {
  const from = normalisePrefix(prefix);
  const to = normalisePrefix(value);
  if (from === '') return to === '' ? {} : { prefix_rewrite: `${to}/` };
  if (to === '') return { regex_rewrite: { pattern: { regex: `^${escapeRegex(from)}/*` }, substitution: '/' } };
  return { prefix_rewrite: to };
}

function buildHashPolicy(key: HashKeyIR): JsonObject {
  let out: JsonObject;
  switch (key.type) {
    case 'header':
      out = { header: { header_name: key.name } };
      break;
    case 'cookie': {
      const cookie: JsonObject = { name: key.name };
      // A TTL makes Envoy generate the cookie when the client has none; only when the IR asks.
      if (key.ttlSeconds !== undefined) cookie['ttl'] = duration(key.ttlSeconds);
      if (key.path !== undefined) cookie['path'] = key.path;
      out = { cookie };
      break;
    }
    case 'query-parameter':
      out = { query_parameter: { name: key.name } };
      break;
    case 'source-ip':
      out = { connection_properties: { source_ip: true } };
      break;
  }
  if (key.terminal) out['terminal'] = true;
  return out;
}
