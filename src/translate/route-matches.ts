// Gateway API matches → IR matches, and the precedence order Envoy needs (it takes the first route
// that matches, so the list must be sorted the way Gateway API ranks matches).
import type { HTTPRouteMatch } from '../k8s/gateway-api/http-route.ts';
import type { HeaderMatch } from '../k8s/gateway-api/route-common.ts';
import type { HeaderMatchIR, PathMatchIR, RouteIR, RouteMatchIR } from '../ir/ir.ts';

export function translateHeaderMatches(headers: readonly HeaderMatch[]): HeaderMatchIR[] {
  return headers.map((h) => ({ name: h.name.toLowerCase(), type: h.type, value: h.value }));
}

/** A PathPrefix is segment-aware and ignores one trailing slash ("/foo/" acts as "/foo"). */
export function translatePath(path: HTTPRouteMatch['path']): PathMatchIR {
  if (path.type === 'PathPrefix' && path.value.length > 1 && path.value.endsWith('/')) return { type: 'PathPrefix', value: path.value.slice(0, -1) };
  return { type: path.type, value: path.value };
}

export function translateHTTPMatch(m: HTTPRouteMatch): RouteMatchIR {
  const out: RouteMatchIR = {
    path: translatePath(m.path),
    headers: translateHeaderMatches(m.headers),
    queryParams: m.queryParams.map((q) => ({ name: q.name, type: q.type, value: q.value })),
  };
  if (m.method !== undefined) out.method = m.method;
  return out;
}

/** A route with what precedence needs beyond the IR: the route object's creation time. */
export interface RankedRoute {
  route: RouteIR;
  /** RFC 3339 creationTimestamp of the HTTPRoute/GRPCRoute; "" when unknown. */
  created: string;
  /** GRPCRoute matches: characters of the exact service and method names matched (0 when absent or a regex). */
  grpcMethod?: GRPCMethodRank;
}

export interface GRPCMethodRank {
  service: number;
  method: number;
}

const PATH_RANK: Record<PathMatchIR['type'], number> = { Exact: 0, RegularExpression: 1, PathPrefix: 2 };

/**
 * Gateway API precedence (HTTPRouteRule docs): an Exact path, then the longest PathPrefix; then a
 * method match; then the most header matches; then the most query parameter matches; then the
 * oldest route; then `namespace/name` alphabetically; then rule order and match order within a
 * route. Where RegularExpression ranks is implementation-specific: we put it after Exact and before
 * every PathPrefix, the common choice (Envoy Gateway does the same), so a regex is never shadowed by
 * a catch-all prefix. Routes without a creation time (objects from files) rank after those with one.
 */
export function compareRoutePrecedence(a: RankedRoute, b: RankedRoute): number {
  const ma = a.route.match;
  const mb = b.route.match;
  // gRPC matches first: they also require content-type application/grpc, so they never take a
  // plain HTTP request from an HTTPRoute; among themselves GRPCRoute's own order applies
  // (characters of the exact service, then of the exact method), then the rest below.
  let d = (mb.grpc ? 1 : 0) - (ma.grpc ? 1 : 0);
  if (d !== 0) return d;
  if (a.grpcMethod && b.grpcMethod) {
    d = b.grpcMethod.service - a.grpcMethod.service || b.grpcMethod.method - a.grpcMethod.method;
    if (d !== 0) return d;
  }
  d = PATH_RANK[ma.path.type] - PATH_RANK[mb.path.type];
  if (d !== 0) return d;
  if (ma.path.type === 'PathPrefix') {
    d = mb.path.value.length - ma.path.value.length;
    if (d !== 0) return d;
  }
  d = (mb.method !== undefined ? 1 : 0) - (ma.method !== undefined ? 1 : 0);
  if (d !== 0) return d;
  d = mb.headers.length - ma.headers.length;
  if (d !== 0) return d;
  d = mb.queryParams.length - ma.queryParams.length;
  if (d !== 0) return d;
  if (a.created !== b.created) {
    if (a.created === '') return 1;
    if (b.created === '') return -1;
    return a.created < b.created ? -1 : 1;
  }
  const sa = a.route.source;
  const sb = b.route.source;
  const na = `${sa.namespace}/${sa.name}`;
  const nb = `${sb.namespace}/${sb.name}`;
  if (na !== nb) return na < nb ? -1 : 1;
  if (sa.kind !== sb.kind) return sa.kind < sb.kind ? -1 : 1;
  return sa.ruleIndex - sb.ruleIndex || sa.matchIndex - sb.matchIndex;
}

export function sortByPrecedence(routes: RankedRoute[]): RouteIR[] {
  return routes.sort(compareRoutePrecedence).map((r) => r.route);
}
