// SotW ADS against a real server on loopback: an Envoy-like client converging, ACK/NACK
// (scenarios 1, 2), stale nonces (3), wildcard rules (4), resubscription (5), the resource-hint
// race (6), CLA after a cluster change (7), make-before-break (10), late RDS names (11),
// readiness and version prefixes (12), unknown Gateways, and a slow consumer (14). Scenario
// numbers are shared with delta-ads.test.ts and churn.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeEnvoy, RawXdsStream, TYPE } from '../support/fake-envoy.ts';
import { cla, cluster, gatewaySnapshot, listener, routeConfig, sleep, startHarness, type Harness } from './xds-fixtures.ts';
import { routeAndClusterRemovedTogether } from './shared-scenarios.ts';

const GW = 'default/gw';
const node = (id = 'envoy-1', clusterName = GW, agent = 'envoy') => ({ id, cluster: clusterName, user_agent_name: agent });

let h: Harness;
const clients: { close(): void }[] = [];

function envoy(extra: Partial<ConstructorParameters<typeof FakeEnvoy>[0]> = {}): FakeEnvoy {
  const e = new FakeEnvoy({ address: h.address, nodeId: `envoy-${clients.length + 1}`, cluster: GW, protocol: 'sotw', ...extra });
  clients.push(e);
  return e;
}

function raw(): RawXdsStream {
  const s = new RawXdsStream(h.address, 'sotw');
  clients.push(s);
  return s;
}

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.stop();
});

