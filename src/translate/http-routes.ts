// HTTPRoute rules → prepared rules: matches, filters (header modifiers, redirect, URL rewrite),
// timeouts and resolved backends. Everything here is independent of the Gateway the route attaches
// to; routes.ts does the rest.
import type { HTTPRoute, HTTPRouteRule } from '../k8s/gateway-api/http-route.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import { headerMutation } from './header-mutation.ts';
import { addMirror, resolveBackends, type BackendContext } from './backends.ts';
import { translateHTTPMatch } from './route-matches.ts';
import type { PreparedRule } from './route-rules.ts';

export function prepareHTTPRules(route: HTTPRoute, ctx: Omit<BackendContext, 'routeKind' | 'routeNamespace'>): PreparedRule[] {
  const backendCtx: BackendContext = { ...ctx, routeKind: 'HTTPRoute', routeNamespace: route.meta.namespace };
  return route.rules.map((rule) => prepareHTTPRule(rule, backendCtx));
}

function prepareHTTPRule(rule: HTTPRouteRule, ctx: BackendContext): PreparedRule {
  const prepared: PreparedRule = {
    index: rule.index,
    field: rule.field,
    matches: rule.matches.map(translateHTTPMatch),
    backends: resolveBackends(rule.backendRefs, ctx),
    mirrors: [],
    http2: false,
    problems: rule.problems.map(formatProblem),
    notes: rule.ignored.map(formatProblem),
  };
  if (rule.name !== undefined) prepared.name = rule.name;
  if (rule.sessionPersistence !== undefined) prepared.sessionPersistence = rule.sessionPersistence;
  for (const f of rule.filters) {
    switch (f.type) {
      case 'RequestHeaderModifier':
        prepared.requestHeaders = headerMutation(f.modifier);
        break;
      case 'ResponseHeaderModifier':
        prepared.responseHeaders = headerMutation(f.modifier);
        break;
      case 'RequestRedirect':
        prepared.redirect = f.redirect;
        break;
      case 'URLRewrite':
        prepared.rewrite = f.rewrite;
        break;
      case 'RequestMirror':
        addMirror(prepared, f.mirror, ctx);
        break;
      case 'CORS':
        prepared.cors = f.cors;
        break;
    }
  }
  if (rule.retry) prepared.retry = rule.retry;
  if (rule.timeouts?.request !== undefined) prepared.timeoutSeconds = rule.timeouts.request;
  if (rule.timeouts?.backendRequest !== undefined) prepared.perTryTimeoutSeconds = rule.timeouts.backendRequest;
  return prepared;
}
