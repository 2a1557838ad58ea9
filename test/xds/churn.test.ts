// Scenario 16 (numbered with sotw-ads.test.ts and delta-ads.test.ts), churn: endpoint changes at ~100/s for ~3 s through the snapshot cache, as the
// rebuild loop sets them (whole Gateway, unchanged resources keep their bytes), to 20 Envoy-like
// clients over a real gRPC ADS server on loopback, half SotW and half delta. Each client takes a
// few tens of milliseconds to apply a response before it ACKs, as a busy Envoy does, so changes
// arrive while responses are in flight and must coalesce: at most one EDS response per stream
// awaits its ACK and the next carries the latest state. Asserts behaviour only, never latency.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../../src/codec/proto-registry.ts';
import { TypeUrl, type EncodedInput, type ResourcesByType } from '../../src/xds/resource-types.ts';
import { FakeEnvoy, TYPE, addressesOfCla } from '../support/fake-envoy.ts';
import { cla, encodeSnapshot, gatewaySnapshot, sleep, startHarness, type Harness } from './xds-fixtures.ts';

const GW = 'default/churn';
const SERVICES = 10;
const CLIENTS = 20;
const RATE_PER_S = 100;
const CHANGES = 300; // ~3 s at RATE_PER_S
const TICK_MS = 10;

let h: Harness;
const clients: FakeEnvoy[] = [];

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.stop();
});

/** The endpoints of service `s` after change `k` (every change gives its CLA new content). */
function addressesAfter(k: number): string[] {
  return [`10.1.${(k >> 8) & 255}.${k & 255}:8080`, `10.2.${(k >> 8) & 255}.${k & 255}:8080`];
}

it('scenario 16: endpoint churn coalesces per stream, stays bounded, and every client converges', { timeout: 30_000 }, async () => {
  const services = Array.from({ length: SERVICES }, (_, i) => `svc-${i}`);
  const initial = encodeSnapshot(gatewaySnapshot(services.map((c) => ({ prefix: `/${c}/`, cluster: c }))));
  let endpoints: readonly EncodedInput[] = initial[TypeUrl.endpoint]!;

  // Everything that was, at some moment, the latest: SotW EDS set versions, delta per-resource
  // versions, and CLA contents (name + sorted addresses).
  const latestSetVersions = new Set<string>();
  const latestResourceVersions = new Set<string>();
  const latestContents = new Set<string>();
  let sets = 0;
  const set = (resources: ResourcesByType): void => {
    h.cache.setSnapshot(GW, 'envoy', resources);
    sets++;
    const eds = h.cache.view(GW, 'envoy')!.type(TypeUrl.endpoint);
    latestSetVersions.add(eds.version);
    for (const [name, r] of eds.resources) latestResourceVersions.add(`${name}\0${r.version}`);
    for (const input of resources[TypeUrl.endpoint] ?? []) {
      const json = protoRegistry().decode(MessageType.clusterLoadAssignment, input.bytes);
      latestContents.add(`${input.name}\0${addressesOfCla(json).join(',')}`);
    }
  };
  set(initial);

  for (let i = 0; i < CLIENTS; i++) {
    const e = new FakeEnvoy({
      address: h.address,
      nodeId: `churn-${i}`,
      cluster: GW,
      protocol: i % 2 === 0 ? 'sotw' : 'delta',
      applyDelayMs: 40 + (i % 5) * 10,
    });
    clients.push(e);
    e.start();
  }
  await Promise.all(clients.map((e) => e.waitFor(() => e.activeListeners.has('http-8080') && e.endpoints.size === SERVICES, `${e.options.nodeId} to converge`, 10_000)));
  const edsBefore = clients.map((e) => e.responsesOf(TYPE.endpoint).length);

  // Changes are due at RATE_PER_S from the start; each tick applies all that are due in one
  // snapshot (a late tick batches, as the rebuild loop does with what arrived during a rebuild).
  const expected = new Map<string, string[]>();
  let applied = 0;
  let maxQueued = 0;
  let maxAwaiting = 0;
  let maxDirty = 0;
  const start = performance.now();
  while (applied < CHANGES) {
    await sleep(TICK_MS);
    const due = Math.min(CHANGES, Math.floor(((performance.now() - start) * RATE_PER_S) / 1000));
    if (due <= applied) continue;
    const next = [...endpoints];
    for (; applied < due; applied++) {
      const s = applied % SERVICES;
      const addresses = addressesAfter(applied);
      next[s] = { name: services[s], bytes: protoRegistry().encode(MessageType.clusterLoadAssignment, cla(services[s], addresses)) };
      expected.set(services[s], [...addresses].sort());
    }
    endpoints = next;
    set({ ...initial, [TypeUrl.endpoint]: endpoints });
    const q = h.server.queueDepths();
    maxQueued = Math.max(maxQueued, q.maxQueuedResponses);
    maxAwaiting = Math.max(maxAwaiting, q.maxAwaitingAck);
    maxDirty = Math.max(maxDirty, q.dirtyStreams);
  }

  // Every client converges to the final content of every CLA.
  await Promise.all(
    clients.map((e) =>
      e.waitFor(() => services.every((s) => JSON.stringify(e.endpointAddresses(s)) === JSON.stringify(expected.get(s))), `${e.options.nodeId} to hold the final CLAs`, 10_000),
    ),
  );

  expect(sets).toBeGreaterThan(1);
  // Per stream the queue is bounded by construction: one response per type at most awaits its ACK.
  expect(maxAwaiting).toBeLessThanOrEqual(4);
  expect(maxQueued).toBeLessThanOrEqual(4);
  expect(maxDirty).toBeLessThanOrEqual(CLIENTS);

  for (const [i, e] of clients.entries()) {
    const who = `${e.options.nodeId} (${e.options.protocol})`;
    expect(e.nacks, who).toEqual([]);
    expect(e.violations, who).toEqual([]);
    expect(e.timeouts, who).toEqual([]);
    const churned = e.responsesOf(TYPE.endpoint).slice(edsBefore[i]);
    // Coalesced: far fewer responses than changes, and each carried what was then the latest.
    expect(churned.length, who).toBeGreaterThan(0);
    expect(churned.length, who).toBeLessThanOrEqual(CHANGES / 2);
    for (const r of churned) {
      expect(latestSetVersions.has(r.version), `${who}: EDS version ${r.version} was never the latest`).toBe(true);
      for (const res of r.resources) {
        expect(latestContents.has(`${res.name}\0${addressesOfCla(res.json).join(',')}`), `${who}: ${res.name} content was never the latest`).toBe(true);
        if (e.options.protocol === 'delta') expect(latestResourceVersions.has(`${res.name}\0${res.version}`), `${who}: ${res.name} version was never the latest`).toBe(true);
      }
    }
  }
  // The server saw every stream through without NACKs.
  expect(h.server.recentNacks()).toEqual([]);
});
