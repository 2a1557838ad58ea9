// The ring-hash fallback, exercised by a real third-party xDS client: `tether serve` with a sticky
// GRPCRoute (header session, SessionPolicy fallback hashing on the x-user header) in front of four
// grpc-js servers on loopback. @grpc/grpc-js-xds does not implement stateful sessions (the filter
// is sent as optional), but it does implement ring hash, so it shows what Envoy does for a client
// that has no session yet, or whose session endpoint is gone: every user keeps landing on one
// backend, users spread over the backends, and when a backend goes away only about 1/N of the
// users move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { serveExample, until, type Served } from '../serve/serve-harness.ts';
import { startEchoBackend, who, xdsEchoClient, type EchoBackend } from '../support/grpc-echo.ts';

const BACKENDS = 4;
const USERS = 60;

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
    () => s.app.loop.latest()!.ir.gateways[0].clusters.some((c) => c.sticky && c.localities.some((l) => l.backend.startsWith('default/sticky-echo') && l.endpoints.length === BACKENDS)),
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
  it('keeps each user on one backend, spreads users, and moves about 1/N of them when a backend goes away', async () => {
    const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    const before = await placement(users);
    // The same user always lands on the same backend.
    for (let round = 0; round < 2; round++) expect(await placement(users)).toEqual(before);
    const used = new Set(before.values());
    expect(used.size).toBeGreaterThanOrEqual(3);

    // Take away the backend that holds the most users.
    const counts = new Map<string, number>();
    for (const b of before.values()) counts.set(b, (counts.get(b) ?? 0) + 1);
    const [gone] = [...counts].sort((a, b) => b[1] - a[1])[0];
    const index = backends.findIndex((b) => b.name === gone);
    await unlink(join(served.dir, `51-sticky-echo-${index}.yaml`));
    await until(async () => ![...(await placement(users)).values()].includes(gone), `no user routed to ${gone}`, 15_000);

    const after = await placement(users);
    const moved = users.filter((u) => after.get(u) !== before.get(u));
    const stayedOnSurvivors = users.filter((u) => before.get(u) !== gone && after.get(u) === before.get(u));
    const survivorsBefore = users.filter((u) => before.get(u) !== gone);
    // Everyone on the removed backend had to move; of the rest, ring hash keeps nearly everyone.
    expect(moved.length).toBeGreaterThanOrEqual(counts.get(gone)!);
    expect(stayedOnSurvivors.length / survivorsBefore.length).toBeGreaterThanOrEqual(0.8);
    // About 1/N of all users moved: the removed backend's share, plus a little ring noise (the
    // survivors' points are re-spread over a ring of the same size).
    expect(moved.length - counts.get(gone)!).toBeLessThanOrEqual(Math.ceil(0.15 * USERS));
    // And the new placement is as stable as the old one.
    expect(await placement(users)).toEqual(after);
  });
});
