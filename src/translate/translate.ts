// Gateway API (and sticky-session policies) → IR + statuses. PURE: the same objects give the same
// result, byte for byte; no I/O, no clock, no logging. Problems with the input are returned as
// statuses naming the object and field, never thrown, and a bad object only affects itself.
//
// The recipe, one step per line; each step lives in its own file.
import type { IR } from '../ir/ir.ts';
import type { KubeObject, ObjectRef } from '../k8s/kube-object.ts';
import { objectKey } from '../k8s/kube-object.ts';
import { NAMESPACE_NAME_LABEL } from '../k8s/namespace.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { CreateStickyResolver } from './sticky/sticky-resolver.ts';
import { createStickyResolver } from './sticky/create-sticky-resolver.ts';
import { indexObjects } from './object-index.ts';
import { translateGatewayClasses } from './gateway-classes.ts';
import { gatewayStatus, isServed, selectGateways } from './gateways.ts';
import { indexEndpoints } from './endpoints.ts';
import { indexReferenceGrants } from './reference-grants.ts';
import { ClusterCatalog } from './clusters.ts';
import { GatewayIRBuilder } from './gateway-ir.ts';
import { prepareHTTPRules } from './http-routes.ts';
import { prepareGRPCRules } from './grpc-routes.ts';
import { translateRoute, type RouteContext } from './routes.ts';
import { inputProblemStatuses } from './input-problems.ts';

export interface TranslateResult {
  ir: IR;
  /** One per object Tether reports on, sorted by group, kind, namespace, name. */
  statuses: ObjectStatus[];
  /** Objects translation did not use, and why (a kind Tether does not read, another controller's Gateway...). */
  ignored: { ref: ObjectRef; reason: string }[];
}

export interface TranslateOptions {
  /** Sticky-session resolution; the real one by default (tests may pass their own). */
  stickyResolver?: CreateStickyResolver;
}

export function translate(objects: readonly KubeObject[], options: TranslateOptions = {}): TranslateResult {
  const index = indexObjects(objects);
  const resolver = (options.stickyResolver ?? createStickyResolver)(objects);
  const classes = translateGatewayClasses(index.gatewayClasses);
  const gateways = selectGateways(index.gateways, classes.ours);
  const endpoints = indexEndpoints(index.services, index.endpointSlices);
  const grants = indexReferenceGrants(index.referenceGrants);
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
  for (const route of index.httpRoutes) {
    const outcome = translateRoute(route, prepareHTTPRules(route, { endpoints, grants }), ctx);
    if (outcome.type === 'status') statuses.push(outcome.status);
    else ignored.push({ ref: outcome.ref, reason: outcome.reason });
  }
  for (const route of index.grpcRoutes) {
    const outcome = translateRoute(route, prepareGRPCRules(route, { endpoints, grants }), ctx);
    if (outcome.type === 'status') statuses.push(outcome.status);
    else ignored.push({ ref: outcome.ref, reason: outcome.reason });
  }
  for (const g of gateways.ours.values()) statuses.push(gatewayStatus(g));
  statuses.push(...inputProblemStatuses(index));

  const policyStatuses = resolver.statuses();
  statuses.push(...policyStatuses);
  const reported = new Set(policyStatuses.map((s) => refKey(s.ref)));
  for (const o of index.other) {
    const ref = { group: o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '', kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}) };
    if (!reported.has(refKey(ref))) ignored.push({ ref, reason: `kind ${o.kind} (${o.apiVersion}) is not read by Tether` });
  }

  const ir: IR = { gateways: [...builders.values()].map((b) => b.build()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  statuses.sort((a, b) => compareKeys(refKey(a.ref), refKey(b.ref)));
  ignored.sort((a, b) => compareKeys(refKey(a.ref), refKey(b.ref)));
  return { ir, statuses, ignored };
}

function refKey(ref: ObjectRef): string {
  return objectKey({ apiVersion: ref.group === '' ? 'v1' : `${ref.group}/v1`, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) } });
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