describe('SotW ADS with an Envoy-like client', () => {
  it('converges: clusters warm with their CLAs, listeners with their routes, everything ACKed', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'default/web/80' }], { 'default/web/80': ['10.0.0.1:8080', '10.0.0.2:8080'] }));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'the listener to become active');
    expect(e.effectiveConfig()).toEqual({
      clusters: { active: ['default/web/80'], warming: [] },
      listeners: { active: ['http-8080'], warming: [] },
      routes: ['http-8080'],
      endpoints: ['default/web/80'],
    });
    expect(e.endpointAddresses('default/web/80')).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(e.violations).toEqual([]);
    expect(e.nacks).toEqual([]);
    // Node only on the first request of the stream.
    expect(e.requests.filter((r) => r.json['node'] !== undefined)).toHaveLength(1);
    await sleep(50);
    const [client] = h.server.clients();
    expect(client.stream).toMatchObject({ nodeId: 'envoy-1', gateway: GW, variant: 'envoy', protocol: 'sotw', knownGateway: true });
    expect(client.types.map((t) => [t.type, t.awaitingAck, t.ackedVersion === t.sentVersion])).toEqual([
      ['CDS', false, true], ['EDS', false, true], ['LDS', false, true], ['RDS', false, true],
    ]);
    expect(client.types.find((t) => t.type === 'CDS')!.wildcard).toBe(true);
    expect(client.types.find((t) => t.type === 'EDS')!.subscribed).toEqual(['default/web/80']);
  });

  it('scenario 1: an ACK settles the type; nothing is resent until the content changes', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.cluster });
    const r1 = await s.next();
    expect(r1.resources.map((r) => r.name)).toEqual(['c1']);
    expect(r1.version).toMatch(new RegExp(`^${h.cache.versionPrefix}-`));
    s.send({ type_url: TYPE.cluster, version_info: r1.version, response_nonce: r1.nonce });
    await s.expectNothing();
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }, { prefix: '/b', cluster: 'c2' }]));
    const r2 = await s.next();
    expect(r2.resources.map((r) => r.name).sort()).toEqual(['c1', 'c2']);
    expect(r2.version).not.toBe(r1.version);
    expect(h.server.counters().acks[TYPE.cluster]).toBe(1);
  });

  it('scenario 2: a NACK is recorded and never answered with the same config; a fix is sent', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.cluster });
    const r1 = await s.next();
    s.send({ type_url: TYPE.cluster, version_info: r1.version, response_nonce: r1.nonce });
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'c1' }]), clusters: [cluster('c1', { lb_policy: 'MAGLEV' })] });
    const bad = await s.next();
    // NACK: the previous version and an error_detail.
    s.send({ type_url: TYPE.cluster, version_info: r1.version, response_nonce: bad.nonce, error_detail: { code: 3, message: 'c1: MAGLEV not allowed here' } });
    await s.expectNothing(400);
    // An unrelated snapshot change that leaves CDS as it is sends nothing either.
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'c1' }], { c1: ['10.9.9.9:1'] }), clusters: [cluster('c1', { lb_policy: 'MAGLEV' })] });
    await s.expectNothing(300);
    const [client] = h.server.clients();
    const cds = client.types.find((t) => t.type === 'CDS')!;
    expect(cds.lastNack).toMatchObject({ nodeId: 'envoy-1', gateway: GW, version: bad.version, message: 'c1: MAGLEV not allowed here', resourceNames: ['c1'] });
    expect(cds.ackedVersion).toBe(r1.version);
    expect(h.server.counters().nacks[TYPE.cluster]).toBe(1);
    expect(h.server.recentNacks()).toHaveLength(1);
    expect(h.logs.some((l) => l.level === 40 && String(l.msg).includes('rejected by envoy-1') && (l['resources'] as string[]).includes('c1'))).toBe(true);
    // The fix goes out.
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }]));
    const fixed = await s.next();
    expect(fixed.resources[0].json['lb_policy']).toBe('ROUND_ROBIN');
  });

  it('scenario 2 with the fake: a rejected cluster is not resent, the rest keeps flowing', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }]));
    const e = envoy({ reject: (type, _name, json) => (type === TYPE.cluster && json['lb_policy'] === 'MAGLEV' ? 'unsupported lb_policy MAGLEV' : undefined) });
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'c1' }]), clusters: [cluster('c1', { lb_policy: 'MAGLEV' })] });
    await e.waitFor(() => e.nacks.length === 1, 'the NACK');
    const cdsBefore = e.responsesOf(TYPE.cluster).length;
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'c1' }], { c1: ['10.1.1.1:80'] }), clusters: [cluster('c1', { lb_policy: 'MAGLEV' })] });
    await e.waitFor(() => e.endpointAddresses('c1').includes('10.1.1.1:80'), 'the endpoint change');
    await sleep(200);
    expect(e.responsesOf(TYPE.cluster).length).toBe(cdsBefore);
    expect(e.nacks).toHaveLength(1);
    expect(e.violations).toEqual([]);
  });

  it('changes while a response awaits its ACK coalesce: the next response carries only the latest', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.endpoint, resource_names: ['a'] });
    const r1 = await s.next();
    s.send({ type_url: TYPE.endpoint, version_info: r1.version, response_nonce: r1.nonce, resource_names: ['a'] });
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }], { a: ['10.0.0.2:80'] }));
    const r2 = await s.next();
    // Not ACKed yet: three more changes arrive, none is sent.
    for (const ip of ['10.0.0.3', '10.0.0.4', '10.0.0.5']) h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }], { a: [`${ip}:80`] }));
    await s.expectNothing(200);
    s.send({ type_url: TYPE.endpoint, version_info: r2.version, response_nonce: r2.nonce, resource_names: ['a'] });
    const r3 = await s.next();
    expect(JSON.stringify(r3.resources[0].json)).toContain('10.0.0.5');
    s.send({ type_url: TYPE.endpoint, version_info: r3.version, response_nonce: r3.nonce, resource_names: ['a'] });
    await s.expectNothing(200);
    expect(h.server.counters().pushes[TYPE.endpoint]).toBe(3);
  });

  it('scenario 3: a request with a stale nonce is ignored', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }, { prefix: '/b', cluster: 'c2' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.endpoint, resource_names: ['c1'] });
    const r1 = await s.next();
    s.send({ type_url: TYPE.endpoint, version_info: r1.version, response_nonce: r1.nonce, resource_names: ['c1'] });
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'c1' }, { prefix: '/b', cluster: 'c2' }], { c1: ['10.0.0.7:80'] }));
    const r2 = await s.next();
    // The client asks for c2 on the old nonce: stale, so no answer and no subscription change.
    s.send({ type_url: TYPE.endpoint, version_info: r1.version, response_nonce: r1.nonce, resource_names: ['c1', 'c2'] });
    await s.expectNothing();
    expect(h.server.counters().expiredNonces[TYPE.endpoint]).toBe(1);
    // The same request on the current nonce is answered.
    s.send({ type_url: TYPE.endpoint, version_info: r2.version, response_nonce: r2.nonce, resource_names: ['c1', 'c2'] });
    const r3 = await s.next();
    expect(r3.resources.map((r) => r.name)).toEqual(['c2']);
  });

  it('scenario 4: the legacy wildcard rules of SotW', async () => {
    // Clusters without CLAs: each is warm as soon as its CDS response is ACKed.
    h.set(GW, { clusters: [cluster('a'), cluster('b')] });
    const s = raw();
    s.send({ node: node(), type_url: TYPE.cluster });
    const r1 = await s.next();
    expect(r1.resources.map((r) => r.name).sort()).toEqual(['a', 'b']); // {} → wildcard
    s.send({ type_url: TYPE.cluster, version_info: r1.version, response_nonce: r1.nonce, resource_names: ['*', 'a'] });
    const both = await s.next(); // wildcard + a: the same set, answered because a was newly named
    expect(both.resources.map((r) => r.name).sort()).toEqual(['a', 'b']);
    expect(both.version).toBe(r1.version);
    s.send({ type_url: TYPE.cluster, version_info: both.version, response_nonce: both.nonce, resource_names: ['*', 'a'] });
    await s.expectNothing();
    s.send({ type_url: TYPE.cluster, version_info: both.version, response_nonce: both.nonce, resource_names: ['a'] });
    const r2 = await s.next(); // a only
    expect(r2.resources.map((r) => r.name)).toEqual(['a']);
    s.send({ type_url: TYPE.cluster, version_info: r2.version, response_nonce: r2.nonce, resource_names: [] });
    const r3 = await s.next(); // {} after names: nothing, not wildcard
    expect(r3.resources).toEqual([]);
    s.send({ type_url: TYPE.cluster, version_info: r3.version, response_nonce: r3.nonce, resource_names: [] });
    await s.expectNothing();
  });

  it('scenario 5: unsubscribe then resubscribe at the same version is answered', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }, { prefix: '/b', cluster: 'b' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.endpoint, resource_names: ['a', 'b'] });
    const r1 = await s.next();
    expect(r1.resources.map((r) => r.name).sort()).toEqual(['a', 'b']);
    s.send({ type_url: TYPE.endpoint, version_info: r1.version, response_nonce: r1.nonce, resource_names: ['a'] });
    await s.expectNothing();
    s.send({ type_url: TYPE.endpoint, version_info: r1.version, response_nonce: r1.nonce, resource_names: ['a', 'b'] });
    const r2 = await s.next();
    expect(r2.resources.map((r) => r.name)).toEqual(['b']);
    expect(r2.version).toBe(r1.version);
  });

  it('scenario 6: EDS names growing after CDS (resource-hint race) are each answered', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }, { prefix: '/b', cluster: 'b' }, { prefix: '/c', cluster: 'c' }]));
    await e.waitFor(() => e.routes.get('http-8080')?.key.includes('"c"') === true && e.activeClusters.has('c') && e.activeClusters.has('b'), 'b and c');
    expect(e.effectiveConfig().clusters).toEqual({ active: ['a', 'b', 'c'], warming: [] });
    expect(e.violations).toEqual([]);
  });

  it('scenario 7: a changed cluster gets its CLA again even though the endpoints did not change', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const e = envoy({ initialFetchTimeoutMs: 60_000 });
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    const edsBefore = e.responsesOf(TYPE.endpoint).length;
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'a' }]), clusters: [cluster('a', { connect_timeout: '2s' })] });
    await e.waitFor(() => e.activeClusters.get('a')?.key.includes('"2s"') === true, 'the changed cluster to warm');
    const eds = e.responsesOf(TYPE.endpoint).slice(edsBefore);
    expect(eds.map((r) => r.resources.map((x) => x.name))).toEqual([['a']]);
    expect(e.timeouts).toEqual([]);
  });

  it('a route and its cluster removed together: the route goes first, then the cluster', async () => {
    await routeAndClusterRemovedTogether(h, GW, envoy());
  });

  it('scenario 10: a route moving to a new Service never points at a missing or warming cluster', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'old' }]));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    for (let i = 0; i < 5; i++) {
      h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: `svc-${i}` }]));
      await e.waitFor(() => e.routedClusters().has(`svc-${i}`), `route to svc-${i}`);
    }
    // The stale clusters are removed last, after the routes moved.
    await e.waitFor(() => e.effectiveConfig().clusters.active.join() === 'svc-4', 'stale clusters removed');
    expect(e.violations).toEqual([]);
    expect(e.timeouts).toEqual([]);
  });

  it('routes the client rejects keep the clusters they use until a good version is accepted', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'old' }]));
    const e = envoy({ reject: (type, _name, json) => (type === TYPE.route && JSON.stringify(json).includes('"bad"') ? 'bad route' : undefined) });
    e.start();
    await e.waitFor(() => e.routedClusters().has('old'), 'convergence');
    // Move the route to a new cluster, in a RouteConfiguration the client rejects.
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'new' }]), routes: [{ ...routeConfig('http-8080', [{ prefix: '/', cluster: 'new' }]), virtual_hosts: [{ name: 'bad', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'new' } }] }] }] });
    await e.waitFor(() => e.nacks.some((n) => n.typeUrl === TYPE.route), 'the RDS NACK');
    await sleep(300);
    // The client still routes to old, so old stays.
    expect(e.routedClusters().has('old')).toBe(true);
    expect(e.effectiveConfig().clusters.active).toContain('old');
    expect(e.violations).toEqual([]);
    // A good version is accepted; then old goes.
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'new' }]));
    await e.waitFor(() => e.effectiveConfig().clusters.active.join() === 'new', 'old removed after the good routes');
    expect(e.violations).toEqual([]);
  });

  it('scenario 10 at the wire: CDS, then EDS, then RDS, then the stale cluster removal', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'old' }]));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    const from = e.responses.length;
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'new' }]));
    await e.waitFor(() => e.effectiveConfig().clusters.active.join() === 'new', 'the move');
    const seq = e.responses.slice(from).map((r) => `${r.typeUrl.split('.').pop()}:${r.resources.map((x) => x.name).sort().join('+')}`);
    expect(seq).toEqual(['Cluster:new+old', 'ClusterLoadAssignment:new', 'RouteConfiguration:http-8080', 'Cluster:new']);
  });

  it('scenario 11: a requested RDS name that does not exist yet is pushed when it appears', async () => {
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'a' }]), routes: [] });
    const e = envoy({ initialFetchTimeoutMs: 60_000 });
    e.start();
    await e.waitFor(() => e.warmingListeners.has('http-8080'), 'the listener to warm');
    await sleep(100);
    expect(e.responsesOf(TYPE.route)).toEqual([]);
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'the route config to arrive');
    expect(e.violations).toEqual([]);
  });

  it('scenario 13: duplicate names are dropped from the snapshot, so no response carries one twice', async () => {
    const snap = gatewaySnapshot([{ prefix: '/', cluster: 'a' }]);
    h.set(GW, { ...snap, clusters: [cluster('a'), cluster('a', { connect_timeout: '3s' })] });
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    expect(e.nacks).toEqual([]);
    expect(e.activeClusters.get('a')!.json['connect_timeout']).toBe('1s');
    expect(h.logs.some((l) => String(l.msg).includes('duplicate'))).toBe(true);
  });

  it('unknown Gateway: an empty config, one log line per node and Gateway, listed for the admin API', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const s = raw();
    s.send({ node: node('stray', 'default/nope'), type_url: TYPE.cluster });
    const r = await s.next();
    expect(r.resources).toEqual([]);
    s.send({ type_url: TYPE.cluster, version_info: r.version, response_nonce: r.nonce });
    s.send({ type_url: TYPE.listener });
    expect((await s.next()).resources).toEqual([]);
    const s2 = raw();
    s2.send({ node: node('stray', 'default/nope'), type_url: TYPE.cluster });
    await s2.next();
    expect(h.logs.filter((l) => String(l.msg).includes('"default/nope"'))).toHaveLength(1);
    expect(h.server.unknownGateways()).toEqual([{ nodeId: 'stray', gateway: 'default/nope', streams: 2 }]);
    // When the Gateway appears, its config flows to the waiting client.
    h.set('default/nope', gatewaySnapshot([{ prefix: '/', cluster: 'z' }]));
    const r2 = await s.next();
    expect(r2.typeUrl).toBe(TYPE.cluster);
    expect(r2.resources.map((x) => x.name)).toEqual(['z']);
    expect(h.server.unknownGateways()).toEqual([]);
  });

  it('a first request without node is refused with INVALID_ARGUMENT', async () => {
    const s = raw();
    s.send({ type_url: TYPE.cluster });
    const st = await s.ended;
    expect(st.code).toBe(3);
    expect(st.details).toContain('node');
  });

  it('scenario 14: a stuck client delays no other', async () => {
    const big = Array.from({ length: 400 }, (_, i) => cluster(`svc-${i}-${'x'.repeat(200)}`));
    h.set(GW, { listeners: [], routes: [], clusters: big, endpoints: [] });
    const stuck = raw();
    stuck.pause();
    stuck.send({ node: node('stuck'), type_url: TYPE.cluster });
    const others = Array.from({ length: 5 }, (_, i) => {
      const s = raw();
      s.send({ node: node(`ok-${i}`), type_url: TYPE.cluster });
      return s;
    });
    const firsts = await Promise.all(others.map((s) => s.next()));
    for (let round = 0; round < 10; round++) {
      const before = performance.now();
      for (const [i, s] of others.entries()) s.send({ type_url: TYPE.cluster, version_info: firsts[i].version, response_nonce: firsts[i].nonce });
      h.set(GW, { listeners: [], routes: [], clusters: big.map((c) => ({ ...c, connect_timeout: `${round + 2}s` })), endpoints: [] });
      const got = await Promise.all(others.map((s) => s.next()));
      for (const [i, r] of got.entries()) firsts[i] = r;
      // Were the stuck stream blocking the push, the others would get nothing at all; the bound only
      // catches a gross slowdown and leaves room for a loaded machine.
      expect(performance.now() - before).toBeLessThan(5_000);
    }
    expect(h.server.clients().find((c) => c.stream.nodeId === 'stuck')!.types[0].awaitingAck).toBe(true);
    stuck.resume();
    const r = await stuck.next();
    expect(r.resources.length).toBe(400);
  });
});

