// The server's parked lists (src/xds/parked-fleet.ts): who is written to, what each member is told,
// and that what the lists hold follows the streams parked now. Members are recording stand-ins for
// streams; the stream's side (taking a list's push up) runs in stream-fake-call.test.ts, and the
// last test drives the lists through the server with Envoy-like clients over real gRPC.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamCall } from '../../src/xds/ads-stream.ts';
import { planDeltaChange } from '../../src/xds/delta-stream.ts';
import { ParkedFleets, type ParkedStream, type Parking } from '../../src/xds/parked-fleet.ts';
import { TypeUrl } from '../../src/xds/resource-types.ts';
import type { ResponseFrame } from '../../src/xds/response-frame.ts';
import { SnapshotCache } from '../../src/xds/snapshot-cache.ts';
import { planSotwChange } from '../../src/xds/sotw-stream.ts';
import { emptyCounters, type PushEvent, type StreamInfo } from '../../src/xds/xds-events.ts';
import { decodeResponse, FakeEnvoy } from '../support/fake-envoy.ts';
import { encodeSnapshot, gatewaySnapshot, sleep, startHarness, type Harness } from './xds-fixtures.ts';

const GW = 'default/gw';

/** A call that records what it is handed; `answer` is what its write returns, or an error it throws. */
class RecordingCall extends EventEmitter implements StreamCall {
  readonly written: Buffer[] = [];
  answer: boolean | Error = true;
  readonly writableLength = 0;

  write(chunk: Buffer | ResponseFrame, written?: () => void): boolean {
    if (this.answer instanceof Error) throw this.answer;
    this.written.push(chunk as Buffer);
    written?.();
    return this.answer;
  }

  end(): void {}

  getPeer(): string {
    return 'recording:0';
  }
}

class Member implements ParkedStream {
  readonly call = new RecordingCall();
  readonly info: StreamInfo;
  backPressures = 0;
  failures: string[] = [];

  constructor(id: number) {
    this.info = { id, nodeId: `envoy-${id}`, gateway: GW, variant: 'envoy', protocol: 'delta', peer: 'recording:0', connectedAt: new Date(0).toISOString(), knownGateway: true };
  }

  backPressured(): void {
    this.backPressures++;
  }

  stepFailed(step: 'push', err: unknown): void {
    this.failures.push(`${step}: ${(err as Error).message}`);
  }
}

function setup(protocol: 'sotw' | 'delta' = 'delta') {
  const cache = new SnapshotCache({ versionPrefix: 'p' });
  const routes = ['a', 'b', 'c'].map((s) => ({ prefix: `/${s}`, cluster: s }));
  const set = (a: string, extra: string[] = []): void =>
    void cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot([...routes, ...extra.map((s) => ({ prefix: `/${s}`, cluster: s }))], { a: [a], b: ['10.0.0.2:80'], c: ['10.0.0.3:80'] })));
  set('10.0.0.1:80');
  const fleets = new ParkedFleets();
  const counters = emptyCounters();
  const events: PushEvent[] = [];
  const parking = (): Parking => {
    const idle = cache.view(GW, 'envoy')!;
    return { gateway: GW, variant: 'envoy', protocol, idle, on: idle.type(TypeUrl.endpoint), names: undefined, changePlan: protocol === 'delta' ? planDeltaChange : planSotwChange };
  };
  const park = (m: Member) => fleets.join(GW, m, m.call, m.info, parking());
  const take = (round: number) => fleets.take(GW, cache, round, counters, { pushed: (e) => events.push(e) });
  return { cache, set, fleets, counters, events, park, take };
}

