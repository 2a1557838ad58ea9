// IR match → Envoy RouteMatch. Gateway API's PathPrefix is segment-aware ("/foo" matches "/foo" and
// "/foo/bar", never "/foobar"), which is exactly Envoy's `path_separated_prefix`; "/" stays a plain
// prefix (it matches everything). Every path matcher compares the path without its query string.
import type { HeaderMatchIR, PathMatchIR, QueryParamMatchIR, RouteMatchIR } from '../ir/ir.ts';
import type { JsonObject } from './envoy-json.ts';

export interface RouteMatchOptions {
  /** gRPC clients know only prefix, path and safe_regex: a segment-aware prefix becomes a regex. */
  grpcClient?: boolean;
}

export function buildRouteMatch(match: RouteMatchIR, opts: RouteMatchOptions = {}): JsonObject {
  const out: JsonObject = { ...buildPathMatch(match.path, opts) };
  const headers: JsonObject[] = [];
  // Envoy matches the method as the `:method` pseudo-header.
  if (match.method) headers.push({ name: ':method', string_match: { exact: match.method } });
  headers.push(...match.headers.map(buildHeaderMatch));
  if (headers.length > 0) out['headers'] = headers;
  if (match.queryParams.length > 0) out['query_parameters'] = match.queryParams.map(buildQueryParamMatch);
  if (match.grpc) out['grpc'] = {};
  return out;
}

function buildPathMatch(path: PathMatchIR, opts: RouteMatchOptions): JsonObject {
  switch (path.type) {
    case 'Exact':
      return { path: path.value };
    case 'RegularExpression':
      return { safe_regex: { regex: path.value } };
    case 'PathPrefix':
      return buildPrefixMatch(path.value, opts);
  }
}

/** Gateway API ignores a trailing `/` on a prefix ("/foo/" matches "/foo"), so strip it. */
export function normalisePrefix(prefix: string): string {
  return prefix.replace(/\/+$/, '');
}

function buildPrefixMatch(value: string, opts: RouteMatchOptions): JsonObject {
  const prefix = normalisePrefix(value);
  if (prefix === '') return { prefix: '/' };
  // Envoy rejects `?` and `#` in path_separated_prefix; such a path can never match a request path
  // anyway, but say the same thing with a regex rather than have Envoy NACK the route config.
  // safe_regex is a full match on both Envoy and gRPC.
  if (opts.grpcClient || /[?#]/.test(prefix) || !prefix.startsWith('/')) {
    return { safe_regex: { regex: `${escapeRegex(prefix)}(/.*)?` } };
  }
  return { path_separated_prefix: prefix };
}

function buildHeaderMatch(header: HeaderMatchIR): JsonObject {
  return { name: header.name, string_match: buildStringMatch(header.type, header.value) };
}

function buildQueryParamMatch(param: QueryParamMatchIR): JsonObject {
  return { name: param.name, string_match: buildStringMatch(param.type, param.value) };
}

function buildStringMatch(type: 'Exact' | 'RegularExpression', value: string): JsonObject {
  return type === 'Exact' ? { exact: value } : { safe_regex: { regex: value } };
}

/** Escapes RE2 metacharacters so the text matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
