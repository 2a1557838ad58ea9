// Gateway API (and sticky-session policies) → IR + statuses. PURE: the same objects give the same
// result, byte for byte; no I/O, no clock, no logging. Problems with the input are returned as
// statuses naming the object and field, never thrown, and a bad object only affects itself.
//
// The recipe, one step per line; each step lives in its own file.
import type { IR } from '../ir/ir.ts';
import { refKey, type KubeObject, type ObjectRef } from '../k8s/kube-object.ts';
import { refOf } from '../k8s/kube-object.ts';
import { NAMESPACE_NAME_LABEL } from '../k8s/namespace.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../status/status.ts';
import type { CreateStickyResolver } from './sticky/sticky-resolver.ts';
import { createStickyResolver } from './sticky/create-sticky-resolver.ts';
import { indexObjects } from './object-index.ts';
import { translateGatewayClasses } from './gateway-classes.ts';
import { gatewayStatus, isServed, selectGateways } from './gateways.ts';
import { indexEndpoints } from './endpoints.ts';
import { indexReferenceGrants } from './reference-grants.ts';
import { ClusterCatalog } from './cluster-catalog.ts';
import { GatewayIRBuilder } from './gateway-ir-builder.ts';
import { prepareHTTPRules } from './http-routes.ts';
import { prepareGRPCRules } from './grpc-routes.ts';
import { translateRoute, type RouteContext, type RouteOutcome, type TranslatableRoute } from './routes.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import { inputProblemStatuses } from './input-problems.ts';
import type { CertificateBook } from '../k8s/certificate-facts.ts';

export interface TranslateResult {
  /**
   * Treat as immutable: equal parts are shared, not copied (a cluster used by two Gateways, a route
   * served under several hostnames, a session used by every route of a rule).
   */
  ir: IR;
  /** One per object Tether reports on, sorted by group, kind, namespace, name. */
  statuses: ObjectStatus[];
  /** Objects translation did not use, and why (a kind Tether does not read, another controller's Gateway...). */
  ignored: { ref: ObjectRef; reason: string }[];
}

export interface TranslateOptions {
  /** Sticky-session resolution; the real one by default (tests may pass their own). */
  stickyResolver?: CreateStickyResolver;
  /**
   * Verdicts on the certificates of kubernetes.io/tls Secrets, parsed where objects enter the
   * process (src/sources/certificates/). Without them every certificateRef is unresolved.
   */
  certificates?: CertificateBook;
  /** ISO 8601 time (`Date.toISOString()` form) to judge certificate expiry against; absent: not judged. */
  now?: string;
}

export function translate(objects: readonly KubeObject[], options: TranslateOptions = {}): TranslateResult {
  const index = indexObjects(objects);
  const resolver = (options.stickyResolver ?? createStickyResolver)(objects);
  const classes = translateGatewayClasses(index.gatewayClasses, index.fleetParameters);
  const grants = indexReferenceGrants(index.referenceGrants);
  const tlsInputs = { secretTypes: index.secretTypes, certificates: options.certificates ?? new Map(), grants, ...(options.now !== undefined ? { now: options.now } : {}) };
  const gateways = selectGateways(index.gateways, { ours: classes.ours, parameters: classes.parameters, fleetParameters: index.fleetParameters }, tlsInputs);
  const endpoints = indexEndpoints(index.services, index.endpointSlices);
  const builders = new Map([...gateways.ours.values()].filter(isServed).map((g) => [g.key, new GatewayIRBuilder(g)]));
  const ctx: RouteContext = {
    gateways,
    namespaceLabels: (ns) => index.namespaces.get(ns)?.labels ?? { [NAMESPACE_NAME_LABEL]: ns },
    resolver,
    catalog: new ClusterCatalog(endpoints),
    builders,
  };

  const statuses: ObjectStatus[] = [...classes.statuses];
  const ignored = [...classes.ignored, ...gateways.ignored];
  const record = (outcome: RouteOutcome) => {
    if (outcome.type === 'status') statuses.push(outcome.status);
    else ignored.push({ ref: outcome.ref, reason: outcome.reason });
  };
  const refs = { endpoints, grants };
  // Oldest route first, whatever the input order: where two rules compete for a name (a session
  // name, a sticky split's cluster name), the older one keeps it.
  const age = (r: TranslatableRoute) => `${r.meta.creationTimestamp}|${r.meta.namespace}/${r.meta.name}`;
  for (const route of sortBy(index.httpRoutes, age)) record(guarded(route, () => translateRoute(route, prepareHTTPRules(route, refs), ctx)));
  for (const route of sortBy(index.grpcRoutes, age)) record(guarded(route, () => translateRoute(route, prepareGRPCRules(route, refs), ctx)));
  for (const g of gateways.ours.values()) statuses.push(gatewayStatus(g));
  statuses.push(...inputProblemStatuses(index));
  const policyStatuses = resolver.statuses();
  statuses.push(...policyStatuses);
  ignored.push(...unreadObjects(index.other, policyStatuses));

  const ir: IR = { gateways: sortBy([...builders.values()].map((b) => b.build()), (g) => g.name) };
  return { ir, statuses: sortBy(statuses, (s) => refKey(s.ref)), ignored: sortBy(ignored, (i) => refKey(i.ref)) };
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

/** Objects no step read (the sticky resolver reports on the policy kinds it reads). */
function unreadObjects(other: readonly KubeObject[], policyStatuses: readonly ObjectStatus[]): { ref: ObjectRef; reason: string }[] {
  const reported = new Set(policyStatuses.map((s) => refKey(s.ref)));
  return other.flatMap((o) => {
    const ref = refOf(o);
    return reported.has(refKey(ref)) ? [] : [{ ref, reason: `kind ${o.kind} (${o.apiVersion}) is not read by Tether` }];
  });
}

/** Sorts by a string key computed once per element. */
function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.item);
}
