// Conformance cases for GRPCRoute: header matching, listener hostnames and weighted backends, with
// each call resolved as a gRPC client makes it (HTTP/2, POST /service/method, application/grpc) and
// the calls Envoy does not forward answered with a gRPC status.
import { expect } from 'vitest';
import type { ConformanceCase } from './cases.ts';
import { backendOfEndpoints, baseSetting } from './base-setting.ts';
import { gateway, GW, httpListener, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectRouteAccepted } from './status-checks.ts';
import { GRPC_STATUS, grpcRequest, resolveRequest, type Resolution } from '../support/envoy-request-resolver.ts';

/** The echo service the suite's gRPC backends serve. */
const ECHO = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';
const to = (name: string, extra: object = {}) => ({ name, port: 8080, ...extra });

/** What a gRPC client sees: the Service that answered (over HTTP/2), or the gRPC status of Envoy's own answer. */
function answered(res: Resolution): string | { grpcStatus: number } {
  if ((res.type === 'not-found' || res.type === 'direct-response') && res.grpcStatus !== undefined) return { grpcStatus: res.grpcStatus };
  if (res.type !== 'forward') throw new Error(`expected a forwarded call, got ${JSON.stringify(res)}`);
  expect(res.backends).toHaveLength(1);
  const [b] = res.backends;
  if (!b) throw new Error('no backend');
  // A gRPC backend only answers HTTP/2, and finds the method by the path.
  expect(b.request.protocol).toBe('HTTP/2');
  expect([b.request.method, b.request.path]).toEqual(['POST', `/${ECHO}/Echo`]);
  return backendOfEndpoints(b.endpoints);
}

function call(s: Scenario, opts: { authority?: string; metadata?: Record<string, string> } = {}, gw = GW): string | { grpcStatus: number } {
  return answered(resolveRequest(s.envoy(gw), grpcRequest(ECHO, 'Echo', opts)));
}

const UNIMPLEMENTED = { grpcStatus: GRPC_STATUS.UNIMPLEMENTED };

function headerMatching(): void {
  const h = (...pairs: [string, string][]) => ({ headers: pairs.map(([name, value]) => ({ name, value })) });
  const s = new Scenario([
    ...baseSetting(),
    route('GRPCRoute', 'grpc-header-matching', {
      parentRefs: [{ name: GW }],
      rules: [
        { matches: [h(['version', 'one'])], backendRefs: [to('grpc-infra-backend-v1')] },
        { matches: [h(['version', 'two'])], backendRefs: [to('grpc-infra-backend-v2')] },
        { matches: [h(['version', 'two'], ['color', 'orange'])], backendRefs: [to('grpc-infra-backend-v1')] },
        { matches: [h(['color', 'blue']), h(['color', 'green'])], backendRefs: [to('grpc-infra-backend-v1')] },
        { matches: [h(['color', 'red']), h(['color', 'yellow'])], backendRefs: [to('grpc-infra-backend-v2')] },
      ],
    }),
  ]);
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'GRPCRoute', 'grpc-header-matching', { gateway: GW });
  const c = (metadata: Record<string, string>) => call(s, { metadata });
  expect([c({ Version: 'one' }), c({ Version: 'two' }), c({ Version: 'two', Color: 'orange' }), c({ Version: 'two', Color: 'blue' })]).toEqual([
    'grpc-infra-backend-v1',
    'grpc-infra-backend-v2',
    'grpc-infra-backend-v1',
    'grpc-infra-backend-v2',
  ]);
  expect([c({ Color: 'orange' }), c({ 'Some-Other-Header': 'one' }), c({ Color: 'purple' })]).toEqual([UNIMPLEMENTED, UNIMPLEMENTED, UNIMPLEMENTED]);
  expect([c({ Color: 'blue' }), c({ Color: 'green' }), c({ Color: 'red' }), c({ Color: 'yellow' })]).toEqual(['grpc-infra-backend-v1', 'grpc-infra-backend-v1', 'grpc-infra-backend-v2', 'grpc-infra-backend-v2']);
}