describe('readiness and restarts (scenario 12)', () => {
  it('refuses streams with UNAVAILABLE until marked ready', async () => {
    const cold = await startHarness({ ready: false });
    try {
      cold.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
      const s = new RawXdsStream(cold.address, 'sotw');
      s.send({ node: node(), type_url: TYPE.cluster });
      const st = await s.ended;
      s.close();
      expect(st.code).toBe(14);
      expect(cold.server.counters().streamsRefused).toBe(1);
      cold.cache.markReady();
      const s2 = new RawXdsStream(cold.address, 'sotw');
      s2.send({ node: node(), type_url: TYPE.cluster });
      expect((await s2.next()).resources.map((r) => r.name)).toEqual(['a']);
      s2.close();
    } finally {
      await cold.stop();
    }
  });

  it('a client reconnecting to a restarted server with its old version gets a full resend', async () => {
    const e = envoy();
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    const oldVersion = e.responsesOf(TYPE.cluster).at(-1)!.version;
    const h2 = await startHarness({ versionPrefix: 'reboot' });
    try {
      h2.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
      const s = new RawXdsStream(h2.address, 'sotw');
      s.send({ node: node(), type_url: TYPE.cluster, version_info: oldVersion });
      const r = await s.next();
      expect(r.version).toMatch(/^reboot-/);
      expect(r.version.slice(r.version.indexOf('-'))).toBe(oldVersion.slice(oldVersion.indexOf('-')));
      expect(r.resources.map((x) => x.name)).toEqual(['a']);
      s.close();
    } finally {
      await h2.stop();
    }
  });
});

