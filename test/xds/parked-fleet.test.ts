// The server's parked lists (src/xds/parked-fleet.ts): who is written to, what each member is told,
// and that what the lists hold follows the streams parked now. Members are recording stand-ins for
// streams; the stream's side (taking a list's push up) runs in stream-fake-call.test.ts, and real
// gRPC clients in the loopback suites go through these lists on every endpoint change.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { StreamCall } from '../../src/xds/ads-stream.ts';
import { planDeltaChange } from '../../src/xds/delta-stream.ts';
import { ParkedFleets, type ParkedStream, type Parking } from '../../src/xds/parked-fleet.ts';
import { TypeUrl } from '../../src/xds/resource-types.ts';
import type { ResponseFrame } from '../../src/xds/response-frame.ts';
import { SnapshotCache } from '../../src/xds/snapshot-cache.ts';
import { planSotwChange } from '../../src/xds/sotw-stream.ts';
import { emptyCounters, type PushEvent, type StreamInfo } from '../../src/xds/xds-events.ts';
import { decodeResponse } from '../support/fake-envoy.ts';
import { encodeSnapshot, gatewaySnapshot } from './xds-fixtures.ts';

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
