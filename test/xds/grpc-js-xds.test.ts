// End to end with @grpc/grpc-js-xds, a real third-party xDS client: grpc-js backends on loopback,
// `xds:///echo` calls routed by what the ADS server serves to the 'grpc' variant (api_listener,
// RDS, CDS, EDS), ring hash on a header keeping each user on one backend, the stateful_session
// filter marked optional, snapshot changes moving traffic, and a NACK showing up in the server's
// client view. Runs in its own process (vitest forks per file).
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildEnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import { buildGrpcClientResources } from '../../src/envoy/build-grpc-client-resources.ts';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import type { GatewayIR } from '../../src/ir/ir.ts';
import { TYPE } from '../support/fake-envoy.ts';
import { apiListener, cla, cluster, sleep, startHarness, type Harness, type JsonSnapshot } from './xds-fixtures.ts';

const GW = 'default/grpc-gw';
const METHOD = '/tether.test.Echo/Who';
/** The method the built-resources case calls: its route matches the /cart.Cart prefix. */
const CART_METHOD = '/cart.Cart/Who';
const BOOTSTRAP_KEY = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

interface Backend {
  readonly name: string;
  readonly address: string;
  readonly server: grpc.Server;
}

async function startBackend(name: string): Promise<Backend> {
  const server = new grpc.Server();
  const identity = (b: Buffer): Buffer => b;
  for (const path of [METHOD, CART_METHOD]) {
    server.addService(
      { Who: { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
      { Who: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(name)) },
    );
  }
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { name, address: `127.0.0.1:${port}`, server };
}

const STATEFUL_SESSION: JsonObject = {
  name: 'envoy.filters.http.stateful_session',
  is_optional: true,
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.stateful_session.v3.StatefulSession',
    session_state: {
      name: 'envoy.http.stateful_session.cookie',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState', cookie: { name: 'tether-session', path: '/' } },
    },
  },
};
const ROUTER: JsonObject = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };

function grpcSnapshot(addresses: string[], clusterExtra: JsonObject = {}): JsonSnapshot {
  return {
    listeners: [apiListener('echo', 'echo-routes', [STATEFUL_SESSION, ROUTER])],
    routes: [
      {
        name: 'echo-routes',
        virtual_hosts: [{ name: 'echo', domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: 'echo-backends', hash_policy: [{ header: { header_name: 'x-user' } }] } }] }],
      },
    ],
    clusters: [cluster('echo-backends', { lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: '1024', maximum_ring_size: '8192' }, ...clusterExtra })],
    endpoints: [cla('echo-backends', addresses)],
  };
}

let h: Harness;
let backends: Backend[];
let client: grpc.Client;

function who(user: string, via = client, method = METHOD): Promise<string> {
  const md = new grpc.Metadata();
  md.set('x-user', user);
  return new Promise((resolve, reject) => {
    via.makeUnaryRequest(method, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), md, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res!.toString())));
  });
}

async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  const xds = await import('@grpc/grpc-js-xds');
  xds.register();
  backends = await Promise.all([startBackend('b1'), startBackend('b2')]);
  h = await startHarness();
  // An Envoy form exists too; the gRPC client must get the 'grpc' one.
  h.set(GW, { listeners: [], routes: [], clusters: [], endpoints: [] }, 'envoy');
  h.set(GW, grpcSnapshot(backends.map((b) => b.address)), 'grpc');
  const bootstrap = {
    xds_servers: [{ server_uri: h.address, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: 'grpc-client-1', cluster: GW, locality: { region: 'r1', zone: 'z1' } },
  };
  client = new grpc.Client('xds:///echo', grpc.credentials.createInsecure(), { [BOOTSTRAP_KEY]: JSON.stringify(bootstrap) });
});

afterAll(async () => {
  client?.close();
  await h?.stop();
  for (const b of backends ?? []) b.server.forceShutdown();
});

