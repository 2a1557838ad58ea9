// Conformance cases on how routes attach to their parents: from another namespace where the
// listener allows it (and not where it does not), to a listener named by sectionName (and not to one
// that does not exist, nor by a port no listener has), and to several Gateways at once, each serving it on its own.
import { expect } from 'vitest';
import type { ConformanceCase } from './cases.ts';
import { baseSetting, reached, WEB_NS } from './base-setting.ts';
import { GW, NS, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectObservedGeneration, expectRouteAccepted, listenersOf, routeCondition } from './status-checks.ts';

const toService = (name: string, path?: string) => ({ ...(path ? { matches: [{ path: { type: 'PathPrefix', value: path } }] } : {}), backendRefs: [{ name, port: 8080 }] });

/** As the suite's "no accepted parents": exactly one parent status, not accepted, at the route's generation. */
function expectNoAcceptedParent(s: Scenario, name: string, namespace: string): void {
  const body = s.status('HTTPRoute', name, namespace).status;
  if (body.type !== 'route') throw new Error('not a route status');
  expect(body.parents).toHaveLength(1);
  const [p] = body.parents;
  expect(p?.conditions.find((c) => c.type === 'Accepted')?.status).toBe('False');
  expectObservedGeneration(p?.conditions ?? [], 1);
}

/** As the suite's "zero routes": the Gateway's one listener has none attached. */
function expectNoRoutes(s: Scenario, gateway: string): void {
  expect(listenersOf(s, gateway)).toEqual([['http', 0]]);
}

function crossNamespace(): void {
  const s = new Scenario([...baseSetting(), route('HTTPRoute', 'cross-namespace', { parentRefs: [{ name: 'backend-namespaces', namespace: NS }], rules: [toService('web-backend')] }, WEB_NS)]);
  expectGatewayReady(s, 'backend-namespaces');
  expectRouteAccepted(s, 'HTTPRoute', 'cross-namespace', { gateway: 'backend-namespaces', routeNamespace: WEB_NS });
  expect(listenersOf(s, 'backend-namespaces')).toEqual([['http', 1]]);
  expect(reached(s.request({ path: '/' }, 'backend-namespaces'))).toBe('web-backend');
}

function crossNamespaceNotAllowed(): void {
  const s = new Scenario([...baseSetting(), route('HTTPRoute', 'invalid-cross-namespace-parent-ref', { parentRefs: [{ name: GW, namespace: NS }], rules: [toService('web-backend')] }, WEB_NS)]);
  const q = { gateway: GW, routeNamespace: WEB_NS };
  // Its references are fine; the listener only takes routes from its own namespace.
  expect(routeCondition(s, 'HTTPRoute', 'invalid-cross-namespace-parent-ref', q, 'ResolvedRefs')).toEqual({ status: 'True', reason: 'ResolvedRefs' });
  expect(routeCondition(s, 'HTTPRoute', 'invalid-cross-namespace-parent-ref', q, 'Accepted')).toEqual({ status: 'False', reason: 'NotAllowedByListeners' });
  expectNoAcceptedParent(s, 'invalid-cross-namespace-parent-ref', WEB_NS);
  expectNoRoutes(s, GW);
  expect(reached(s.request({ path: '/' }))).toBe(404);
}

function sectionNameNotMatching(): void {
  const s = new Scenario([route('HTTPRoute', 'listener-not-matching-section-name', { parentRefs: [{ name: GW, namespace: NS, port: 80, sectionName: 'http1' }], rules: [{ backendRefs: [{ name: 'infra-backend-v1', kind: 'Service', port: 8080 }] }] })]);
  expect(routeCondition(s, 'HTTPRoute', 'listener-not-matching-section-name', { gateway: GW, sectionName: 'http1' }, 'Accepted')).toEqual({ status: 'False', reason: 'NoMatchingParent' });
  expectNoAcceptedParent(s, 'listener-not-matching-section-name', NS);
  expectNoRoutes(s, GW);
  expect(reached(s.request({ path: '/' }))).toBe(404);
}

function portNotMatching(): void {
  // The Gateway's one listener is on port 80; the parentRef names port 82.
  const name = 'parent-port-not-matching';
  const s = new Scenario([route('HTTPRoute', name, { parentRefs: [{ name: GW, namespace: NS, port: 82 }], rules: [toService('infra-backend-v2')] })]);
  expect(routeCondition(s, 'HTTPRoute', name, { gateway: GW }, 'ResolvedRefs')).toEqual({ status: 'True', reason: 'ResolvedRefs' });
  expect(routeCondition(s, 'HTTPRoute', name, { gateway: GW }, 'Accepted')).toEqual({ status: 'False', reason: 'NoMatchingParent' });
  expectNoAcceptedParent(s, name, NS);
  expectNoRoutes(s, GW);
  expect(reached(s.request({ path: '/' }))).toBe(404);
}

function multipleGateways(): void {
  const s = new Scenario([
    ...baseSetting(),
    route('HTTPRoute', 'multiple-gateways-shared-route', { parentRefs: [{ name: GW }, { name: 'all-namespaces' }], rules: [toService('infra-backend-v1', '/shared')] }),
    route('HTTPRoute', 'same-namespace-dedicated-route', { parentRefs: [{ name: GW }], rules: [toService('infra-backend-v2', '/')] }),
    route('HTTPRoute', 'all-namespaces-dedicated-route', { parentRefs: [{ name: 'all-namespaces' }], rules: [toService('infra-backend-v3', '/')] }),
  ]);
  for (const [gw, dedicated, backend] of [
    [GW, 'same-namespace-dedicated-route', 'infra-backend-v2'],
    ['all-namespaces', 'all-namespaces-dedicated-route', 'infra-backend-v3'],
  ] as const) {
    expectGatewayReady(s, gw);
    expectRouteAccepted(s, 'HTTPRoute', 'multiple-gateways-shared-route', { gateway: gw });
    expectRouteAccepted(s, 'HTTPRoute', dedicated, { gateway: gw });
    expect(listenersOf(s, gw)).toEqual([['http', 2]]);
    expect([reached(s.request({ path: '/shared' }, gw)), reached(s.request({ path: '/' }, gw))], gw).toEqual(['infra-backend-v1', backend]);
  }
}

export const ATTACHMENT_CASES: ConformanceCase[] = [
  { test: 'HTTPRouteCrossNamespace', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: crossNamespace } },
  { test: 'HTTPRouteInvalidCrossNamespaceParentRef', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: crossNamespaceNotAllowed } },
  { test: 'HTTPRouteInvalidParentRefNotMatchingSectionName', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: sectionNameNotMatching } },
  { test: 'HTTPRouteInvalidParentRefNotMatchingListenerPort', features: ['Gateway', 'HTTPRoute', 'HTTPRouteDestinationPortMatching'], outcome: { type: 'checked', run: portNotMatching } },
  { test: 'HTTPRouteMultipleGateways', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: multipleGateways } },
];
