// The served app reached by @grpc/grpc-js-xds, a real third-party xDS client: the bundled example
// plus a GRPCRoute for echo.example.com whose EndpointSlices point at two grpc-js servers on
// loopback. The client dials xds:///echo.example.com, gets the gRPC-client form of the config from
// `tether serve`, and its calls reach the backends; removing a backend's slice moves them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { serveExample, until, type Served } from './serve-harness.ts';
import { startEchoBackend, who as whoOn, xdsEchoClient, type EchoBackend } from '../support/grpc-echo.ts';

const echoSlice = (name: string, port: number): string => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}
  namespace: default
  labels: {kubernetes.io/service-name: echo}
addressType: IPv4
ports: [{name: grpc, port: ${port}, protocol: TCP}]
endpoints:
  - addresses: ["127.0.0.1"]
    conditions: {ready: true}
`;

const ECHO = `apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec:
  ports: [{name: grpc, port: 50051, appProtocol: kubernetes.io/h2c}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: echo, namespace: default}
spec:
  parentRefs: [{name: demo-gateway}]
  hostnames: [echo.example.com]
  rules:
    - matches: [{method: {service: echo.Echo}}]
      backendRefs: [{name: echo, port: 50051}]
`;

let served: Served;
let backends: EchoBackend[];
let client: grpc.Client;

const who = (): Promise<string> => whoOn(client);

beforeAll(async () => {
  const xds = await import('@grpc/grpc-js-xds');
  xds.register();
  backends = await Promise.all([startEchoBackend('b1'), startEchoBackend('b2')]);
  served = await serveExample();
  await writeFile(join(served.dir, '40-echo.yaml'), ECHO);
  await writeFile(join(served.dir, '41-echo-b1.yaml'), echoSlice('echo-b1', backends[0].port));
  await writeFile(join(served.dir, '42-echo-b2.yaml'), echoSlice('echo-b2', backends[1].port));
  const s = served;
  await until(() => s.app.loop.latest()!.ir.gateways[0].clusters.some((c) => c.localities.some((l) => l.endpoints.length === 2 && l.name.startsWith('default/echo'))), 'echo endpoints served');
  client = xdsEchoClient('echo.example.com', served.xds, 'grpc-client', 'default/demo-gateway');
});

afterAll(async () => {
  client?.close();
  await served?.stop();
  for (const b of backends ?? []) b.server.forceShutdown();
});

describe('tether serve with @grpc/grpc-js-xds', () => {
  it('routes xds:/// calls to the GRPCRoute backends, and follows an EndpointSlice removal', async () => {
    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) answers.add(await who());
    expect([...answers].sort()).toEqual(['b1', 'b2']); // round robin over both endpoints

    const clients = (await (await fetch(`${served.admin}/debug/clients`)).json()) as { streams: { stream: { nodeId: string; variant: string }; types: { type: string; lastNack?: unknown; ackedVersion: string; sentVersion: string }[] }[] };
    const mine = clients.streams.find((c) => c.stream.nodeId === 'grpc-client')!;
    expect(mine.stream.variant).toBe('grpc');
    expect(mine.types.map((t) => t.type).sort()).toEqual(['CDS', 'EDS', 'LDS', 'RDS']);
    expect(mine.types.every((t) => t.lastNack === undefined && t.ackedVersion === t.sentVersion)).toBe(true);

    // Take b1 away: the client must end up calling b2 only.
    await unlink(join(served.dir, '41-echo-b1.yaml'));
    let streak = 0;
    await until(async () => {
      streak = (await who()) === 'b2' ? streak + 1 : 0;
      return streak >= 10;
    }, 'calls moved to b2', 10_000);
  });
});
