// Incremental (delta) ADS against a real server on loopback: convergence, ACK/NACK, nonces
// (scenario 3), wildcard rules (4), resubscription (5), reconnects with initial_resource_versions
// (8), EDS after CDS on reconnect (9), make-before-break (10), and a reconnect storm at a
// test-sized count (15). Scenario numbers are shared with sotw-ads.test.ts and churn.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeEnvoy, RawXdsStream, TYPE } from '../support/fake-envoy.ts';
import { cla, cluster, gatewaySnapshot, sleep, startHarness, type Harness } from './xds-fixtures.ts';
import { routeAndClusterRemovedTogether } from './shared-scenarios.ts';

const GW = 'default/gw';
const node = (id = 'envoy-1') => ({ id, cluster: GW, user_agent_name: 'envoy' });

let h: Harness;
const clients: { close(): void }[] = [];

function envoy(extra: Partial<ConstructorParameters<typeof FakeEnvoy>[0]> = {}): FakeEnvoy {
  const e = new FakeEnvoy({ address: h.address, nodeId: `envoy-${clients.length + 1}`, cluster: GW, protocol: 'delta', ...extra });
  clients.push(e);
  return e;
}

function raw(path?: string): RawXdsStream {
  const s = new RawXdsStream(h.address, 'delta', path);
  clients.push(s);
  return s;
}

const names = (r: { resources: readonly { name: string }[] }): string[] => r.resources.map((x) => x.name).sort();

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.stop();
});

