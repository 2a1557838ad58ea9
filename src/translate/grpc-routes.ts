// GRPCRoute rules → prepared rules. A gRPC method is an HTTP/2 POST to `/<service>/<method>`, so
// method matches become path matches, every match requires gRPC (content-type application/grpc),
// and backends are HTTP/2 clusters. Between two GRPCRoute matches precedence is GRPCRoute's own
// (characters of the exact service, then of the exact method, then header matches); against
// HTTPRoute matches the path order applies.
import type { GRPCMethodMatch, GRPCRoute, GRPCRouteRule } from '../k8s/gateway-api/grpc-route.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import type { PathMatchIR, RouteMatchIR } from '../ir/ir.ts';
import { addMirror, resolveBackends, type BackendContext } from './backends.ts';
import { headerMutation } from './header-mutation.ts';
import { translateHeaderMatches } from './route-matches.ts';
import type { PreparedRule } from './route-rules.ts';

export function prepareGRPCRules(route: GRPCRoute, ctx: Omit<BackendContext, 'routeKind' | 'routeNamespace'>): PreparedRule[] {
  const backendCtx: BackendContext = { ...ctx, routeKind: 'GRPCRoute', routeNamespace: route.meta.namespace };
  return route.rules.map((rule) => prepareGRPCRule(rule, backendCtx));
}

function prepareGRPCRule(rule: GRPCRouteRule, ctx: BackendContext): PreparedRule {
  const prepared: PreparedRule = {
    index: rule.index,
    field: rule.field,
    matches: rule.matches.map((m): RouteMatchIR => ({ path: grpcPath(m.method), headers: translateHeaderMatches(m.headers), queryParams: [], grpc: true })),
    backends: resolveBackends(rule.backendRefs, ctx),
    mirrors: [],
    grpcMethods: rule.matches.map((m) => ({
      service: m.method?.type === 'Exact' ? (m.method.service?.length ?? 0) : 0,
      method: m.method?.type === 'Exact' ? (m.method.method?.length ?? 0) : 0,
    })),
    http2: true,
    // GRPCRoute has no timeouts field; without this Envoy's default 15 s route timeout would cut
    // every streaming RPC that lives longer, so the route timeout is disabled (0).
    timeoutSeconds: 0,
    problems: rule.problems.map(formatProblem),
    notes: rule.ignored.map(formatProblem),
  };
  if (rule.name !== undefined) prepared.name = rule.name;
  if (rule.sessionPersistence !== undefined) prepared.sessionPersistence = rule.sessionPersistence;
  for (const f of rule.filters) {
    if (f.type === 'RequestHeaderModifier') prepared.requestHeaders = headerMutation(f.modifier);
    else if (f.type === 'ResponseHeaderModifier') prepared.responseHeaders = headerMutation(f.modifier);
    else addMirror(prepared, f.mirror, ctx);
  }
  return prepared;
}

/** The HTTP/2 path match for a gRPC method match. */
export function grpcPath(m: GRPCMethodMatch | undefined): PathMatchIR {
  if (!m || (m.service === undefined && m.method === undefined)) return { type: 'PathPrefix', value: '/' };
  if (m.type === 'Exact') {
    if (m.service !== undefined && m.method !== undefined) return { type: 'Exact', value: `/${m.service}/${m.method}` };
    if (m.service !== undefined) return { type: 'PathPrefix', value: `/${m.service}` };
    return { type: 'RegularExpression', value: `/[^/]+/${m.method}` };
  }
  const service = m.service !== undefined ? `(?:${m.service})` : '[^/]+';
  const method = m.method !== undefined ? `(?:${m.method})` : '[^/]+';
  return { type: 'RegularExpression', value: `/${service}/${method}` };
}
