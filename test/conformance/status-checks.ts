// The status checks the conformance tests wait for, read from Tether's translation: a Gateway
// accepted and programmed with every listener ready, a route accepted by a parent (by listener when
// the parentRef names one), listeners' attachedRoutes and supportedKinds, and observedGeneration
// following metadata.generation on every condition.
import { expect } from 'vitest';
import type { Condition, ListenerStatus, ParentRef } from '../../src/status/status.ts';
import { condition, NS, type Scenario } from './scenario.ts';

type RouteKind = 'HTTPRoute' | 'GRPCRoute';

export function gatewayBody(s: Scenario, name: string): { conditions: Condition[]; listeners: ListenerStatus[] } {
  const body = s.status('Gateway', name).status;
  if (body.type !== 'gateway') throw new Error(`Gateway ${name}: not a Gateway status`);
  return body;
}

/** Every condition was written for `generation`. */
export function expectObservedGeneration(conditions: readonly Condition[], generation: number): void {
  expect(conditions.length).toBeGreaterThan(0);
  expect(conditions.map((c) => [c.type, c.observedGeneration])).toEqual(conditions.map((c) => [c.type, generation]));
}

/** Accepted and Programmed at `generation`, and every listener Accepted, ResolvedRefs and Programmed. */
export function expectGatewayReady(s: Scenario, name: string, generation = 1): void {
  const body = gatewayBody(s, name);
  expectObservedGeneration(body.conditions, generation);
  expect(condition(body.conditions, 'Accepted')?.status, `Gateway ${name} Accepted`).toBe('True');
  expect(condition(body.conditions, 'Programmed')?.status, `Gateway ${name} Programmed`).toBe('True');
  for (const l of body.listeners) {
    for (const type of ['Accepted', 'ResolvedRefs', 'Programmed']) expect(condition(l.conditions, type)?.status, `listener ${l.name} ${type}`).toBe('True');
  }
}

export const HTTP_ROUTE_KIND = 'gateway.networking.k8s.io/HTTPRoute';

/**
 * [name, attachedRoutes] per listener, in status order, after checking that every listener lists
 * `kind` among its supportedKinds (the suite checks the kinds it expects are there; more may be).
 */
export function listenersOf(s: Scenario, gateway: string, kind = HTTP_ROUTE_KIND): [string, number][] {
  const listeners = gatewayBody(s, gateway).listeners;
  for (const l of listeners) expect(l.supportedKinds.map((k) => `${k.group}/${k.kind}`), `listener ${l.name} supportedKinds`).toContain(kind);
  return listeners.map((l) => [l.name, l.attachedRoutes]);
}

export interface ParentQuery {
  gateway: string;
  sectionName?: string;
  /** The route's namespace, when not the Gateways'. */
  routeNamespace?: string;
}

/** The route's status for one parentRef (by Gateway name and, when given, sectionName). */
export function parentStatus(s: Scenario, kind: RouteKind, name: string, q: ParentQuery): { parentRef: ParentRef; controllerName: string; conditions: Condition[] } {
  const body = s.status(kind, name, q.routeNamespace ?? NS).status;
  if (body.type !== 'route') throw new Error(`${kind} ${name}: not a route status`);
  const found = body.parents.filter((p) => p.parentRef.name === q.gateway && (q.sectionName === undefined || p.parentRef.sectionName === q.sectionName));
  if (found.length !== 1) throw new Error(`${kind} ${name}: ${found.length} parent statuses for ${q.gateway}/${q.sectionName ?? '*'}`);
  const [p] = found;
  if (!p) throw new Error('unreachable');
  return p;
}

/**
 * As the suite's "routes must be accepted": Accepted=True (reason Accepted) from Tether's
 * controller, written at the route's generation, and, unless `resolvedRefs` is false (the test then
 * checks ResolvedRefs itself), ResolvedRefs=True. A route in another namespace than the Gateway
 * must name the Gateway's namespace in the written parentRef.
 */
export function expectRouteAccepted(s: Scenario, kind: RouteKind, name: string, q: ParentQuery, opts: { generation?: number; resolvedRefs?: boolean } = {}): void {
  const p = parentStatus(s, kind, name, q);
  expect(p.controllerName).toBe('tether.dev/gateway-controller');
  if (q.routeNamespace !== undefined && q.routeNamespace !== NS) expect(p.parentRef.namespace).toBe(NS);
  expect(condition(p.conditions, 'Accepted'), `${kind} ${name} Accepted by ${q.gateway}/${q.sectionName ?? '*'}`).toEqual({ status: 'True', reason: 'Accepted' });
  if (opts.resolvedRefs !== false) expect(condition(p.conditions, 'ResolvedRefs'), `${kind} ${name} ResolvedRefs`).toEqual({ status: 'True', reason: 'ResolvedRefs' });
  expectObservedGeneration(p.conditions, opts.generation ?? 1);
}

/** One parent's condition of `type`, as { status, reason }. */
export function routeCondition(s: Scenario, kind: RouteKind, name: string, q: ParentQuery, type: string): { status: string; reason: string } | undefined {
  return condition(parentStatus(s, kind, name, q).conditions, type);
}