describe('parked lists', () => {
  it('write one endpoint change to every member as the same bytes, and tell each member when', () => {
    const { set, fleets, counters, events, park, take } = setup();
    const members = [1, 2, 3, 4].map((i) => new Member(i));
    const places = members.map(park);
    expect(new Set(places.map((p) => p.fleet)).size).toBe(1);
    const list = places[0].fleet;
    expect(places.map((p) => p.slot)).toEqual([0, 1, 2, 3]);
    // The second member leaves before the change (a request of its own): the last takes its slot.
    list.leave(places[1]);
    expect([places[0].slot, places[2].slot, places[3].slot]).toEqual([0, 2, 1]);
    expect(list.size).toBe(3);

    set('10.9.9.9:80');
    // The list held three streams, and took the change for all three.
    expect(take(7)).toBe(3);
    const written = [members[0], members[2], members[3]].map((m) => m.call.written);
    expect(written.map((w) => w.length)).toEqual([1, 1, 1]);
    expect(members[1].call.written).toEqual([]);
    // One Buffer for all: the change and the list's nonce.
    expect(written[1][0]).toBe(written[0][0]);
    const response = decodeResponse('delta', written[0][0]);
    expect([response.typeUrl, response.nonce.startsWith('~'), response.resources.map((r) => r.name)]).toEqual([TypeUrl.endpoint, true, ['a']]);
    expect(list.push?.nonce).toBe(response.nonce);
    expect(list.round).toBe(7);
    expect(list.delays).toHaveLength(3);
    expect(counters.pushes[TypeUrl.endpoint]).toBe(3);
    expect(counters.pushBytes[TypeUrl.endpoint]).toBe(3 * written[0][0].length);
    expect(events.map((e) => [e.stream.nodeId, e.typeUrl, e.resources, e.removed, e.bytes])).toEqual(
      ['envoy-1', 'envoy-4', 'envoy-3'].map((node) => [node, TypeUrl.endpoint, 1, 0, written[0][0].length]),
    );
    // Each write's time is its own, after the snapshot was set and before the write was taken.
    for (const e of events) expect(e.queuedMs >= 0 && e.queuedMs <= e.latencyMs).toBe(true);
    // Spent: forgotten by the owner, and a stream parking now starts a new list.
    expect(fleets.lists).toBe(0);
    expect(park(new Member(5)).fleet).not.toBe(list);
    expect(fleets.lists).toBe(1);
  });

  it('stay parked, idle with the new snapshot, through a change that leaves their endpoints alone', () => {
    const { cache, set, fleets, events, park, take } = setup();
    const m = new Member(1);
    const list = park(m).fleet;
    set('10.0.0.1:80');
    expect(take(3)).toBe(1);
    expect([m.call.written.length, events.length, list.round, fleets.lists]).toEqual([0, 0, 3, 1]);
    expect(list.idle).toBe(cache.view(GW, 'envoy'));
  });

  it('are let go, writing nothing, on a change beyond endpoints or a Gateway gone', () => {
    const { cache, set, fleets, park, take } = setup();
    const m = new Member(1);
    const place = park(m);
    const list = place.fleet;
    set('10.9.9.9:80', ['d']);
    expect(take(2)).toBe(0);
    expect([m.call.written.length, list.round, list.push, fleets.lists]).toEqual([0, 0, undefined, 0]);
    // A member of a list let go still leaves it (its own pass runs later): nothing breaks.
    list.leave(place);
    expect(fleets.lists).toBe(0);

    const n = new Member(2);
    const other = park(n).fleet;
    cache.deleteSnapshot(GW);
    take(3);
    expect([n.call.written.length, other.round, fleets.lists]).toEqual([0, 0, 0]);
  });

  it('tell a member whose write is back-pressured or throws, and write to the others', () => {
    const { set, park, take, counters } = setup('sotw');
    const members = [1, 2, 3].map((i) => new Member(i));
    for (const m of members) park(m);
    members[0].call.answer = false;
    members[1].call.answer = new Error('boom');
    set('10.9.9.9:80');
    take(1);
    expect(members.map((m) => [m.call.written.length, m.backPressures, m.failures])).toEqual([
      [1, 1, []],
      [0, 0, ['push: boom']],
      [1, 0, []],
    ]);
    expect(decodeResponse('sotw', members[2].call.written[0]).resources.map((r) => r.name)).toEqual(['a']);
    expect(counters.pushes[TypeUrl.endpoint]).toBe(3);
  });

  it('hold nothing for streams no longer parked, however often they park and leave', () => {
    const { fleets, park } = setup();
    const members = Array.from({ length: 50 }, (_, i) => new Member(i));
    for (let round = 0; round < 20; round++) {
      const places = members.map(park);
      const list = places[0].fleet;
      expect(fleets.lists).toBe(1);
      expect(list.size).toBe(members.length);
      // Leaving in an order other than parking's exercises the slot moves.
      for (const i of members.keys()) list.leave(places[(i * 7) % members.length]);
      expect(list.size).toBe(0);
      expect(fleets.lists).toBe(0);
    }
  });
});

