// Conformance cases on backends in other namespaces: a ReferenceGrant in the backend's namespace
// permits them; without one that covers the reference (or once it is deleted) the route stays
// attached, says ResolvedRefs=False RefNotPermitted, and requests to that backend get a 500 while
// its other backends keep serving.
import { expect } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import type { ConformanceCase } from './cases.ts';
import { APP_NS, baseSetting, reached, WEB_NS } from './base-setting.ts';
import { GW, NS, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectRouteAccepted, routeCondition } from './status-checks.ts';

const GRANT_API = 'gateway.networking.k8s.io/v1';

interface GrantSide {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** A ReferenceGrant in `namespace`; `from` defaults to HTTPRoutes of the infra namespace, `to` to the web-backend Service. */
function grant(name: string, namespace: string, from: GrantSide = {}, to: GrantSide = {}): KubeObject {
  return {
    apiVersion: GRANT_API,
    kind: 'ReferenceGrant',
    metadata: { name, namespace },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: NS, ...from }],
      to: [{ group: '', kind: 'Service', name: 'web-backend', ...to }],
    },
  };
}

const toWebBackend = () => route('HTTPRoute', 'reference-grant', { parentRefs: [{ name: GW }], rules: [{ backendRefs: [{ name: 'web-backend', namespace: WEB_NS, port: 8080 }] }] });

/** The route attached to `same-namespace`, its reference refused, and `GET /` answered 500. */
function expectRefused(s: Scenario, name: string, path = '/'): void {
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'HTTPRoute', name, { gateway: GW }, { resolvedRefs: false });
  expect(routeCondition(s, 'HTTPRoute', name, { gateway: GW }, 'ResolvedRefs')).toEqual({ status: 'False', reason: 'RefNotPermitted' });
  expect(reached(s.request({ path, method: 'GET' }))).toBe(500);
}

function noGrant(): void {
  const s = new Scenario([...baseSetting(), route('HTTPRoute', 'invalid-cross-namespace-backend-ref', { parentRefs: [{ name: GW }], rules: [{ backendRefs: [{ name: 'web-backend', namespace: WEB_NS, port: 8080 }] }] })]);
  expectRefused(s, 'invalid-cross-namespace-backend-ref');
}

function grantsThatDoNotCover(): void {
  const s = new Scenario([
    ...baseSetting(),
    // Each grant misses in one respect: where it lives, who it lets refer, or what it lets them refer to.
    grant('wrong-namespace', NS),
    grant('wrong-from-group', WEB_NS, { group: 'not-the-group.example.com' }),
    grant('wrong-from-kind', WEB_NS, { kind: 'Gateway' }),
    grant('wrong-from-namespace', WEB_NS, { namespace: 'some-other-namespace' }),
    grant('wrong-to-group', WEB_NS, {}, { group: 'not-the-group.example.com' }),
    grant('wrong-to-kind', WEB_NS, {}, { kind: 'Secret' }),
    grant('wrong-to-name', WEB_NS, {}, { name: 'not-the-web-backend' }),
    toWebBackend(),
  ]);
  expectRefused(s, 'reference-grant');
}

function partlyCovered(): void {
  const s = new Scenario([
    ...baseSetting(),
    grant('app-backend-v1-only', APP_NS, {}, { name: 'app-backend-v1' }),
    route('HTTPRoute', 'invalid-reference-grant', {
      parentRefs: [{ name: GW }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/v2' } }], backendRefs: [{ name: 'app-backend-v2', namespace: APP_NS, port: 8080 }] },
        { backendRefs: [{ name: 'app-backend-v1', namespace: APP_NS, port: 8080 }] },
      ],
    }),
  ]);
  expectRefused(s, 'invalid-reference-grant', '/v2');
  expect(reached(s.request({ path: '/' }))).toBe('app-backend-v1');
}

function granted(): void {
  const permit = grant('reference-grant', WEB_NS);
  const s = new Scenario([...baseSetting(), permit, toWebBackend()]);
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'HTTPRoute', 'reference-grant', { gateway: GW });
  const res = s.request({ path: '/', method: 'GET' });
  expect(reached(res)).toBe('web-backend');
  // The grant deleted: the same route, now refused.
  const after = new Scenario([...baseSetting(), toWebBackend()]);
  expectRefused(after, 'reference-grant');
}

export const REFERENCE_GRANT_CASES: ConformanceCase[] = [
  { test: 'HTTPRouteInvalidCrossNamespaceBackendRef', features: ['Gateway', 'HTTPRoute', 'ReferenceGrant'], outcome: { type: 'checked', run: noGrant } },
  { test: 'HTTPRouteInvalidReferenceGrant', features: ['Gateway', 'HTTPRoute', 'ReferenceGrant'], outcome: { type: 'checked', run: grantsThatDoNotCover } },
  { test: 'HTTPRoutePartiallyInvalidViaInvalidReferenceGrant', features: ['Gateway', 'HTTPRoute', 'ReferenceGrant'], outcome: { type: 'checked', run: partlyCovered } },
  { test: 'HTTPRouteReferenceGrant', features: ['Gateway', 'HTTPRoute', 'ReferenceGrant'], outcome: { type: 'checked', run: granted } },
];
