// One route through translation, shared by the full translation (translate.ts) and the route fast
// path (route-fast-path.ts): the order routes are translated in, and a bug in one route kept to its
// own status.
import type { HTTPRoute } from '../k8s/gateway-api/http-route.ts';
import type { GRPCRoute } from '../k8s/gateway-api/grpc-route.ts';
import { CONTROLLER_NAME } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import type { EndpointIndex } from './endpoints.ts';
import type { ReferenceGrantIndex } from './reference-grants.ts';
import { prepareHTTPRules } from './http-routes.ts';
import { prepareGRPCRules } from './grpc-routes.ts';
import { translateRoute, type RouteContext, type RouteOutcome, type TranslatableRoute } from './routes.ts';

/**
 * Routes in the order they are translated: HTTPRoutes then GRPCRoutes, oldest first whatever the
 * input order, so where two rules compete for a name (a session name, a sticky split's cluster
 * name), the older one keeps it.
 */
export function routesInOrder(httpRoutes: readonly HTTPRoute[], grpcRoutes: readonly GRPCRoute[]): (HTTPRoute | GRPCRoute)[] {
  const age = (r: TranslatableRoute) => `${r.meta.creationTimestamp}|${r.meta.namespace}/${r.meta.name}`;
  return [...sortBy(httpRoutes, age), ...sortBy(grpcRoutes, age)];
}

/** One route, its rules prepared against `refs`; a bug becomes the route's status. */
export function translateOneRoute(route: HTTPRoute | GRPCRoute, refs: { endpoints: EndpointIndex; grants: ReferenceGrantIndex }, ctx: RouteContext): RouteOutcome {
  return guarded(route, () => translateRoute(route, route.kind === 'HTTPRoute' ? prepareHTTPRules(route, refs) : prepareGRPCRules(route, refs), ctx));
}

/**
 * A bug met while translating one route (here or in a resolver) must not take the other routes
 * down with it: the route says so in its status, and translation carries on.
 */
function guarded(route: TranslatableRoute, run: () => RouteOutcome): RouteOutcome {
  try {
    return run();
  } catch (error) {
    const gen = route.meta.generation;
    const message = `Internal error while translating this route; other routes are not affected: ${error instanceof Error ? error.message : String(error)}`;
    const c = condition(ConditionType.Accepted, 'Unknown', Reason.Pending, message, gen);
    const parents = route.parentRefs.map((p) => ({ parentRef: p.written, controllerName: CONTROLLER_NAME, conditions: [c] }));
    return { type: 'status', status: { ref: route.meta.ref, ...(gen !== undefined ? { generation: gen } : {}), writable: true, status: { type: 'route', parents } } };
  }
}

/** Sorts by a string key computed once per element. */
export function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.item);
}
