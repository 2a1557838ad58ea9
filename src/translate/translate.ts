// Gateway API (and sticky-session policies) → IR + statuses. PURE: the same objects give the same
// result, byte for byte; no I/O, no clock, no logging. Problems with the input are returned as
// statuses naming the object and field, never thrown, and a bad object only affects itself.
//
// The recipe, one step per line; each step lives in its own file.
import type { IR } from '../ir/ir.ts';
import { refKey, type KubeObject, type ObjectRef } from '../k8s/kube-object.ts';
import { refOf } from '../k8s/kube-object.ts';
import { NAMESPACE_NAME_LABEL } from '../k8s/namespace.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { CreateStickyResolver } from './sticky/sticky-resolver.ts';
import { createStickyResolver } from './sticky/create-sticky-resolver.ts';
import { indexObjects } from './object-index.ts';
import { translateGatewayClasses } from './gateway-classes.ts';
import { gatewayStatus, isServed, selectGateways } from './gateways.ts';
import { indexEndpoints } from './endpoints.ts';
import { indexReferenceGrants } from './reference-grants.ts';
import { ClusterCatalog } from './cluster-catalog.ts';
import { GatewayIRBuilder } from './gateway-ir-builder.ts';
import type { RouteContext, RouteOutcome } from './routes.ts';
import { inputProblemStatuses } from './input-problems.ts';
import type { CaBundleBook } from '../k8s/ca-bundle-facts.ts';
import type { CertificateBook } from '../k8s/certificate-facts.ts';
import { RouteFastPath, RouteRecorder } from './route-fast-path.ts';
import { routesInOrder, sortBy, translateOneRoute } from './translate-route.ts';

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
  /** With `routeFastPath`: what re-translates a route edit from here (route-fast-path.ts). */
  routes?: RouteFastPath;
}

export interface TranslateOptions {
  /** Sticky-session resolution; the real one by default (tests may pass their own). */
  stickyResolver?: CreateStickyResolver;
  /**
   * Verdicts on the certificates of kubernetes.io/tls Secrets, parsed where objects enter the
   * process (src/sources/certificates/). Without them every certificateRef is unresolved.
   */
  certificates?: CertificateBook;
  /**
   * Verdicts on ConfigMaps' CA bundles (client certificate validation), parsed where objects enter
   * the process (src/sources/certificates/). Without them every caCertificateRef is unresolved.
   */
  caBundles?: CaBundleBook;
  /** ISO 8601 time (`Date.toISOString()` form) to judge certificate expiry against; absent: not judged. */
  now?: string;
  /**
   * Record what the route fast path needs and return it as `routes`; `options` gives the options
   * of each later translation it makes (the certificate verdicts and time then).
   */
  routeFastPath?: { options: () => TranslateOptions };
}

export function translate(objects: readonly KubeObject[], options: TranslateOptions = {}): TranslateResult {
  const index = indexObjects(objects);
  const created = (options.stickyResolver ?? createStickyResolver)(objects);
  const recorder = options.routeFastPath && !options.stickyResolver ? new RouteRecorder() : undefined;
  const resolver = recorder ? recorder.resolver(created) : created;
  const classes = translateGatewayClasses(index.gatewayClasses, index.fleetParameters);
  const grants = indexReferenceGrants(index.referenceGrants);
  const tlsInputs = { secretTypes: index.secretTypes, certificates: options.certificates ?? new Map(), caBundles: options.caBundles ?? new Map(), grants, ...(options.now !== undefined ? { now: options.now } : {}) };
  const classInputs = { ours: classes.ours, parameters: classes.parameters, fleetParameters: index.fleetParameters };
  const gateways = selectGateways(index.gateways, classInputs, tlsInputs);
  const endpoints = indexEndpoints(index.services, index.endpointSlices);
  const builders = new Map([...gateways.ours.values()].filter(isServed).map((g) => [g.key, new GatewayIRBuilder(g)]));
  const ctx: RouteContext = {
    gateways,
    namespaceLabels: (ns) => index.namespaces.get(ns)?.labels ?? { [NAMESPACE_NAME_LABEL]: ns },
    resolver,
    catalog: new ClusterCatalog(endpoints),
    builders: recorder ? recorder.sinks(gateways, builders) : builders,
  };

  const statuses: ObjectStatus[] = [...classes.statuses];
  const ignored = [...classes.ignored, ...gateways.ignored];
  const record = (outcome: RouteOutcome) => {
    if (outcome.type === 'status') statuses.push(outcome.status);
    else ignored.push({ ref: outcome.ref, reason: outcome.reason });
  };
  const refs = { endpoints, grants };
  for (const route of routesInOrder(index.httpRoutes, index.grpcRoutes)) {
    recorder?.begin(route, gateways);
    const outcome = translateOneRoute(route, refs, ctx);
    recorder?.end(outcome);
    record(outcome);
  }
  for (const g of gateways.ours.values()) statuses.push(gatewayStatus(g));
  statuses.push(...inputProblemStatuses(index));
  const policyStatuses = resolver.statuses();
  statuses.push(...policyStatuses);
  ignored.push(...unreadObjects(index.other, policyStatuses));

  const ir: IR = { gateways: sortBy([...builders.values()].map((b) => b.build()), (g) => g.name) };
  const result: TranslateResult = { ir, statuses: sortBy(statuses, (s) => refKey(s.ref)), ignored: sortBy(ignored, (i) => refKey(i.ref)) };
  if (recorder && options.routeFastPath && index.other.length === 0 && policyStatuses.length === 0) {
    result.routes = new RouteFastPath({ recorder, index, classes: classInputs, grants, gateways, statuses: result.statuses, options: options.routeFastPath.options });
  }
  return result;
}

/** Objects no step read (the sticky resolver reports on the policy kinds it reads). */
function unreadObjects(other: readonly KubeObject[], policyStatuses: readonly ObjectStatus[]): { ref: ObjectRef; reason: string }[] {
  const reported = new Set(policyStatuses.map((s) => refKey(s.ref)));
  return other.flatMap((o) => {
    const ref = refOf(o);
    return reported.has(refKey(ref)) ? [] : [{ ref, reason: `kind ${o.kind} (${o.apiVersion}) is not read by Tether` }];
  });
}
