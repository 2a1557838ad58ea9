// Tether's own cases for the Gateway API v1.6.1 conformance tests that concern the kinds it serves.
// Each checked case sets up, with manifests of its own, the scenario the suite's test sets up,
// asserts the statuses the test waits for and resolves the requests it sends through the emitted
// Envoy config (strictly validated), expecting what the test expects. Tests not checked say why.
import { expect } from 'vitest';
import { SUPPORTED_FEATURES } from '../../src/translate/supported-features.ts';
import { backend, condition, gateway, GW, httpListener, route, Scenario, serviceOf } from './scenario.ts';
import type { Resolution } from '../support/envoy-request-resolver.ts';
import { ATTACHMENT_CASES } from './attachment-cases.ts';
import { GENERATION_CASES } from './generation-cases.ts';
import { GRPC_CASES } from './grpc-cases.ts';
import { HOSTNAME_CASES } from './hostname-cases.ts';
import { HTTPS_CASES } from './https-cases.ts';
import { INFRASTRUCTURE_CASES } from './infrastructure-cases.ts';
import { REFERENCE_GRANT_CASES } from './reference-grant-cases.ts';
import { ROUTE_CASES } from './route-cases.ts';

export type Outcome =
  /** Checked offline and passing. `limit` names what only a live run could show. */
  | { type: 'checked'; run: () => void; limit?: string }
  /** Not passing; the reason. */
  | { type: 'fails'; reason: string }
  /** Needs something Tether does not serve (a kind, a feature it does not claim). */
  | { type: 'out-of-scope'; reason: string }
  /** In scope, but no offline case has been written yet. */
  | { type: 'not-written' };

export interface ConformanceCase {
  test: string;
  features: string[];
  outcome: Outcome;
}

const rules = (...r: object[]) => ({ rules: r });
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });
const to = (...names: string[]) => ({ backendRefs: names.map((n) => backend(n)) });

function forwarded(res: Resolution): Extract<Resolution, { type: 'forward' }> {
  if (res.type !== 'forward') throw new Error(`expected a forwarded request, got ${JSON.stringify(res)}`);
  return res;
}

