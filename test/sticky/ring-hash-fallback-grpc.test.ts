// The ring-hash fallback, exercised by a real third-party xDS client: `tether serve` with a sticky
// GRPCRoute (header session, SessionPolicy fallback hashing on the x-user header) in front of four
// grpc-js servers on loopback. @grpc/grpc-js-xds does not implement stateful sessions (the filter
// is sent as optional), but it does implement ring hash, so it shows what Envoy does for a client
// that has no session yet, or whose session endpoint is gone: every user keeps landing on one
// backend, users spread over the backends, and when a backend goes away only about 1/N of the
// users move: the removed backend's own users, plus the few that the survivors' extra ring points
// take over (a modulo hash would move about (N-1)/N of everyone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { serveExample, until, type Served } from '../serve/serve-harness.ts';
import { startEchoBackend, who, xdsEchoClient, type EchoBackend } from '../support/grpc-echo.ts';

const BACKENDS = 4;
const USERS = 200;

const slice = (name: string, port: number): string => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}
  namespace: default
  labels: {kubernetes.io/service-name: sticky-echo}
addressType: IPv4
ports: [{name: grpc, port: ${port}, protocol: TCP}]
endpoints:
  - addresses: ["127.0.0.1"]
    conditions: {ready: true}
`;

const ROUTE = `apiVersion: v1
kind: Service
metadata: {name: sticky-echo, namespace: default}
spec:
  ports: [{name: grpc, port: 50051, appProtocol: kubernetes.io/h2c}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: sticky-echo, namespace: default}
spec:
  parentRefs: [{name: demo-gateway}]
  hostnames: [sticky-echo.example.com]
  rules:
    - name: who
      matches: [{method: {service: echo.Echo}}]
      backendRefs: [{name: sticky-echo, port: 50051}]
      sessionPersistence: {type: Header, sessionName: x-echo-session}
---
apiVersion: tether.dev/v1alpha1
kind: SessionPolicy
metadata: {name: sticky-echo, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: GRPCRoute, name: sticky-echo}]
  fallback:
    loadBalancer: {type: RingHash, minimumRingSize: 1024, maximumRingSize: 8192}
    hashKeys: [{header: {name: x-user}, terminal: true}]
`;

let served: Served;
let backends: EchoBackend[];
let client: grpc.Client;

async function placement(users: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const u of users) out.set(u, await who(client, { 'x-user': u }));
  return out;
}

beforeAll(async () => {
  const xds = await import('@grpc/grpc-js-xds');
  xds.register();
  backends = await Promise.all(Array.from({ length: BACKENDS }, (_, i) => startEchoBackend(`b${i}`)));
  served = await serveExample();
  await writeFile(join(served.dir, '50-sticky-echo.yaml'), ROUTE);
  for (const [i, b] of backends.entries()) await writeFile(join(served.dir, `51-sticky-echo-${i}.yaml`), slice(`sticky-echo-${i}`, b.port));
  const s = served;
  await until(
    () => s.app.loop.latest()!.ir.gateways[0].clusters.some((c) => c.sticky && c.localities.some((l) => l.name.startsWith('default/sticky-echo') && l.endpoints.length === BACKENDS)),
    'sticky echo endpoints served',
  );
  client = xdsEchoClient('sticky-echo.example.com', served.xds, 'grpc-ring-hash-client', 'default/demo-gateway');
}, 60_000);

afterAll(async () => {
  client?.close();
  await served?.stop();
  for (const b of backends ?? []) b.server.forceShutdown();
});

describe('ring-hash fallback through @grpc/grpc-js-xds', () => {
  it('keeps each user on one backend, spreads users, and moves few of them when a backend goes away', async () => {
    const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    const before = await placement(users);
    // The same user always lands on the same backend.
    for (let round = 0; round < 2; round++) expect(await placement(users)).toEqual(before);
    const used = new Set(before.values());
    expect(used.size).toBeGreaterThanOrEqual(3);

    // Take away one backend (a fixed one: picking the busiest would bias the shares).
    const gone = 'b0';
    const holders = users.filter((u) => before.get(u) === gone).length;
    expect(holders).toBeGreaterThan(0);
    await unlink(join(served.dir, '51-sticky-echo-0.yaml'));
    await until(async () => ![...(await placement(users)).values()].includes(gone), `no user routed to ${gone}`, 15_000);

    const after = await placement(users);
    const moved = users.filter((u) => after.get(u) !== before.get(u));
    const survivorsBefore = users.filter((u) => before.get(u) !== gone);
    const stayedOnSurvivors = survivorsBefore.filter((u) => after.get(u) === before.get(u));
    // Every user of the removed backend moved; most users of the others did not. With N backends
    // the survivors each gain ring points worth 1/N of the ring between them, so besides the
    // removed backend's share (about 1/N) roughly another 1/N × (N-2)/N moves: about 37% for N = 4
    // in expectation. The bounds leave several standard deviations of room for 200 users.
    expect(moved.length).toBeGreaterThanOrEqual(holders);
    expect(stayedOnSurvivors.length / survivorsBefore.length).toBeGreaterThanOrEqual(0.65);
    expect(moved.length / USERS).toBeLessThan(0.55);
    // And the new placement is as stable as the old one.
    expect(await placement(users)).toEqual(after);
  });
});