describe('parked lists under the server, over real gRPC', () => {
  let h: Harness;
  const clients: FakeEnvoy[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await h.stop();
  });

  it('write an endpoint change to the streams parked now (not to one gone), each once, and leave every stream ACKed and in sync', async () => {
    const pushed: PushEvent[] = [];
    h = await startHarness({ events: { pushed: (e) => pushed.push(e) } });
    const routes = ['a', 'b', 'c'].map((s) => ({ prefix: `/${s}`, cluster: s }));
    const endpoints = (a: string) => ({ a: [a], b: ['10.0.0.2:80'], c: ['10.0.0.3:80'] });
    h.set(GW, gatewaySnapshot(routes, endpoints('10.0.0.1:80')));
    const fleet = Array.from({ length: 12 }, (_, i) => new FakeEnvoy({ address: h.address, nodeId: `envoy-${i}`, cluster: GW, protocol: i % 2 === 0 ? 'delta' : 'sotw' }));
    clients.push(...fleet);
    for (const e of fleet) e.start();
    const settled = async (live: FakeEnvoy[], address: string): Promise<void> => {
      await Promise.all(live.map((e) => e.waitFor(() => e.endpointAddresses('a').join() === address, `endpoints of a at ${address}`)));
      await sleep(100);
      expect(h.server.clients().every((c) => c.types.every((t) => !t.awaitingAck))).toBe(true);
    };
    await settled(fleet, '10.0.0.1:80');
    // Two leave while parked (one of each protocol): their places go, and nothing is written to them.
    for (const gone of [fleet[3], fleet[4]]) gone.close();
    const live = fleet.filter((_, i) => i !== 3 && i !== 4);
    await sleep(100);

    for (const [step, address] of ['10.9.0.1:80', '10.9.0.2:80', '10.9.0.3:80'].entries()) {
      pushed.length = 0;
      h.set(GW, gatewaySnapshot(routes, endpoints(address)));
      // The third change is followed by another once it is written (the writes go out in this turn
      // of the loop) and before any ACK can be read: the streams the list wrote take the second
      // change in passes of their own, once their ACKs come.
      const latest = step === 2 ? '10.9.0.4:80' : address;
      if (step === 2) {
        await new Promise((r) => setImmediate(r));
        // Written to every stream; no client has read it yet, so no ACK has come.
        expect(pushed.filter((e) => e.typeUrl === TypeUrl.endpoint)).toHaveLength(live.length);
        expect(live.some((e) => e.endpointAddresses('a').join() === address)).toBe(false);
        h.set(GW, gatewaySnapshot(routes, endpoints(latest)));
      }
      await settled(live, latest);
      const eds = pushed.filter((e) => e.typeUrl === TypeUrl.endpoint);
      if (step < 2) expect(eds.map((e) => e.stream.nodeId).sort()).toEqual(live.map((e) => e.options.nodeId).sort());
      expect(eds.some((e) => e.stream.nodeId === 'envoy-3' || e.stream.nodeId === 'envoy-4')).toBe(false);
    }
    for (const e of live) expect(e.violations).toEqual([]);
  });
});