function redirected(res: Resolution): { status: number; location: string } {
  if (res.type !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(res)}`);
  return { status: res.status, location: res.location };
}

function expectAccepted(s: Scenario, kind: 'HTTPRoute' | 'GRPCRoute', name: string): void {
  const c = s.routeConditions(kind, name);
  expect(condition(c, 'Accepted')).toEqual({ status: 'True', reason: 'Accepted' });
  expect(condition(c, 'ResolvedRefs')).toEqual({ status: 'True', reason: 'ResolvedRefs' });
}

function headerModifierRequests(s: Scenario, path: string): Record<string, string> {
  const res = forwarded(s.request({ path, headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' } }));
  return res.backends[0]?.request.headers ?? {};
}

const HEADER_MODIFIER = {
  type: 'RequestHeaderModifier',
  requestHeaderModifier: {
    set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }],
    add: [
      { name: 'X-Header-Add', value: 'header-val-1' },
      { name: 'X-Header-Add-Append', value: 'header-val-2' },
    ],
    remove: ['X-Header-Remove'],
  },
};

function expectModified(headers: Record<string, string>): void {
  expect(headers['x-header-set']).toBe('set-overwrites-values');
  expect(headers['x-header-add']).toBe('header-val-1');
  expect(headers['x-header-add-append']).toBe('append-val-1,header-val-2');
  expect(headers['x-header-remove']).toBeUndefined();
}

function mirrors(): void {
  const mirror = (name: string, share: object = {}) => ({ type: 'RequestMirror', requestMirror: { backendRef: backend(name), ...share } });
  const s = new Scenario([
    route(
      'HTTPRoute',
      'mirrors',
      rules(
        { matches: [prefix('/mirror')], filters: [mirror('infra-backend-v2')], ...to('infra-backend-v1') },
        { matches: [prefix('/mirror-and-modify-headers')], filters: [HEADER_MODIFIER, mirror('infra-backend-v2')], ...to('infra-backend-v1') },
        { matches: [prefix('/multi-mirror')], filters: [mirror('infra-backend-v2'), mirror('infra-backend-v3')], ...to('infra-backend-v1') },
        { matches: [prefix('/percent-mirror')], filters: [mirror('infra-backend-v2', { percent: 20 })], ...to('infra-backend-v1') },
        { matches: [prefix('/percent-mirror-fraction')], filters: [mirror('infra-backend-v2', { fraction: { numerator: 25, denominator: 50 } })], ...to('infra-backend-v1') },
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'mirrors');
  const mirroredTo = (path: string) => {
    const res = forwarded(s.request({ path }));
    expect(serviceOf(res.backends[0]?.endpoints ?? [])).toBe('infra-backend-v1');
    return res.mirrors.map((m) => [m.cluster.split('/')[1], m.percent]);
  };
  expect(mirroredTo('/mirror')).toEqual([['infra-backend-v2', 100]]);
  expect(mirroredTo('/multi-mirror')).toEqual([['infra-backend-v2', 100], ['infra-backend-v3', 100]]);
  expect(mirroredTo('/percent-mirror')).toEqual([['infra-backend-v2', 20]]);
  expect(mirroredTo('/percent-mirror-fraction')).toEqual([['infra-backend-v2', 50]]);
  expectModified(headerModifierRequests(s, '/mirror-and-modify-headers'));
}

function backendHeaderModifier(): void {
  const set = (value: string) => ({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Backend', value }] } }] });
  const s = new Scenario([
    route(
      'HTTPRoute',
      'per-backend',
      rules(
        { matches: [prefix('/weights')], backendRefs: [backend('infra-backend-v1', 8080, { weight: 10, ...set('infra-backend-v1') }), backend('infra-backend-v2', 8080, { weight: 10, ...set('infra-backend-v2') })] },
        { matches: [prefix('/one')], backendRefs: [backend('infra-backend-v1', 8080, { filters: [HEADER_MODIFIER] })] },
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'per-backend');
  const res = forwarded(s.request({ path: '/weights' }));
  // Whichever backend is picked sees its own header, and only that.
  expect(res.backends.map((b) => [serviceOf(b.endpoints), b.weight, b.request.headers['backend']])).toEqual([
    ['infra-backend-v1', 10, 'infra-backend-v1'],
    ['infra-backend-v2', 10, 'infra-backend-v2'],
  ]);
  expectModified(headerModifierRequests(s, '/one'));
}

function responseHeaderModifier(): void {
  const s = new Scenario([
    route(
      'HTTPRoute',
      'response-headers',
      rules(
        { matches: [prefix('/set')], filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }] } }], ...to('infra-backend-v1') },
        { matches: [prefix('/remove')], filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['X-Header-Remove'] } }], ...to('infra-backend-v1') },
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'response-headers');
  expect(forwarded(s.request({ path: '/set' })).backends[0]?.responseHeaders).toEqual({ 'x-header-set': 'set-overwrites-values' });
  expect(forwarded(s.request({ path: '/remove' })).backends[0]?.responseHeadersRemoved).toEqual(['x-header-remove']);
}

function retry(): void {
  const s = new Scenario([
    route(
      'HTTPRoute',
      'retries',
      rules(
        { matches: [prefix('/retry/code-500-attempts-3')], retry: { codes: [500], attempts: 3 }, ...to('infra-backend-v3') },
        { matches: [prefix('/retry/code-all-attempts-2')], retry: { codes: [500, 502, 503, 504], attempts: 2 }, ...to('infra-backend-v3') },
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'retries');
  // `attempts` retries after the first try: failing twice then succeeding passes with 3, not with 2.
  expect(forwarded(s.request({ path: '/retry/code-500-attempts-3' })).retry).toMatchObject({ num_retries: 3, retriable_status_codes: [500] });
  expect(forwarded(s.request({ path: '/retry/code-all-attempts-2' })).retry).toMatchObject({ num_retries: 2, retriable_status_codes: [500, 502, 503, 504] });
  // 503 is not retried where only 500 is listed.
  expect(forwarded(s.request({ path: '/retry/code-500-attempts-3' })).retry?.['retriable_status_codes']).not.toContain(503);
}

function invalidParametersRef(): void {
  const s = new Scenario([gateway('gateway-invalid-parameters-ref', [httpListener()], { infrastructure: { parametersRef: { group: 'invalid.io', kind: 'InvalidParameters', name: 'invalid' } } })]);
  const body = s.status('Gateway', 'gateway-invalid-parameters-ref').status;
  if (body.type !== 'gateway') throw new Error('not a Gateway status');
  expect(condition(body.conditions, 'Accepted')).toEqual({ status: 'False', reason: 'InvalidParameters' });
  expect(body.conditions.every((c) => c.observedGeneration === 1)).toBe(true);
}

function simpleSameNamespace(): void {
  const s = new Scenario([route('HTTPRoute', 'gateway-conformance-infra-test', rules(to('infra-backend-v1')))]);
  expectAccepted(s, 'HTTPRoute', 'gateway-conformance-infra-test');
  expect(s.backendOf(s.request({ path: '/' }))).toBe('infra-backend-v1');
  const gw = s.status('Gateway', GW).status;
  if (gw.type !== 'gateway') throw new Error('not a Gateway status');
  expect(gw.listeners[0]?.attachedRoutes).toBe(1);
}

function exactPathMatching(): void {
  const s = new Scenario([route('HTTPRoute', 'exact-matching', rules({ matches: [{ path: { type: 'Exact', value: '/one' } }], ...to('infra-backend-v1') }, { matches: [{ path: { type: 'Exact', value: '/two' } }], ...to('infra-backend-v2') }))]);
  expectAccepted(s, 'HTTPRoute', 'exact-matching');
  const b = (path: string) => s.backendOf(s.request({ path }));
  expect([b('/one'), b('/two'), b('/'), b('/one/example'), b('/two/'), b('/Two')]).toEqual(['infra-backend-v1', 'infra-backend-v2', 404, 404, 404, 404]);
}

function matching(): void {
  const s = new Scenario([
    route('HTTPRoute', 'matching', rules({ matches: [prefix('/')], ...to('infra-backend-v1') }, { matches: [prefix('/v2'), { headers: [{ name: 'version', value: 'two' }] }], ...to('infra-backend-v2') })),
  ]);
  expectAccepted(s, 'HTTPRoute', 'matching');
  const b = (path: string, headers: Record<string, string> = {}) => s.backendOf(s.request({ path, headers }));
  expect([b('/'), b('/example'), b('/', { version: 'one' }), b('/v2'), b('/v2/example'), b('/', { version: 'two' }), b('/v2example')]).toEqual([
    'infra-backend-v1',
    'infra-backend-v1',
    'infra-backend-v1',
    'infra-backend-v2',
    'infra-backend-v2',
    'infra-backend-v2',
    'infra-backend-v1',
  ]);
}

function queryParamMatching(): void {
  const q = (...pairs: [string, string][]) => ({ queryParams: pairs.map(([name, value]) => ({ name, value })) });
  const s = new Scenario([
    route(
      'HTTPRoute',
      'query-param-matching',
      rules({ matches: [q(['animal', 'whale'])], ...to('infra-backend-v1') }, { matches: [q(['animal', 'dolphin'])], ...to('infra-backend-v2') }, { matches: [q(['animal', 'dolphin'], ['color', 'blue']), q(['ANIMAL', 'Whale'])], ...to('infra-backend-v3') }),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'query-param-matching');
  const b = (path: string) => s.backendOf(s.request({ path }));
  expect([b('/?animal=whale'), b('/?animal=dolphin'), b('/?animal=dolphin&color=blue'), b('/?ANIMAL=Whale'), b('/?animal=whale&otherparam=irrelevant'), b('/?animal=dolphin&color=yellow')]).toEqual([
    'infra-backend-v1',
    'infra-backend-v2',
    'infra-backend-v3',
    'infra-backend-v3',
    'infra-backend-v1',
    'infra-backend-v2',
  ]);
  expect([b('/?color=blue'), b('/?animal=dog'), b('/?animal=whaledolphin'), b('/')]).toEqual([404, 404, 404, 404]);
}

function methodMatching(): void {
  const s = new Scenario([route('HTTPRoute', 'method-matching', rules({ matches: [{ method: 'POST' }], ...to('infra-backend-v1') }, { matches: [{ method: 'GET' }], ...to('infra-backend-v2') }))]);
  expectAccepted(s, 'HTTPRoute', 'method-matching');
  expect(s.backendOf(s.request({ path: '/', method: 'POST' }))).toBe('infra-backend-v1');
  expect(s.backendOf(s.request({ path: '/', method: 'GET' }))).toBe('infra-backend-v2');
  expect(s.backendOf(s.request({ path: '/', method: 'HEAD' }))).toBe(404);
}

function redirects(): void {
  const r = (path: string, requestRedirect: object) => ({ matches: [prefix(path)], filters: [{ type: 'RequestRedirect', requestRedirect }] });
  const s = new Scenario([
    route(
      'HTTPRoute',
      'redirects',
      rules(
        r('/hostname-redirect', { hostname: 'example.org' }),
        r('/host-and-status', { hostname: 'example.org', statusCode: 301 }),
        r('/scheme', { scheme: 'https' }),
        r('/port', { port: 8083 }),
        r('/full-path', { path: { type: 'ReplaceFullPath', replaceFullPath: '/full-path-replaced' } }),
        r('/prefix-and-status', { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' }, statusCode: 301 }),
        r('/see-other', { statusCode: 303 }),
        r('/temporary', { statusCode: 307 }),
        r('/permanent', { statusCode: 308 }),
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'redirects');
  const at = (path: string) => redirected(s.request({ path }));
  expect(at('/hostname-redirect')).toEqual({ status: 302, location: 'http://example.org/hostname-redirect' });
  expect(at('/host-and-status')).toEqual({ status: 301, location: 'http://example.org/host-and-status' });
  expect(at('/scheme').location).toBe('https://gateway.local/scheme');
  expect(at('/port').location).toBe('http://gateway.local:8083/port');
  expect(at('/full-path/x').location).toBe('http://gateway.local/full-path-replaced');
  expect(at('/prefix-and-status/one')).toEqual({ status: 301, location: 'http://gateway.local/replacement-prefix/one' });
  expect([at('/see-other').status, at('/temporary').status, at('/permanent').status]).toEqual([303, 307, 308]);
}

function rewrites(): void {
  const rw = (path: string, urlRewrite: object) => ({ matches: [prefix(path)], filters: [{ type: 'URLRewrite', urlRewrite }], ...to('infra-backend-v1') });
  const s = new Scenario([
    route(
      'HTTPRoute',
      'rewrites',
      rules(
        rw('/prefix/one', { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/one' } }),
        rw('/strip-prefix', { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } }),
        rw('/full/one', { path: { type: 'ReplaceFullPath', replaceFullPath: '/one' } }),
        rw('/host', { hostname: 'one.example.org' }),
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'rewrites');
  const sees = (path: string) => forwarded(s.request({ path })).backends[0]?.request;
  expect(sees('/prefix/one/two')?.path).toBe('/one/two');
  expect(sees('/strip-prefix/three')?.path).toBe('/three');
  expect(sees('/strip-prefix')?.path).toBe('/');
  expect(sees('/full/one/two')?.path).toBe('/one');
  expect(sees('/full/one?q=1')?.path).toBe('/one?q=1');
  expect(sees('/host')?.host).toBe('one.example.org');
}

function weights(): void {
  const s = new Scenario([route('HTTPRoute', 'weighted-backends', rules({ backendRefs: [backend('infra-backend-v1', 8080, { weight: 70 }), backend('infra-backend-v2', 8080, { weight: 30 }), backend('infra-backend-v3', 8080, { weight: 0 })] }))]);
  expectAccepted(s, 'HTTPRoute', 'weighted-backends');
  const res = forwarded(s.request({ path: '/' }));
  expect(res.backends.map((b) => [serviceOf(b.endpoints), b.weight])).toEqual([
    ['infra-backend-v1', 70],
    ['infra-backend-v2', 30],
  ]);
}

function nonExistentBackend(): void {
  const s = new Scenario([route('HTTPRoute', 'invalid-nonexistent-backend-ref', rules({ matches: [prefix('/')], ...to('nonexistent') }))]);
  const c = s.routeConditions('HTTPRoute', 'invalid-nonexistent-backend-ref');
  expect(condition(c, 'ResolvedRefs')).toEqual({ status: 'False', reason: 'BackendNotFound' });
  expect(s.backendOf(s.request({ path: '/' }))).toBe(500);
}

function unknownBackendKind(): void {
  const s = new Scenario([route('HTTPRoute', 'invalid-backend-ref-unknown-kind', rules({ backendRefs: [{ group: 'unknown.example.com', kind: 'Unknown', name: 'x', port: 8080 }] }))]);
  expect(condition(s.routeConditions('HTTPRoute', 'invalid-backend-ref-unknown-kind'), 'ResolvedRefs')).toEqual({ status: 'False', reason: 'InvalidKind' });
  expect(s.backendOf(s.request({ path: '/' }))).toBe(500);
}

function listenerUnsupportedProtocol(): void {
  const s = new Scenario([gateway('unsupported-protocol', [{ name: 'udp', port: 8080, protocol: 'UDP' }])], {});
  const body = s.status('Gateway', 'unsupported-protocol').status;
  if (body.type !== 'gateway') throw new Error('not a Gateway status');
  expect(condition(body.listeners[0]?.conditions ?? [], 'Accepted')).toEqual({ status: 'False', reason: 'UnsupportedProtocol' });
}

function invalidRouteKind(): void {
  const s = new Scenario([gateway('invalid-route-kind', [httpListener(80, { allowedRoutes: { kinds: [{ kind: 'FooRoute' }] } })])]);
  const body = s.status('Gateway', 'invalid-route-kind').status;
  if (body.type !== 'gateway') throw new Error('not a Gateway status');
  expect(condition(body.listeners[0]?.conditions ?? [], 'ResolvedRefs')).toEqual({ status: 'False', reason: 'InvalidRouteKinds' });
  expect(body.listeners[0]?.supportedKinds).toEqual([]);
}

function supportedFeaturesListed(): void {
  const s = new Scenario([]);
  const body = s.status('GatewayClass', 'tether', undefined).status;
  if (body.type !== 'conditions') throw new Error('not a GatewayClass status');
  expect(body.supportedFeatures).toEqual([...SUPPORTED_FEATURES]);
}


function headerMatching(): void {
  const h = (...pairs: [string, string][]) => ({ headers: pairs.map(([name, value]) => ({ name, value })) });
  const s = new Scenario([
    route(
      'HTTPRoute',
      'header-matching',
      rules(
        { matches: [h(['version', 'one'])], ...to('infra-backend-v1') },
        { matches: [h(['version', 'two'])], ...to('infra-backend-v2') },
        { matches: [h(['version', 'two'], ['color', 'orange'])], ...to('infra-backend-v1') },
        { matches: [h(['color', 'blue']), h(['color', 'green'])], ...to('infra-backend-v1') },
        { matches: [h(['color', 'red']), h(['color', 'yellow'])], ...to('infra-backend-v2') },
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'header-matching');
  const b = (headers: Record<string, string>) => s.backendOf(s.request({ path: '/', headers }));
  expect([b({ Version: 'one' }), b({ Version: 'two' }), b({ Version: 'two', Color: 'orange' }), b({ Version: 'two', Color: 'blue' })]).toEqual(['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v1', 'infra-backend-v2']);
  expect([b({ Color: 'orange' }), b({ 'Some-Other-Header': 'one' }), b({ Color: 'purple' })]).toEqual([404, 404, 404]);
  expect([b({ Color: 'blue' }), b({ Color: 'green' }), b({ Color: 'red' }), b({ Color: 'yellow' })]).toEqual(['infra-backend-v1', 'infra-backend-v1', 'infra-backend-v2', 'infra-backend-v2']);
}

function timeouts(): void {
  const s = new Scenario([
    route(
      'HTTPRoute',
      'timeouts',
      rules(
        { matches: [prefix('/request-timeout')], timeouts: { request: '500ms' }, ...to('infra-backend-v1') },
        { matches: [prefix('/disable-request-timeout')], timeouts: { request: '0s' }, ...to('infra-backend-v1') },
        { matches: [prefix('/backend-timeout')], timeouts: { backendRequest: '500ms' }, ...to('infra-backend-v1') },
        { matches: [prefix('/disable-backend-timeout')], timeouts: { backendRequest: '0s' }, ...to('infra-backend-v1') },
      ),
    ),
  ]);
  expectAccepted(s, 'HTTPRoute', 'timeouts');
  // A backend taking 1s: 504 after 500ms where a timeout is set, 200 where it is disabled ("0s").
  expect(forwarded(s.request({ path: '/request-timeout' })).timeout).toBe('0.500s');
  expect(forwarded(s.request({ path: '/disable-request-timeout' })).timeout).toBe('0s');
  expect(forwarded(s.request({ path: '/backend-timeout' })).retry).toEqual({ per_try_timeout: '0.500s' });
  expect(forwarded(s.request({ path: '/disable-backend-timeout' })).retry?.['per_try_timeout'] ?? '0s').toBe('0s');
}

function namedRules(): void {
  const s = new Scenario([
    route('HTTPRoute', 'http-named-rules', rules({ name: 'named-rule', matches: [prefix('/named')], ...to('infra-backend-v1') }, { matches: [prefix('/unnamed')], ...to('infra-backend-v2') })),
    route('GRPCRoute', 'grpc-named-rules', rules({ name: 'named-rule', matches: [{ method: { service: 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho', method: 'Echo' } }], ...to('infra-backend-v1') }, { ...to('infra-backend-v2') })),
  ]);
  expectAccepted(s, 'HTTPRoute', 'http-named-rules');
  expectAccepted(s, 'GRPCRoute', 'grpc-named-rules');
  expect([s.backendOf(s.request({ path: '/named' })), s.backendOf(s.request({ path: '/unnamed' }))]).toEqual(['infra-backend-v1', 'infra-backend-v2']);
  const grpc = (path: string) => s.backendOf(s.request({ path, method: 'POST', headers: { 'content-type': 'application/grpc' } }));
  expect([grpc('/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo'), grpc('/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoTwo')]).toEqual(['infra-backend-v1', 'infra-backend-v2']);
}

function grpcMethodAndHeaders(): void {
  const svc = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';
  const s = new Scenario([
    route(
      'GRPCRoute',
      'exact-matching',
      rules(
        { matches: [{ method: { service: svc, method: 'Echo' } }], ...to('infra-backend-v1') },
        { matches: [{ method: { service: svc, method: 'EchoTwo' } }], ...to('infra-backend-v2') },
        { matches: [{ headers: [{ name: 'version', value: 'three' }] }], ...to('infra-backend-v3') },
      ),
    ),
  ]);
  expectAccepted(s, 'GRPCRoute', 'exact-matching');
  const call = (method: string, headers: Record<string, string> = {}) => s.backendOf(s.request({ path: `/${svc}/${method}`, method: 'POST', headers: { 'content-type': 'application/grpc', ...headers } }));
  expect([call('Echo'), call('EchoTwo'), call('EchoThree', { version: 'three' }), call('EchoThree')]).toEqual(['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3', 404]);
  // Not gRPC: no match.
  expect(s.backendOf(s.request({ path: `/${svc}/Echo`, method: 'POST' }))).toBe(404);
}

function backendProtocols(): void {
  const s = new Scenario([route('HTTPRoute', 'backend-protocols', rules({ matches: [prefix('/h2c')], backendRefs: [backend('infra-backend-v1', 8081)] }, { matches: [prefix('/ws')], backendRefs: [backend('infra-backend-v1', 8082)] }))]);
  expectAccepted(s, 'HTTPRoute', 'backend-protocols');
  const envoy = s.envoy();
  const h2c = forwarded(s.request({ path: '/h2c' })).backends[0]?.cluster;
  const cluster = envoy.clusters.find((c) => c['name'] === h2c) ?? {};
  // kubernetes.io/h2c: HTTP/2 without TLS to the backend.
  expect(JSON.stringify(cluster['typed_extension_protocol_options'] ?? {})).toContain('http2_protocol_options');
  // WebSocket upgrades pass through on every connection manager.
  const hcm = (envoy.listeners[0]?.['filter_chains'] as { filters: { typed_config: { upgrade_configs?: unknown } }[] }[])[0]?.filters[0]?.typed_config;
  expect(hcm?.upgrade_configs).toEqual([{ upgrade_type: 'websocket' }]);
  expect(s.backendOf(s.request({ path: '/ws', headers: { upgrade: 'websocket', connection: 'upgrade' } }))).toBe('infra-backend-v1');
}

function attachedRoutes(): void {
  const gw = (name: string, listeners: object[]) => gateway(name, listeners);
  const r = (name: string, parent: object, extra: object = {}) => route('HTTPRoute', name, { parentRefs: [parent], ...rules(to('infra-backend-v1')), ...extra });
  const s = new Scenario([
    gw('one-attached', [httpListener()]),
    gw('two-attached', [httpListener(80, { hostname: 'foo.example.com' })]),
    gw('two-listeners', [httpListener(80), { ...httpListener(8080), name: 'http-unattached' }]),
    r('route-1', { name: 'one-attached' }),
    r('route-2', { name: 'two-attached' }),
    r('route-3', { name: 'two-attached' }),
    r('not-accepted', { name: 'two-attached' }, { hostnames: ['bar.example.com'] }),
    r('route-5', { name: 'two-listeners', sectionName: 'http' }),
  ]);
  const listeners = (name: string) => {
    const body = s.status('Gateway', name).status;
    if (body.type !== 'gateway') throw new Error('not a Gateway status');
    return body.listeners.map((l) => [l.name, l.attachedRoutes, condition(l.conditions, 'Accepted')?.status, condition(l.conditions, 'ResolvedRefs')?.status]);
  };
  expect(listeners('one-attached')).toEqual([['http', 1, 'True', 'True']]);
  expect(listeners('two-attached')).toEqual([['http', 2, 'True', 'True']]);
  expect(listeners('two-listeners')).toEqual([
    ['http', 1, 'True', 'True'],
    ['http-unattached', 0, 'True', 'True'],
  ]);
  expect(condition(s.routeConditions('HTTPRoute', 'not-accepted', 'two-attached'), 'Accepted')).toEqual({ status: 'False', reason: 'NoMatchingListenerHostname' });
}

function listenerPortMatching(): void {
  const l = (name: string, port: number, hostname: string) => ({ ...httpListener(port, { hostname }), name });
  const parent = (extra: object) => ({ name: 'port-matching', ...extra });
  const s = new Scenario([
    gateway('port-matching', [l('listener-1', 80, 'foo.com'), l('listener-2', 8080, 'foo.com'), l('listener-3', 8080, 'bar.com'), l('listener-4', 8090, 'foo.com'), l('listener-5', 8090, 'bar.com')]),
    route('HTTPRoute', 'backend-v1', { parentRefs: [parent({ port: 80 })], ...rules(to('infra-backend-v1')) }),
    route('HTTPRoute', 'backend-v2', { parentRefs: [parent({ port: 8080 })], ...rules(to('infra-backend-v2')) }),
    route('HTTPRoute', 'backend-v3', { parentRefs: [parent({ port: 8090, sectionName: 'listener-4' })], ...rules(to('infra-backend-v3')) }),
    route('HTTPRoute', 'wrong-port', { parentRefs: [parent({ port: 8090, sectionName: 'listener-1' })], ...rules(to('infra-backend-v3')) }),
  ]);
  for (const name of ['backend-v1', 'backend-v2', 'backend-v3']) expect(condition(s.routeConditions('HTTPRoute', name, 'port-matching'), 'Accepted')?.status).toBe('True');
  // A section name and a port that name different listeners match none.
  expect(condition(s.routeConditions('HTTPRoute', 'wrong-port', 'port-matching'), 'Accepted')).toEqual({ status: 'False', reason: 'NoMatchingParent' });
  const b = (host: string) => {
    const port = Number(host.split(':')[1] ?? 80);
    return s.backendOf(s.request({ port, host, path: '/' }, 'port-matching'));
  };
  expect([b('foo.com'), b('foo.com:8080'), b('bar.com:8080'), b('foo.com:8090'), b('bar.com:8090')]).toEqual(['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v2', 'infra-backend-v3', 404]);
}

function requestHeaderModifier(): void {
  const s = new Scenario([route('HTTPRoute', 'request-header-modifier', rules({ matches: [prefix('/modify')], filters: [HEADER_MODIFIER], ...to('infra-backend-v1') }))]);
  expectAccepted(s, 'HTTPRoute', 'request-header-modifier');
  expectModified(headerModifierRequests(s, '/modify'));
  // Header names are case-insensitive: a set replaces the client's value whatever its case.
  const res = forwarded(s.request({ path: '/modify', headers: { 'x-header-set': 'original', 'X-HEADER-ADD': 'original' } }));
  expect(res.backends[0]?.request.headers['x-header-set']).toBe('set-overwrites-values');
  expect(res.backends[0]?.request.headers['x-header-add']).toBe('original,header-val-1');
}

export const CASES: ConformanceCase[] = [
  { test: 'GatewayClassObservedGenerationBump', features: ['Gateway'], outcome: { type: 'checked', run: supportedFeaturesListed, limit: 'generation bumps are a live-cluster sequence; the class status (conditions, supportedFeatures) is checked' } },
  { test: 'GatewayInvalidParametersRef', features: ['Gateway'], outcome: { type: 'checked', run: invalidParametersRef } },
  { test: 'GatewayInvalidRouteKind', features: ['Gateway'], outcome: { type: 'checked', run: invalidRouteKind } },
  { test: 'GatewayListenerUnsupportedProtocol', features: ['Gateway'], outcome: { type: 'checked', run: listenerUnsupportedProtocol } },
  { test: 'HTTPRouteSimpleSameNamespace', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: simpleSameNamespace } },
  { test: 'HTTPRouteExactPathMatching', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: exactPathMatching } },
  { test: 'HTTPRouteMatching', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: matching } },
  { test: 'HTTPRouteQueryParamMatching', features: ['Gateway', 'HTTPRoute', 'HTTPRouteQueryParamMatching'], outcome: { type: 'checked', run: queryParamMatching } },
  { test: 'HTTPRouteMethodMatching', features: ['Gateway', 'HTTPRoute', 'HTTPRouteMethodMatching'], outcome: { type: 'checked', run: methodMatching } },
  { test: 'HTTPRouteWeight', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: weights, limit: 'the split observed over many requests; the weights Envoy picks by are checked' } },
  { test: 'HTTPRouteInvalidNonExistentBackendRef', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: nonExistentBackend } },
  { test: 'HTTPRouteInvalidBackendRefUnknownKind', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: unknownBackendKind } },
  { test: 'HTTPRouteRedirectHostAndStatus', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRouteRedirectPath', features: ['Gateway', 'HTTPRoute', 'HTTPRoutePathRedirect'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRouteRedirectPort', features: ['Gateway', 'HTTPRoute', 'HTTPRoutePortRedirect'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRouteRedirectScheme', features: ['Gateway', 'HTTPRoute', 'HTTPRouteSchemeRedirect'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRoute303Redirect', features: ['Gateway', 'HTTPRoute', 'HTTPRoute303RedirectStatusCode'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRoute307Redirect', features: ['Gateway', 'HTTPRoute', 'HTTPRoute307RedirectStatusCode'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRoute308Redirect', features: ['Gateway', 'HTTPRoute', 'HTTPRoute308RedirectStatusCode'], outcome: { type: 'checked', run: redirects } },
  { test: 'HTTPRouteRewritePath', features: ['Gateway', 'HTTPRoute', 'HTTPRoutePathRewrite'], outcome: { type: 'checked', run: rewrites } },
  { test: 'HTTPRouteRewriteHost', features: ['Gateway', 'HTTPRoute', 'HTTPRouteHostRewrite'], outcome: { type: 'checked', run: rewrites } },
  { test: 'HTTPRouteResponseHeaderModifier', features: ['Gateway', 'HTTPRoute', 'HTTPRouteResponseHeaderModification'], outcome: { type: 'checked', run: responseHeaderModifier } },
  { test: 'HTTPRouteBackendRequestHeaderModifier', features: ['Gateway', 'HTTPRoute', 'HTTPRouteBackendRequestHeaderModification'], outcome: { type: 'checked', run: backendHeaderModifier } },
  { test: 'HTTPRouteRequestHeaderModifierBackendWeights', features: ['Gateway', 'HTTPRoute', 'HTTPRouteBackendRequestHeaderModification'], outcome: { type: 'checked', run: backendHeaderModifier } },
  { test: 'HTTPRouteRequestMirror', features: ['Gateway', 'HTTPRoute', 'HTTPRouteRequestMirror'], outcome: { type: 'checked', run: mirrors, limit: 'the copy arriving at the mirror backend is only seen on the wire; the mirror policy is checked' } },
  { test: 'HTTPRouteRequestMultipleMirrors', features: ['Gateway', 'HTTPRoute', 'HTTPRouteRequestMirror', 'HTTPRouteRequestMultipleMirrors'], outcome: { type: 'checked', run: mirrors, limit: 'as HTTPRouteRequestMirror' } },
  { test: 'HTTPRouteRequestPercentageMirror', features: ['Gateway', 'HTTPRoute', 'HTTPRouteRequestPercentageMirror'], outcome: { type: 'checked', run: mirrors, limit: 'the share mirrored on the wire; the configured fraction is checked' } },
  { test: 'HTTPRouteRetry', features: ['Gateway', 'HTTPRoute', 'HTTPRouteRetry'], outcome: { type: 'checked', run: retry, limit: 'retries happen on the wire; the retry policy (codes, attempts) is checked' } },
  { test: 'HTTPRouteCORS', features: ['Gateway', 'HTTPRoute', 'HTTPRouteCORS'], outcome: { type: 'fails', reason: 'with allowCredentials and a "*" in allowMethods or allowHeaders the test wants the requested method and headers echoed; Envoy answers with the configured list' } },
  { test: 'HTTPRouteRequestHeaderModifier', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: requestHeaderModifier } },
  { test: 'GatewayWithAttachedRoutesWithPort8080', features: ['Gateway', 'HTTPRoute', 'GatewayPort8080'], outcome: { type: 'checked', run: attachedRoutes } },
  { test: 'HTTPRouteHeaderMatching', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: headerMatching } },
  { test: 'HTTPRouteTimeoutRequest', features: ['Gateway', 'HTTPRoute', 'HTTPRouteRequestTimeout'], outcome: { type: 'checked', run: timeouts, limit: 'the 504 after the elapsed time; the route timeout Envoy enforces is checked' } },
  { test: 'HTTPRouteTimeoutBackendRequest', features: ['Gateway', 'HTTPRoute', 'HTTPRouteBackendTimeout'], outcome: { type: 'checked', run: timeouts, limit: 'the 504 after the elapsed time; the per-try timeout Envoy enforces is checked' } },
  { test: 'HTTPRouteNamedRule', features: ['Gateway', 'HTTPRoute', 'HTTPRouteNamedRouteRule'], outcome: { type: 'checked', run: namedRules } },
  { test: 'GRPCRouteNamedRule', features: ['Gateway', 'GRPCRoute', 'GRPCRouteNamedRouteRule'], outcome: { type: 'checked', run: namedRules } },
  { test: 'GRPCExactMethodMatching', features: ['Gateway', 'GRPCRoute'], outcome: { type: 'checked', run: grpcMethodAndHeaders } },
  { test: 'HTTPRouteBackendProtocolH2C', features: ['Gateway', 'HTTPRoute', 'HTTPRouteBackendProtocolH2C'], outcome: { type: 'checked', run: backendProtocols, limit: 'the HTTP/2 connection itself; the cluster speaking HTTP/2 is checked' } },
  { test: 'HTTPRouteBackendProtocolWebSocket', features: ['Gateway', 'HTTPRoute', 'HTTPRouteBackendProtocolWebSocket'], outcome: { type: 'checked', run: backendProtocols, limit: 'the upgraded connection itself; the upgrade being allowed and routed is checked' } },
  { test: 'HTTPRouteListenerPortMatching', features: ['Gateway', 'HTTPRoute', 'HTTPRouteParentRefPort'], outcome: { type: 'checked', run: listenerPortMatching } },
  { test: 'HTTPRouteInvalidParentRefSectionNameNotMatchingPort', features: ['Gateway', 'HTTPRoute', 'HTTPRouteParentRefPort'], outcome: { type: 'checked', run: listenerPortMatching } },
  ...HTTPS_CASES,
  ...INFRASTRUCTURE_CASES,
  { test: 'HTTPRouteDisallowedKind', features: ['Gateway', 'HTTPRoute', 'TLSRoute'], outcome: { type: 'out-of-scope', reason: 'needs TLSRoute, which Tether does not serve' } },
  ...HOSTNAME_CASES,
  ...GRPC_CASES,
  ...ATTACHMENT_CASES,
  ...REFERENCE_GRANT_CASES,
  ...ROUTE_CASES,
  ...GENERATION_CASES,
];

/** The README table: one row per test, from the cases themselves. */
export function conformanceTable(): string {
  const label: Record<Outcome['type'], string> = { checked: 'passes', fails: 'fails', 'out-of-scope': 'out of scope', 'not-written': 'not checked yet' };
  const rows = [...CASES]
    .sort((a, b) => (a.test < b.test ? -1 : 1))
    .map((c) => {
      const o = c.outcome;
      const why = o.type === 'checked' ? (o.limit ? `offline; not judged: ${o.limit}` : 'offline') : o.type === 'not-written' ? 'no offline case yet' : o.reason;
      return `| ${c.test} | ${label[o.type]} | ${why} |`;
    });
  const count = (t: Outcome['type']) => CASES.filter((c) => c.outcome.type === t).length;
  return [
    `${CASES.length} tests in scope or listed: ${count('checked')} pass offline, ${count('fails')} fail, ${count('out-of-scope')} out of scope, ${count('not-written')} not checked yet.`,
    '',
    '| Test (v1.6.1) | Result | Notes |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

