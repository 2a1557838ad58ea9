// New sessions follow the backends' weights, shown by a real third-party xDS client: `tether serve`
// with a sticky GRPCRoute split 70/30 between two Services (a header session, no hash key named by
// any policy) in front of two grpc-js servers on loopback. The session's own header is the route's
// only hash key, so a call without it has no key: @grpc/grpc-js-xds then hashes a random number (as
// Envoy picks a random ring point), and keyless calls spread by the ring's weights. A call carrying
// a session value always hashes to the same backend. (gRPC does not implement the session filter,
// which is sent as optional; the ring is the part both share.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { serveExample, until, type Served } from '../serve/serve-harness.ts';
import { startEchoBackend, who, xdsEchoClient, type EchoBackend } from '../support/grpc-echo.ts';

const CALLS = 2000;
/**
 * Allowed distance of the measured share from 70%, in percentage points. Two sources of spread,
 * each about 1.5 points (one standard deviation): where the ring's points of each endpoint fall
 * (the ports are random, so the ring differs from run to run), and sampling 2,000 calls. Seven
 * points is over three standard deviations of both together.
 */
const TOLERANCE = 0.07;

const service = (name: string): string => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  ports: [{name: grpc, port: 50051, appProtocol: kubernetes.io/h2c}]
`;

const slice = (svc: string, port: number): string => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${svc}-1
  namespace: default
  labels: {kubernetes.io/service-name: ${svc}}
addressType: IPv4
ports: [{name: grpc, port: ${port}, protocol: TCP}]
endpoints:
  - addresses: ["127.0.0.1"]
    conditions: {ready: true}
`;

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: weighted-echo, namespace: default}
spec:
  parentRefs: [{name: demo-gateway}]
  hostnames: [weighted-echo.example.com]
  rules:
    - name: who
      matches: [{method: {service: echo.Echo}}]
      backendRefs:
        - {name: echo-stable, port: 50051, weight: 70}
        - {name: echo-canary, port: 50051, weight: 30}
      sessionPersistence: {type: Header, sessionName: x-echo-session}
`;

let served: Served;
let stable: EchoBackend;
let canary: EchoBackend;
let client: grpc.Client;

beforeAll(async () => {
  const xds = await import('@grpc/grpc-js-xds');
  xds.register();
  stable = await startEchoBackend('stable');
  canary = await startEchoBackend('canary');
  served = await serveExample();
  await writeFile(join(served.dir, '60-weighted-echo-services.yaml'), `${service('echo-stable')}---\n${service('echo-canary')}`);
  await writeFile(join(served.dir, '61-weighted-echo-slices.yaml'), `${slice('echo-stable', stable.port)}---\n${slice('echo-canary', canary.port)}`);
  await writeFile(join(served.dir, '62-weighted-echo-route.yaml'), ROUTE);
  const s = served;
  await until(
    () =>
      s.app.loop
        .latest()!
        .ir.gateways[0].clusters.some((c) => c.sticky && c.localities.length === 2 && c.localities.every((l) => l.name.startsWith('default/echo-') && l.endpoints.length === 1)),
    'weighted echo endpoints served',
  );
  client = xdsEchoClient('weighted-echo.example.com', served.xds, 'grpc-weights-client', 'default/demo-gateway');
  // Connect to both backends before counting, so no call waits on a connection being set up.
  const seen = new Set<string>();
  await until(async () => {
    for (let i = 0; i < 20; i++) seen.add(await who(client));
    return seen.size === 2;
  }, 'both backends answer keyless calls');
}, 60_000);

afterAll(async () => {
  client?.close();
  await served?.stop();
  for (const b of [stable, canary]) b?.server.forceShutdown();
});

describe('new sessions follow the weights through @grpc/grpc-js-xds', () => {
  it('the route hashes only on the session header', () => {
    const route = served.app.loop
      .latest()!
      .ir.gateways[0].listeners.flatMap((l) => l.virtualHosts.flatMap((v) => v.routes))
      .find((r) => r.source.name === 'weighted-echo');
    expect(route?.hashKeys).toEqual([{ type: 'header', name: 'x-echo-session', terminal: false }]);
  });

  it('spreads calls without a session 70/30', async () => {
    const counts = new Map<string, number>();
    for (let batch = 0; batch < CALLS / 50; batch++) {
      const names = await Promise.all(Array.from({ length: 50 }, () => who(client)));
      for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const share = (counts.get('stable') ?? 0) / CALLS;
    expect(share).toBeGreaterThan(0.7 - TOLERANCE);
    expect(share).toBeLessThan(0.7 + TOLERANCE);
    expect((counts.get('stable') ?? 0) + (counts.get('canary') ?? 0)).toBe(CALLS);
  }, 60_000);

  it('keeps calls carrying a session value on one backend, and spreads different values over both', async () => {
    const placed = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const value = `session-${i}`;
      const answers = new Set<string>();
      for (let j = 0; j < 5; j++) answers.add(await who(client, { 'x-echo-session': value }));
      expect(answers.size).toBe(1);
      placed.set(value, [...answers][0]);
    }
    expect(new Set(placed.values()).size).toBe(2);
  }, 60_000);
});
