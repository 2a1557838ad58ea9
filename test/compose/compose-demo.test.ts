// The compose demo without Docker: Tether reads examples/compose/ (the directory source), resolves
// the FQDN EndpointSlice through a real DNS server on loopback (standing in for Docker's, which
// answers "httpbin" with every replica), and translates. Every route the walkthrough uses must
// exist with the session settings it describes, and every resource must pass the strict validator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildEnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import { buildStaticBootstrap } from '../../src/envoy/bootstrap.ts';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import type { GatewayIR, RouteIR } from '../../src/ir/ir.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { DirectorySource } from '../../src/sources/directory/directory-source.ts';
import { withFqdnResolution } from '../../src/sources/dns/with-fqdn-resolution.ts';
import { ObjectStore } from '../../src/sources/object-store.ts';
import type { Source } from '../../src/sources/source.ts';
import { translate } from '../../src/translate/translate.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { expectValidBootstrap, expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot } from '../cli/run-cli.ts';

const REPLICAS = ['172.18.0.4', '172.18.0.5', '172.18.0.6'];

describe('the compose demo config', () => {
  let dns: TestDnsServer;
  let store: ObjectStore;
  let source: Source;

  beforeEach(async () => {
    dns = await TestDnsServer.start();
    dns.set('httpbin', { a: REPLICAS });
    store = new ObjectStore();
    source = withFqdnResolution(
      new DirectorySource({ path: join(repoRoot, 'examples', 'compose'), logger: silentLogger(), rescanIntervalMs: 0 }),
      { logger: silentLogger(), servers: [dns.server], intervalMs: 50, timeoutMs: 200 },
    );
    await source.start(store);
  });
  afterEach(async () => {
    await source.stop();
    await dns.close();
  });

  const gateway = (): GatewayIR => {
    const result = translate(store.list());
    expect(result.ir.gateways.map((g) => g.name)).toEqual(['default/demo-gateway']);
    return result.ir.gateways[0];
  };
  const routeFor = (gw: GatewayIR, prefix: string): RouteIR | undefined =>
    gw.listeners.flatMap((l) => l.virtualHosts.flatMap((v) => v.routes)).find((r) => r.match.path.type === 'PathPrefix' && r.match.path.value === prefix);
  const endpointsOf = (resources: { endpoints: JsonObject[] }, cluster: string): string[] => {
    const cla = resources.endpoints.find((e) => e['cluster_name'] === cluster) as
      | { endpoints?: { lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[] }
      | undefined;
    return (cla?.endpoints ?? []).flatMap((l) => l.lb_endpoints.map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`)).sort();
  };

  it('accepts every object and serves /cookie, /header and /plain as the walkthrough says', () => {
    const result = translate(store.list());
    for (const s of result.statuses) {
      const conditions = s.status.type === 'route' ? s.status.parents.flatMap((p) => p.conditions) : s.status.type === 'policy' ? [] : s.status.conditions;
      expect(conditions.filter((c) => c.type === 'Accepted' || c.type === 'ResolvedRefs'), `${s.ref.kind} ${s.ref.name}`).toSatisfy((cs: { status: string }[]) => cs.every((c) => c.status === 'True'));
    }
    const gw = gateway();
    expect(gw.listeners.map((l) => l.port)).toEqual([10000]);

    const cookie = routeFor(gw, '/cookie');
    expect(cookie?.session).toMatchObject({ type: 'cookie', name: 'tether-demo', path: '/', strict: false });
    expect(cookie?.session && 'ttlSeconds' in cookie.session ? cookie.session.ttlSeconds : undefined).toBeUndefined(); // a session cookie: no Max-Age
    expect(cookie?.hashKeys).toEqual([{ type: 'cookie', name: 'tether-demo', terminal: false }]); // no session, no key: new sessions spread by weight

    const header = routeFor(gw, '/header');
    expect(header?.session).toMatchObject({ type: 'header', name: 'x-session', strict: false });

    const plain = routeFor(gw, '/plain');
    expect(plain?.session).toBeUndefined();

    for (const r of [cookie, header, plain]) {
      expect(r?.action).toMatchObject({ type: 'forward', rewrite: { path: { type: 'ReplacePrefixMatch', value: '/' } } });
    }
  });

  it('sends every replica Docker DNS returns as an endpoint, and passes the strict validator', () => {
    const gw = gateway();
    const resources = buildEnvoyResources(gw);
    expectValidEnvoyResources(resources);
    const cookie = routeFor(gw, '/cookie');
    const cluster = cookie?.action.type === 'forward' ? cookie.action.clusters[0]?.name : undefined;
    expect(endpointsOf(resources, cluster ?? '')).toEqual(REPLICAS.map((ip) => `${ip}:8080`));
    const plain = routeFor(gw, '/plain');
    const plainCluster = plain?.action.type === 'forward' ? plain.action.clusters[0]?.name : undefined;
    expect(endpointsOf(resources, plainCluster ?? '')).toEqual(REPLICAS.map((ip) => `${ip}:8080`));
    expectValidBootstrap(buildStaticBootstrap(gw));
  });

  it('follows `docker compose up --scale httpbin=5` without a file edit', async () => {
    const five = [...REPLICAS, '172.18.0.7', '172.18.0.8'];
    dns.set('httpbin', { a: five });
    const deadline = Date.now() + 3_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      const gw = gateway();
      const cookie = routeFor(gw, '/cookie');
      const cluster = cookie?.action.type === 'forward' ? (cookie.action.clusters[0]?.name ?? '') : '';
      seen = endpointsOf(buildEnvoyResources(gw), cluster);
      if (seen.length === 5) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toEqual(five.map((ip) => `${ip}:8080`).sort());
  });
});
