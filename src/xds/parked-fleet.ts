// Streams parked together: idle and in sync with the same snapshot, holding the same endpoints view
// in full, with the same subscription, protocol and variant (AdsStream.becomeIdle). An endpoint
// change to them is one FleetPush, and the server writes it down this list of calls without
// visiting the streams; each takes the push up at its next event (AdsStream.unpark), recording it
// as written when the list wrote it. Per stream the push costs one write, as in the floor of
// docs/performance.md.
//
// A stream leaves its list at any event of its own (a request, a pass, its end), before it reads
// or changes its state; lists are dense (the last member takes a leaver's slot) and a list with no
// member is dropped, so what they hold is bounded by the streams parked now.
import type { StreamCall } from './ads-stream.ts';
import { parkedChange, type FleetPush } from './fleet-push.ts';
import type { Plan } from './response-plan.ts';
import { TypeUrl, type ClientVariant, type XdsProtocol } from './resource-types.ts';
import type { SnapshotReader, SnapshotView, TypeView } from './snapshot-reader.ts';
import { bump, pushEvent, type StreamInfo, type XdsCounters, type XdsEvents } from './xds-events.ts';

/** What a list needs of a parked stream. */
export interface ParkedStream {
  /** The write returned false: the stream waits for 'drain' before writing again. */
  backPressured(): void;
  /** The write threw (a bug): the stream ends, no other. */
  stepFailed(step: 'push', err: unknown): void;
}

/** What a fleet shares: a stream parks in the list with all of these equal to its own. */
export interface Parking {
  /** The store's key of the Gateway the streams read, and their variant: the view they follow. */
  readonly gateway: string;
  readonly variant: ClientVariant;
  readonly protocol: XdsProtocol;
  /** The snapshot the streams are idle with, and the endpoints view they hold in full. */
  readonly idle: SnapshotView;
  readonly on: TypeView;
  /** Their explicit EDS subscription (one shared Set), or undefined: wildcard. */
  readonly names: ReadonlySet<string> | undefined;
  /** The protocol's shared change plan of a view (SotwStream / DeltaStream changePlan). */
  readonly changePlan: (tv: TypeView) => Plan;
}

/** One stream's place in a list: its slot, and the callback of the push written to it. */
export class Place {
  readonly fleet: ParkedFleet;
  readonly stream: ParkedStream;
  readonly info: StreamInfo;
  /** Its position in the list (moved when another member leaves; fixed once the list is written). */
  slot: number;
  /**
   * Made when the stream parks (once per ACK), so the loop writing a push allocates nothing per
   * stream; it reports the write as AdsStream reports its own, reading nothing of the stream.
   */
  readonly written = (): void => this.fleet.written(this);

  constructor(fleet: ParkedFleet, stream: ParkedStream, info: StreamInfo, slot: number) {
    this.fleet = fleet;
    this.stream = stream;
    this.info = info;
    this.slot = slot;
  }
}

export class ParkedFleet {
  readonly parking: Parking;
  /** The snapshot the members are idle with now: a change that left their endpoints alone moves it. */
  idle: SnapshotView;
  /** Set once written: the push, the snapshot it was written for, and each slot's write time (µs after push.began). */
  push: FleetPush | undefined;
  pushedView: SnapshotView | undefined;
  delays: Int32Array | undefined;
  /** The server's flush round that last handled this list (its members need no pass in that round). */
  round = 0;
  /** Still found by streams parking now (not spent, let go or emptied). */
  listed = true;
  /** By slot: the members, their calls and their write callbacks (the loop reads only the last two). */
  private places: Place[] = [];
  private calls: StreamCall[] = [];
  private callbacks: (() => void)[] = [];
  /** The events the push is reported to (set when written). */
  private events: XdsEvents = {};
  private readonly owner: ParkedFleets;
  /** The key the owner lists it under. */
  readonly key: string;

  constructor(owner: ParkedFleets, key: string, parking: Parking) {
    this.owner = owner;
    this.key = key;
    this.parking = parking;
    this.idle = parking.idle;
  }

  get size(): number {
    return this.places.length;
  }

  join(stream: ParkedStream, call: StreamCall, info: StreamInfo): Place {
    const place = new Place(this, stream, info, this.places.length);
    this.places.push(place);
    this.calls.push(call);
    this.callbacks.push(place.written);
    return place;
  }

  /** A member leaves before the push: the last member takes its slot. */
  leave(place: Place): void {
    const slot = place.slot;
    const last = this.places.length - 1;
    if (slot !== last) {
      const moved = this.places[last];
      moved.slot = slot;
      this.places[slot] = moved;
      this.calls[slot] = this.calls[last];
      this.callbacks[slot] = this.callbacks[last];
    }
    this.places.pop();
    this.calls.pop();
    this.callbacks.pop();
    if (last === 0) this.owner.drop(this);
  }

  /** When a member's write went out (performance.now()), from its slot's delay. */
  writtenAt(place: Place): number {
    return this.push!.began + this.delays![place.slot] / 1000;
  }

