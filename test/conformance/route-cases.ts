// Conformance cases on routing within and across HTTPRoutes: matches of two routes merged by
// precedence, path match order (exact before prefix, longer prefix first), rules without backends
// (500), and backends that are Services of other kinds (headless, endpoints written by hand).
import { expect } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import type { ConformanceCase } from './cases.ts';
import { reached } from './base-setting.ts';
import { BACKENDS, GW, NS, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectRouteAccepted } from './status-checks.ts';

const exact = (value: string) => ({ path: { type: 'Exact', value } });
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });
const to = (name: string) => ({ backendRefs: [{ name, port: 8080 }] });

function matchingAcrossRoutes(): void {
  const s = new Scenario([
    route('HTTPRoute', 'matching-part1', { parentRefs: [{ name: GW }], hostnames: ['example.com', 'example.net'], rules: [{ matches: [prefix('/'), { headers: [{ name: 'version', value: 'one' }] }], ...to('infra-backend-v1') }] }),
    route('HTTPRoute', 'matching-part2', { parentRefs: [{ name: GW }], hostnames: ['example.com'], rules: [{ matches: [prefix('/v2'), { headers: [{ name: 'version', value: 'two' }] }], ...to('infra-backend-v2') }] }),
  ]);
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'HTTPRoute', 'matching-part1', { gateway: GW });
  expectRouteAccepted(s, 'HTTPRoute', 'matching-part2', { gateway: GW });
  const b = (host: string, path: string, headers: Record<string, string> = {}) => reached(s.request({ host, path, headers }));
  expect([b('example.com', '/'), b('example.com', '/example'), b('example.net', '/example'), b('example.com', '/example', { Version: 'one' })]).toEqual(['infra-backend-v1', 'infra-backend-v1', 'infra-backend-v1', 'infra-backend-v1']);
  // The longer prefix of the second route wins on example.com only; its header match too.
  expect([b('example.com', '/v2'), b('example.net', '/v2'), b('example.com', '/v2/example'), b('example.com', '/', { Version: 'two' })]).toEqual(['infra-backend-v2', 'infra-backend-v1', 'infra-backend-v2', 'infra-backend-v2']);
}

function pathMatchOrder(): void {
  const s = new Scenario([
    route('HTTPRoute', 'path-matching-order', {
      parentRefs: [{ name: GW }],
      rules: [
        { matches: [exact('/match')], ...to('infra-backend-v1') },
        { matches: [exact('/match/exact')], ...to('infra-backend-v2') },
        { matches: [exact('/match/exact/one')], ...to('infra-backend-v3') },
        { matches: [prefix('/match/')], ...to('infra-backend-v3') },
        { matches: [prefix('/match/prefix/')], ...to('infra-backend-v1') },
        { matches: [prefix('/match/prefix/one')], ...to('infra-backend-v2') },
      ],
    }),
  ]);
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'HTTPRoute', 'path-matching-order', { gateway: GW });
  const b = (path: string) => reached(s.request({ path }));
  expect(['/match/exact/one', '/match/exact', '/match', '/match/prefix/one/any', '/match/prefix/any', '/match/any'].map(b)).toEqual([
    'infra-backend-v3',
    'infra-backend-v2',
    'infra-backend-v1',
    'infra-backend-v2',
    'infra-backend-v1',
    'infra-backend-v3',
  ]);
}

function noBackendRefs(): void {
  const s = new Scenario([
    route('HTTPRoute', 'omitted-backendrefs', {
      parentRefs: [{ name: GW }],
      rules: [{ matches: [exact('/omitted-no-forward')] }, { matches: [exact('/empty-no-forward')], backendRefs: [] }, { matches: [prefix('/')], ...to('infra-backend-v1') }],
    }),
  ]);
  expectGatewayReady(s, GW);
  // Rules without backends are valid: nothing to resolve, and Envoy answers them itself with a 500.
  expectRouteAccepted(s, 'HTTPRoute', 'omitted-backendrefs', { gateway: GW });
  expect(['/forward', '/omitted-no-forward', '/empty-no-forward'].map((path) => reached(s.request({ path })))).toEqual(['infra-backend-v1', 500, 500]);
}

/** A Service named `name` without selector or with `clusterIP: None`, and EndpointSlices of its own. */
function serviceWithSlices(name: string, spec: object, slices: { suffix: string; addressType: 'IPv4' | 'IPv6'; addresses: string[] }[]): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { ...spec, ports: [{ name: 'first-port', protocol: 'TCP', port: 8080, targetPort: 3000 }] } },
    ...slices.map(
      (sl): KubeObject => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-${sl.suffix}`, namespace: NS, labels: { 'kubernetes.io/service-name': name } },
        addressType: sl.addressType,
        ports: [{ name: 'first-port', port: 3000, protocol: 'TCP' }],
        endpoints: sl.addresses.map((a) => ({ addresses: [a], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: NS, name: 'infra-backend-v1-pod' } })),
      }),
    ),
  ];
}

function serviceTypes(): void {
  // The pod behind infra-backend-v1; IPv4 only, so the IPv6 slices written by hand stay empty, as the test leaves them.
  const pod = BACKENDS['infra-backend-v1'] ?? '';
  const manual = (name: string, spec: object) =>
    serviceWithSlices(name, spec, [
      { suffix: 'ip4', addressType: 'IPv4', addresses: [pod] },
      { suffix: 'ip6', addressType: 'IPv6', addresses: [] },
    ]);
  const s = new Scenario([
    ...manual('manual-endpointslices', {}),
    // Headless with a selector: the slice Kubernetes' EndpointSlice controller writes for it.
    ...serviceWithSlices('headless', { clusterIP: 'None', selector: { app: 'infra-backend-v1' } }, [{ suffix: 'x7k2p', addressType: 'IPv4', addresses: [pod] }]),
    ...manual('headless-manual-endpointslices', { clusterIP: 'None' }),
    route('HTTPRoute', 'service-types', {
      parentRefs: [{ name: GW }],
      rules: ['manual-endpointslices', 'headless', 'headless-manual-endpointslices'].map((name) => ({ matches: [exact(`/${name}`)], ...to(name) })),
    }),
  ]);
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'HTTPRoute', 'service-types', { gateway: GW });
  for (const path of ['/manual-endpointslices', '/headless', '/headless-manual-endpointslices']) {
    const res = s.request({ path });
    expect(reached(res), path).toBe('infra-backend-v1');
    if (res.type === 'forward') expect(res.backends[0]?.endpoints).toEqual([`${pod}:3000`]);
  }
}

export const ROUTE_CASES: ConformanceCase[] = [
  { test: 'HTTPRouteMatchingAcrossRoutes', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: matchingAcrossRoutes } },
  { test: 'HTTPRoutePathMatchOrder', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: pathMatchOrder } },
  { test: 'HTTPRouteNoBackendRefs', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: noBackendRefs } },
  { test: 'HTTPRouteServiceTypes', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: serviceTypes } },
];