describe('@grpc/grpc-js-xds through the ADS server', () => {
  it('calls succeed through the api_listener form, with the optional stateful_session filter ACKed', async () => {
    expect(['b1', 'b2']).toContain(await who('alice'));
    const [status] = h.server.clients();
    expect(status.stream).toMatchObject({ nodeId: 'grpc-client-1', gateway: GW, variant: 'grpc', protocol: 'sotw' });
    // Explicit names, never wildcard; every type ACKed, no NACK.
    expect(status.types.map((t) => [t.type, t.wildcard, t.subscribed, t.lastNack === undefined])).toEqual([
      ['CDS', false, ['echo-backends'], true],
      ['EDS', false, ['echo-backends'], true],
      ['LDS', false, ['echo'], true],
      ['RDS', false, ['echo-routes'], true],
    ]);
    for (const t of status.types) expect(t.ackedVersion).toBe(t.sentVersion);
  });

  it('ring hash on the x-user header keeps each user on one backend, and users spread', async () => {
    const seen = new Map<string, Set<string>>();
    for (let u = 0; u < 12; u++) {
      const user = `user-${u}`;
      for (let i = 0; i < 5; i++) {
        const b = await who(user);
        seen.set(user, (seen.get(user) ?? new Set()).add(b));
      }
    }
    for (const [user, set] of seen) expect([user, set.size]).toEqual([user, 1]);
    const used = new Set([...seen.values()].flatMap((s) => [...s]));
    expect(used).toEqual(new Set(['b1', 'b2']));
  });

  it('a snapshot change moves the calls', async () => {
    h.set(GW, grpcSnapshot([backends[1].address]), 'grpc');
    await eventually(async () => (await who('user-0')) === 'b2' && (await who('user-1')) === 'b2' && (await who('user-2')) === 'b2', 'calls to reach b2 only');
    for (let u = 0; u < 12; u++) expect(await who(`user-${u}`)).toBe('b2');
    h.set(GW, grpcSnapshot([backends[0].address]), 'grpc');
    await eventually(async () => (await who('user-0')) === 'b1', 'calls to reach b1');
    for (let u = 0; u < 12; u++) expect(await who(`user-${u}`)).toBe('b1');
  });

  it('a cluster grpc-js rejects is NACKed, shows in the client view, and is not resent', async () => {
    const pushesBefore = h.server.counters().pushes[TYPE.cluster] ?? 0;
    h.set(GW, grpcSnapshot([backends[0].address], { lb_policy: 'MAGLEV' }), 'grpc');
    await eventually(() => h.server.clients()[0]?.types.find((t) => t.type === 'CDS')?.lastNack !== undefined, 'the NACK');
    const cds = h.server.clients()[0].types.find((t) => t.type === 'CDS')!;
    expect(cds.lastNack).toMatchObject({ nodeId: 'grpc-client-1', gateway: GW, resourceNames: ['echo-backends'] });
    expect(cds.lastNack!.message).toMatch(/MAGLEV/);
    expect(cds.ackedVersion).not.toBe(cds.sentVersion);
    expect(h.server.counters().nacks[TYPE.cluster]).toBe(1);
    // The client keeps its last good cluster; calls still work, and nothing is resent.
    expect(await who('user-0')).toBe('b1');
    await sleep(300);
    expect(h.server.counters().pushes[TYPE.cluster]).toBe(pushesBefore + 1);
    expect(h.server.counters().nacks[TYPE.cluster]).toBe(1);
    // Fixing the cluster clears the way: the next version is ACKed.
    h.set(GW, grpcSnapshot([backends[1].address]), 'grpc');
    await eventually(async () => (await who('user-0')) === 'b2', 'calls to follow the fixed config');
    await eventually(() => {
      const t = h.server.clients()[0].types.find((x) => x.type === 'CDS')!;
      return t.ackedVersion === t.sentVersion;
    }, 'the fixed cluster to be ACKed');
  });

  it('serves what the Envoy builders make from a Gateway IR: calls reach the backends, users stick', async () => {
    // A golden IR from the builders' own tests, with its endpoints moved onto our loopback backends.
    const gw = parse(readFileSync(new URL('../../src/envoy/testdata/build/grpc-client-cookie-session.in.yaml', import.meta.url), 'utf8')) as GatewayIR;
    const ports = backends.map((b) => Number(b.address.split(':')[1]));
    const moved: GatewayIR = {
      ...gw,
      clusters: gw.clusters.map((c) => ({
        ...c,
        localities: c.localities.map((l) => ({ ...l, endpoints: ports.map((port) => ({ ...l.endpoints[0], address: '127.0.0.1', port, health: 'HEALTHY' as const })) })),
      })),
    };
    const built = 'default/demo-gateway';
    h.set(built, buildEnvoyResources(moved), 'envoy');
    h.set(built, buildGrpcClientResources(moved), 'grpc');
    const bootstrap = {
      xds_servers: [{ server_uri: h.address, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: 'grpc-client-2', cluster: built, locality: { region: 'r1', zone: 'z1' } },
    };
    const shop = new grpc.Client('xds:///shop.example.com', grpc.credentials.createInsecure(), { [BOOTSTRAP_KEY]: JSON.stringify(bootstrap) });
    try {
      const seen = new Map<string, Set<string>>();
      for (let u = 0; u < 12; u++) {
        for (let i = 0; i < 4; i++) {
          const b = await who(`user-${u}`, shop, CART_METHOD);
          seen.set(`user-${u}`, (seen.get(`user-${u}`) ?? new Set()).add(b));
        }
      }
      for (const [user, set] of seen) expect([user, set.size]).toEqual([user, 1]);
      expect(new Set([...seen.values()].flatMap((x) => [...x]))).toEqual(new Set(['b1', 'b2']));
      const status = h.server.clients().find((c) => c.stream.nodeId === 'grpc-client-2')!;
      expect(status.stream.variant).toBe('grpc');
      expect(status.types.every((t) => t.lastNack === undefined && t.ackedVersion === t.sentVersion)).toBe(true);
    } finally {
      shop.close();
    }
  });
});