function listenerHostnameMatching(): void {
  const gw = 'grpcroute-listener-hostname-matching';
  const l = (name: string, hostname: string) => ({ ...httpListener(), name, hostname });
  const parent = (sectionName: string) => ({ name: gw, sectionName });
  const s = new Scenario([
    ...baseSetting(),
    gateway(gw, [l('listener-1', 'bar.com'), l('listener-2', 'foo.bar.com'), l('listener-3', '*.bar.com'), l('listener-4', '*.foo.com')]),
    route('GRPCRoute', 'backend-v1', { parentRefs: [parent('listener-1')], rules: [{ backendRefs: [to('grpc-infra-backend-v1')] }] }),
    route('GRPCRoute', 'backend-v2', { parentRefs: [parent('listener-2')], rules: [{ backendRefs: [to('grpc-infra-backend-v2')] }] }),
    route('GRPCRoute', 'backend-v3', { parentRefs: [parent('listener-3'), parent('listener-4')], rules: [{ backendRefs: [to('grpc-infra-backend-v3')] }] }),
  ]);
  expectGatewayReady(s, gw);
  expectRouteAccepted(s, 'GRPCRoute', 'backend-v1', { gateway: gw, sectionName: 'listener-1' });
  expectRouteAccepted(s, 'GRPCRoute', 'backend-v2', { gateway: gw, sectionName: 'listener-2' });
  expectRouteAccepted(s, 'GRPCRoute', 'backend-v3', { gateway: gw, sectionName: 'listener-3' });
  expectRouteAccepted(s, 'GRPCRoute', 'backend-v3', { gateway: gw, sectionName: 'listener-4' });
  const c = (authority: string) => call(s, { authority }, gw);
  expect(['bar.com', 'foo.bar.com', 'baz.bar.com', 'boo.bar.com', 'multiple.prefixes.bar.com', 'multiple.prefixes.foo.com', 'foo.com', 'no.matching.host'].map(c)).toEqual([
    'grpc-infra-backend-v1',
    'grpc-infra-backend-v2',
    'grpc-infra-backend-v3',
    'grpc-infra-backend-v3',
    'grpc-infra-backend-v3',
    'grpc-infra-backend-v3',
    UNIMPLEMENTED,
    UNIMPLEMENTED,
  ]);
}

function weights(): void {
  const s = new Scenario([
    ...baseSetting(),
    route('GRPCRoute', 'weighted-backends', {
      parentRefs: [{ name: GW }],
      rules: [{ backendRefs: [to('grpc-infra-backend-v1', { weight: 70 }), to('grpc-infra-backend-v2', { weight: 30 }), to('grpc-infra-backend-v3', { weight: 0 })] }],
    }),
  ]);
  expectGatewayReady(s, GW);
  expectRouteAccepted(s, 'GRPCRoute', 'weighted-backends', { gateway: GW });
  const res = resolveRequest(s.envoy(), grpcRequest(ECHO, 'Echo'));
  if (res.type !== 'forward') throw new Error(`expected a forwarded call, got ${res.type}`);
  // Envoy picks by these weights: 70% and 30%, and never the backend of weight 0.
  expect(res.backends.map((b) => [backendOfEndpoints(b.endpoints), b.weight, b.request.protocol])).toEqual([
    ['grpc-infra-backend-v1', 70, 'HTTP/2'],
    ['grpc-infra-backend-v2', 30, 'HTTP/2'],
  ]);
}

export const GRPC_CASES: ConformanceCase[] = [
  { test: 'GRPCRouteHeaderMatching', features: ['Gateway', 'GRPCRoute'], outcome: { type: 'checked', run: headerMatching } },
  { test: 'GRPCRouteListenerHostnameMatching', features: ['Gateway', 'GRPCRoute'], outcome: { type: 'checked', run: listenerHostnameMatching } },
  { test: 'GRPCRouteWeight', features: ['Gateway', 'GRPCRoute'], outcome: { type: 'checked', run: weights, limit: 'the split observed over many calls; the weights Envoy picks by are checked' } },
];