describe('proxyless gRPC clients (scenario 17)', () => {
  it('get the grpc variant, and an empty first request is not wildcard', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    h.set(GW, { listeners: [listener('grpc-only', 1, 'x')], routes: [routeConfig('x', [{ prefix: '', cluster: 'a' }])], clusters: [cluster('a')], endpoints: [cla('a', ['10.0.0.3:50051'])] }, 'grpc');
    const s = raw();
    s.send({ node: node('g1', GW, 'gRPC Node Pure JS'), type_url: TYPE.listener, resource_names: [] });
    await s.expectNothing();
    s.send({ type_url: TYPE.listener, resource_names: ['grpc-only'] });
    const r = await s.next();
    expect(r.resources.map((x) => x.name)).toEqual(['grpc-only']);
    expect(h.server.clients()[0].stream.variant).toBe('grpc');
    // An Envoy on the same Gateway reads the envoy form.
    const s2 = raw();
    s2.send({ node: node('e1'), type_url: TYPE.listener });
    expect((await s2.next()).resources.map((x) => x.name)).toEqual(['http-8080']);
  });

  it('fall back to the envoy form when the Gateway has no grpc variant', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const s = raw();
    s.send({ node: node('g1', GW, 'gRPC Node Pure JS'), type_url: TYPE.listener, resource_names: ['http-8080'] });
    expect((await s.next()).resources.map((x) => x.name)).toEqual(['http-8080']);
  });
});