describe('delta ADS with an Envoy-like client', () => {
  it('converges, with per-resource content-hash versions', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'web' }], { web: ['10.0.0.1:80'] }));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    expect(e.effectiveConfig()).toEqual({ clusters: { active: ['web'], warming: [] }, listeners: { active: ['http-8080'], warming: [] }, routes: ['http-8080'], endpoints: ['web'] });
    expect(e.violations).toEqual([]);
    const cds = e.responsesOf(TYPE.cluster)[0];
    expect(cds.resources[0].version).toMatch(/^[\w-]{12}$/);
    expect(e.requests.filter((r) => r.json['node'] !== undefined)).toHaveLength(1);
  });

  it('scenario 1/2: ACKs settle; a NACKed resource is not resent until it changes', async () => {
    h.set(GW, { clusters: [cluster('a'), cluster('b')] });
    const s = raw();
    s.send({ node: node(), type_url: TYPE.cluster });
    const r1 = await s.next();
    expect(names(r1)).toEqual(['a', 'b']);
    s.send({ type_url: TYPE.cluster, response_nonce: r1.nonce });
    h.set(GW, { clusters: [cluster('a', { lb_policy: 'MAGLEV' }), cluster('b')] });
    const bad = await s.next();
    expect(names(bad)).toEqual(['a']); // only what changed
    s.send({ type_url: TYPE.cluster, response_nonce: bad.nonce, error_detail: { code: 3, message: 'a: bad lb_policy' } });
    h.set(GW, { clusters: [cluster('a', { lb_policy: 'MAGLEV' }), cluster('b', { connect_timeout: '5s' })] });
    const next = await s.next();
    expect(names(next)).toEqual(['b']); // a is not resent
    s.send({ type_url: TYPE.cluster, response_nonce: next.nonce });
    await s.expectNothing();
    const cdsStatus = h.server.clients()[0].types[0];
    expect(cdsStatus.lastNack).toMatchObject({ message: 'a: bad lb_policy', resourceNames: ['a'] });
    expect(cdsStatus.acked['a']).toBe(r1.resources.find((r) => r.name === 'a')!.version);
    h.set(GW, { clusters: [cluster('a'), cluster('b', { connect_timeout: '5s' })] });
    expect(names(await s.next())).toEqual(['a']);
  });

  it('scenario 2 with the fake: a rejected CLA is not resent, other changes keep flowing', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }]));
    const e = envoy({ reject: (type, _name, json) => (type === TYPE.endpoint && JSON.stringify(json).includes('10.6.6.6') ? 'endpoint 10.6.6.6 refused' : undefined) });
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }], { a: ['10.6.6.6:80'] }));
    await e.waitFor(() => e.nacks.length === 1, 'the NACK');
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }], { a: ['10.6.6.6:80'], b: ['10.2.2.2:80'] }));
    await e.waitFor(() => e.endpointAddresses('b').includes('10.2.2.2:80'), 'the change to b');
    await sleep(200);
    const edsNames = e.responsesOf(TYPE.endpoint).flatMap((r) => r.resources.map((x) => x.name));
    expect(edsNames.filter((n) => n === 'a')).toHaveLength(2); // the first CLA and the rejected one, never again
    expect(e.nacks).toHaveLength(1);
    expect(e.endpointAddresses('a')).toEqual(['10.0.0.1:8080']);
    const eds = h.server.clients()[0].types.find((t) => t.type === 'EDS')!;
    expect(eds.lastNack?.message).toContain('10.6.6.6 refused');
    const firstA = e.responsesOf(TYPE.endpoint).flatMap((r) => r.resources).find((x) => x.name === 'a')!;
    expect(eds.acked['a']).toBe(firstA.version);
  });

  it('scenario 3: subscriptions are honoured even with a stale nonce', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.endpoint, resource_names_subscribe: ['a'] });
    const r1 = await s.next();
    s.send({ type_url: TYPE.endpoint, response_nonce: r1.nonce });
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }], { a: ['10.1.0.1:80'] }));
    const r2 = await s.next();
    s.send({ type_url: TYPE.endpoint, response_nonce: r1.nonce, resource_names_subscribe: ['b'] }); // stale nonce
    s.send({ type_url: TYPE.endpoint, response_nonce: r2.nonce });
    const r3 = await s.next();
    expect(names(r3)).toEqual(['b']);
    expect(h.server.counters().expiredNonces[TYPE.endpoint]).toBe(1);
  });

  it('scenario 4: the delta wildcard sequence', async () => {
    h.set(GW, { clusters: [cluster('a'), cluster('b')] });
    const s = raw();
    s.send({ node: node(), type_url: TYPE.cluster, resource_names_subscribe: [] }); // {} → wildcard
    const r1 = await s.next();
    expect(names(r1)).toEqual(['a', 'b']);
    s.send({ type_url: TYPE.cluster, response_nonce: r1.nonce });
    s.send({ type_url: TYPE.cluster, resource_names_subscribe: ['a'] }); // wildcard + a: a is sent again
    const r2 = await s.next();
    expect(names(r2)).toEqual(['a']);
    s.send({ type_url: TYPE.cluster, response_nonce: r2.nonce });
    s.send({ type_url: TYPE.cluster, resource_names_unsubscribe: ['*'] }); // a only
    await s.expectNothing(); // (also lets the request land before the next snapshot)
    h.set(GW, { clusters: [cluster('a'), cluster('b', { connect_timeout: '9s' }), cluster('c')] });
    await s.expectNothing(); // b and c are not subscribed any more
    s.send({ type_url: TYPE.cluster, resource_names_unsubscribe: ['a'] }); // nothing
    await sleep(100);
    h.set(GW, { clusters: [cluster('a', { connect_timeout: '9s' })] });
    await s.expectNothing();
  });

  it('wildcard plus an explicit name: unsubscribing the name is answered with the resource', async () => {
    h.set(GW, { clusters: [cluster('a'), cluster('b')] });
    const s = raw();
    s.send({ node: node(), type_url: TYPE.cluster, resource_names_subscribe: ['*', 'a'] });
    const r1 = await s.next();
    s.send({ type_url: TYPE.cluster, response_nonce: r1.nonce });
    s.send({ type_url: TYPE.cluster, resource_names_unsubscribe: ['a'] });
    const r2 = await s.next();
    expect(names(r2)).toEqual(['a']);
  });

  it('scenario 5: unsubscribe then subscribe at the same version resends; missing names are reported removed', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.endpoint, resource_names_subscribe: ['a', 'ghost'] });
    const r1 = await s.next();
    expect(names(r1)).toEqual(['a']);
    expect(r1.removed).toEqual(['ghost']);
    s.send({ type_url: TYPE.endpoint, response_nonce: r1.nonce });
    s.send({ type_url: TYPE.endpoint, resource_names_unsubscribe: ['a'] });
    await s.expectNothing();
    s.send({ type_url: TYPE.endpoint, resource_names_subscribe: ['a'] });
    const r2 = await s.next();
    expect(names(r2)).toEqual(['a']);
    expect(r2.resources[0].version).toBe(r1.resources[0].version);
    s.send({ type_url: TYPE.endpoint, response_nonce: r2.nonce });
    // The missing name appears later: pushed.
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/a', cluster: 'a' }]), endpoints: [cla('a', ['10.0.0.1:8080']), cla('ghost', ['10.6.6.6:80'])] });
    expect(names(await s.next())).toEqual(['ghost']);
  });

  it('scenario 8: a reconnect with initial_resource_versions gets only changes, including removals', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }, { prefix: '/c', cluster: 'c' }]));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    e.close();
    // While the client is away: b changes, c goes, d arrives.
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }, { prefix: '/d', cluster: 'd' }]), clusters: [cluster('a'), cluster('b', { connect_timeout: '4s' }), cluster('d')] });
    const from = e.responses.length;
    e.reconnect();
    await e.waitFor(() => e.effectiveConfig().clusters.active.join() === 'a,b,d', 'the new cluster set');
    const cds = e.responses.slice(from).filter((r) => r.typeUrl === TYPE.cluster);
    expect(names(cds[0])).toEqual(['b', 'd']); // a unchanged: skipped
    const removedClusters = cds.flatMap((r) => r.removed);
    expect(removedClusters).toEqual(['c']);
    expect(e.violations).toEqual([]);
  });

  it('names in resource_names_subscribe are sent even when initial_resource_versions matches', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }]));
    const s = raw();
    s.send({ node: node(), type_url: TYPE.endpoint, resource_names_subscribe: ['a'] });
    const r1 = await s.next();
    s.close();
    const s2 = raw();
    s2.send({ node: node(), type_url: TYPE.endpoint, resource_names_subscribe: ['a'], initial_resource_versions: { a: r1.resources[0].version! } });
    expect(names(await s2.next())).toEqual(['a']);
  });

  it('scenario 9: reconnecting in EDS, LDS, RDS, CDS order without an EDS request still gets EDS after CDS', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const e = envoy({ skipEdsOnReconnect: true, reconnectOrder: [TYPE.endpoint, TYPE.listener, TYPE.route, TYPE.cluster], initialFetchTimeoutMs: 60_000 });
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    e.close();
    h.set(GW, { ...gatewaySnapshot([{ prefix: '/', cluster: 'a' }]), clusters: [cluster('a', { connect_timeout: '7s' })] });
    const from = e.responses.length;
    e.reconnect();
    await e.waitFor(() => e.activeClusters.get('a')?.key.includes('7s') === true, 'the changed cluster to warm');
    const seq = e.responses.slice(from).map((r) => r.typeUrl);
    expect(seq.indexOf(TYPE.endpoint)).toBeGreaterThan(seq.indexOf(TYPE.cluster));
    expect(e.requests.slice(-10).some((r) => r.typeUrl === TYPE.endpoint && r.json['resource_names_subscribe'] !== undefined)).toBe(false);
    expect(e.timeouts).toEqual([]);
  });

  it('a route and its cluster removed together: the route goes first, then the cluster', async () => {
    await routeAndClusterRemovedTogether(h, GW, envoy());
  });

  it('scenario 10: moving a route to a new Service: CDS, EDS, RDS, then the stale cluster removed', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'old' }]));
    const e = envoy();
    e.start();
    await e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence');
    for (let i = 0; i < 5; i++) {
      const from = e.responses.length;
      h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: `svc-${i}` }]));
      await e.waitFor(() => e.effectiveConfig().clusters.active.join() === `svc-${i}` && e.effectiveConfig().endpoints.join() === `svc-${i}`, `the move to svc-${i}`);
      const seq = e.responses.slice(from).map((r) => `${r.typeUrl.split('.').pop()}:${names(r).join('+')}-${r.removed.join('+')}`);
      expect(seq).toEqual([`Cluster:svc-${i}-`, `ClusterLoadAssignment:svc-${i}-`, 'RouteConfiguration:http-8080-', `Cluster:-${i === 0 ? 'old' : `svc-${i - 1}`}`, `ClusterLoadAssignment:-${i === 0 ? 'old' : `svc-${i - 1}`}`]);
    }
    expect(e.violations).toEqual([]);
  });

  it('per-type services: DeltaClusters and StreamEndpoints', async () => {
    h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'a' }]));
    const d = raw('/envoy.service.cluster.v3.ClusterDiscoveryService/DeltaClusters');
    d.send({ node: node() });
    expect(names(await d.next())).toEqual(['a']);
    const s = new RawXdsStream(h.address, 'sotw', '/envoy.service.endpoint.v3.EndpointDiscoveryService/StreamEndpoints');
    clients.push(s);
    s.send({ node: node('e2'), resource_names: ['a'] });
    const r = await s.next();
    expect(r.typeUrl).toBe(TYPE.endpoint);
    expect(names(r)).toEqual(['a']);
  });

  it('scenario 15 (test size): 100 Envoys reconnecting at once all converge, none left warming', async () => {
    const routes = Array.from({ length: 20 }, (_, i) => ({ prefix: `/s${i}`, cluster: `svc-${i}` }));
    h.set(GW, gatewaySnapshot(routes));
    const fleet = Array.from({ length: 100 }, (_, i) => envoy({ protocol: i % 2 === 0 ? 'delta' : 'sotw' }));
    for (const e of fleet) e.start();
    await Promise.all(fleet.map((e) => e.waitFor(() => e.activeListeners.has('http-8080'), 'convergence', 20_000)));
    // A restart: every stream drops; the new server has a newer snapshot.
    const started = performance.now();
    for (const e of fleet) e.reconnect();
    h.set(GW, gatewaySnapshot([...routes, { prefix: '/new', cluster: 'svc-new' }]));
    await Promise.all(fleet.map((e) => e.waitFor(() => e.routedClusters().has('svc-new') && e.warmingClusters.size === 0 && e.warmingListeners.size === 0, 'reconvergence', 20_000)));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    for (const e of fleet) expect(e.violations).toEqual([]);
    await sleep(100);
    expect(h.server.clients().every((c) => c.types.every((t) => !t.awaitingAck))).toBe(true);
  });
});