  /** A member's write was taken by its connection: its `pushed` event. */
  written(place: Place): void {
    const push = this.push!;
    const setAt = this.pushedView!.setAt;
    this.events.pushed?.(pushEvent(place.info, TypeUrl.endpoint, push.plan, push.bytes.length, this.writtenAt(place) - setAt, setAt));
  }

  /**
   * The Gateway's view changed to `view`. Returns true when this list took it: it wrote the change
   * to every member, or the change left the members' endpoints alone (they stay parked, idle with
   * `view`). False: the members need a pass of their own (they leave the list when it runs).
   */
  take(view: SnapshotView, counters: XdsCounters, events: XdsEvents): boolean {
    const { on, names, changePlan } = this.parking;
    const push = parkedChange(this.idle, view, on, names, changePlan);
    if (push === undefined) return false;
    if (push === 'unchanged') {
      this.idle = view;
      return true;
    }
    this.write(push, view, counters, events);
    return true;
  }

  private write(push: FleetPush, view: SnapshotView, counters: XdsCounters, events: XdsEvents): void {
    const places = this.places;
    const calls = this.calls;
    const callbacks = this.callbacks;
    const n = places.length;
    const delays = new Int32Array(n);
    this.push = push;
    this.pushedView = view;
    this.delays = delays;
    this.events = events;
    // Spent: the members take the push up from here, and nothing is written to this list again.
    this.places = [];
    this.calls = [];
    this.callbacks = [];
    bump(counters.pushes, TypeUrl.endpoint, n);
    bump(counters.pushBytes, TypeUrl.endpoint, n * push.bytes.length);
    const bytes = push.bytes;
    const pushed = events.pushed !== undefined;
    for (let i = 0; i < n; i++) {
      const at = performance.now();
      delays[i] = push.delayMicros(at);
      try {
        if (!calls[i].write(bytes, pushed ? callbacks[i] : undefined)) places[i].stream.backPressured();
      } catch (err) {
        places[i].stream.stepFailed('push', err);
      }
    }
  }
}

const WILDCARD = {};

/** One server's parked lists, by Gateway (the key its streams are grouped under) and subscription. */
export class ParkedFleets {
  private readonly byGateway = new Map<string, Map<object, ParkedFleet[]>>();
  private listed = 0;
  /** Changes lists took: written as one push, and left alone (their endpoints unchanged). */
  readonly taken = { pushed: 0, unchanged: 0 };

  /** Parks a stream in the list sharing all of `parking` (made if none): its place there. */
  join(key: string, stream: ParkedStream, call: StreamCall, info: StreamInfo, parking: Parking): Place {
    let bySubscription = this.byGateway.get(key);
    if (!bySubscription) {
      bySubscription = new Map();
      this.byGateway.set(key, bySubscription);
    }
    const subscription = parking.names ?? WILDCARD;
    let lists = bySubscription.get(subscription);
    if (!lists) {
      lists = [];
      bySubscription.set(subscription, lists);
    }
    let fleet = lists.find((f) => sameParking(f, parking));
    if (!fleet) {
      fleet = new ParkedFleet(this, key, parking);
      lists.push(fleet);
      this.listed++;
    }
    return fleet.join(stream, call, info);
  }

  /**
   * Gateway `key` changed: every list of it takes the change or is let go (its members then need
   * their own pass). Lists that took it are marked with `round`. Returns how many streams they
   * hold: when that is every stream of the Gateway, none needs a pass.
   */
  take(key: string, cache: SnapshotReader, round: number, counters: XdsCounters, events: XdsEvents): number {
    const bySubscription = this.byGateway.get(key);
    if (!bySubscription) return 0;
    let streams = 0;
    for (const lists of [...bySubscription.values()]) {
      for (const fleet of [...lists]) {
        const view = cache.view(fleet.parking.gateway, fleet.parking.variant);
        const size = fleet.size;
        let took = false;
        try {
          took = view !== undefined && fleet.take(view, counters, events);
        } finally {
          if (took) {
            fleet.round = round;
            streams += size;
            this.taken[fleet.push ? 'pushed' : 'unchanged']++;
          }
          if (!took || fleet.push) this.drop(fleet);
        }
      }
    }
    return streams;
  }

  /** Forgets a list (empty, spent, or let go); its members still find it through their own reference. */
  drop(fleet: ParkedFleet): void {
    if (!fleet.listed) return;
    fleet.listed = false;
    this.listed--;
    const bySubscription = this.byGateway.get(fleet.key)!;
    const subscription = fleet.parking.names ?? WILDCARD;
    const lists = bySubscription.get(subscription)!;
    lists.splice(lists.indexOf(fleet), 1);
    if (lists.length > 0) return;
    bySubscription.delete(subscription);
    if (bySubscription.size === 0) this.byGateway.delete(fleet.key);
  }

  /** Lists held now (for tests: what parking keeps is bounded by the streams parked). */
  get lists(): number {
    return this.listed;
  }
}

function sameParking(fleet: ParkedFleet, p: Parking): boolean {
  const q = fleet.parking;
  return fleet.idle === p.idle && q.on === p.on && q.gateway === p.gateway && q.variant === p.variant && q.protocol === p.protocol;
}
