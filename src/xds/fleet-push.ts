// One endpoint change pushed to a whole fleet as one response: the change's shared plan, framed
// once with a nonce every stream sends as it is. A stream idle and holding the previous view's
// endpoints writes these bytes and nothing else; what it records about the response is written
// later, the next time the stream itself is visited (AdsStream.settleFleetPush), so a push to N
// streams costs N writes and little else.
//
// A nonce only has to be unique within its stream (docs/xds-protocol.md#nonces). A stream's own
// nonces are base-36 counts (response-frame.ts); fleet nonces start with '~', which no count has,
// and each fleet push takes a new one, so no stream ever sees the same nonce twice.
import type { PlainAck } from './discovery-request.ts';
import type { NamesSpan } from './names-span.ts';
import { stringField } from './proto-wire.ts';
import type { Plan } from './response-plan.ts';
import { TypeUrl } from './resource-types.ts';
import type { SnapshotView, TypeView } from './snapshot-reader.ts';

let fleetNonces = 0;

/** The endpoint type URL as a plain ACK carries it. */
const EDS_TYPE_URL = Buffer.from(TypeUrl.endpoint);

export class FleetPush {
  readonly plan: Plan;
  /** The view a stream holds in full once it sent this. */
  readonly to: TypeView;
  readonly nonce: string;
  /** The nonce as its ACK carries it. */
  readonly nonceBytes: Buffer;
  /** The whole response: the plan's shared body and the nonce field. */
  readonly bytes: Buffer;
  /** performance.now() when the first stream wrote it. */
  readonly began = performance.now();
  private askedNames: ReadonlySet<string> | undefined;
  private answer = false;
  private ack: PlainAck | undefined;

  constructor(plan: Plan, to: TypeView) {
    this.plan = plan;
    this.to = to;
    this.nonce = `~${(++fleetNonces).toString(36)}`;
    this.nonceBytes = Buffer.from(this.nonce);
    this.bytes = Buffer.concat([plan.sharedBody!, stringField(5, this.nonce)]);
  }

  /** How long after `began` a stream writes it, in whole microseconds (at most about 18 minutes: a later one reads as that). */
  delayMicros(at: number): number {
    const micros = (at - this.began) * 1000;
    return micros < 0x3fffffff ? micros | 0 : 0x3fffffff;
  }

  /**
   * What a plain ACK of this push carries, with SotW's restated names list when given. Remembered
   * for the last list asked about: a fleet restates the same shared one.
   */
  plainAck(names: NamesSpan | undefined): PlainAck {
    if (this.ack?.names !== names) this.ack = undefined;
    this.ack ??= names ? { typeUrl: EDS_TYPE_URL, nonce: this.nonceBytes, names } : { typeUrl: EDS_TYPE_URL, nonce: this.nonceBytes };
    return this.ack;
  }

  /**
   * Does a subscription to `names` (undefined: wildcard) cover every resource this push carries?
   * Remembered for the last set asked about: a fleet subscribed with the same list shares one set.
   */
  covers(names: ReadonlySet<string> | undefined): boolean {
    if (names === undefined) return true;
    if (names !== this.askedNames) {
      this.askedNames = names;
      this.answer = this.plan.resources.every((r) => names.has(r.name));
    }
    return this.answer;
  }
}

/**
 * What a change to `view` means for streams parked on the endpoints view `on` with subscription
 * `names` (undefined: wildcard), idle with `idle`: 'unchanged' when their endpoints did not change
 * (they stay parked, idle with `view`); the fleet's push when the change goes to them as one;
 * undefined to leave it to each stream's own pass. One decision for a stream's own fleet push
 * (AdsStream.pushFleetChange) and for a parked list's (parked-fleet.ts).
 */
export function parkedChange(idle: SnapshotView, view: SnapshotView, on: TypeView, names: ReadonlySet<string> | undefined, changePlan: (tv: TypeView) => Plan): FleetPush | 'unchanged' | undefined {
  if (!view.differsOnlyIn(idle, TypeUrl.endpoint)) return undefined;
  const tv = view.type(TypeUrl.endpoint);
  if (tv === on) return 'unchanged';
  if (tv.previous !== on) return undefined;
  const push = fleetPushOf(changePlan(tv), tv);
  return push?.covers(names) ? push : undefined;
}

const pushes = new WeakMap<Plan, FleetPush>();

/**
 * The fleet push of a change plan (one made per view and protocol, see sharedChangePlan), or
 * undefined when the change is not one a fleet can share: it removes names (those wait for
 * make-before-break, stream by stream), or it changes every resource (a whole set, planned and
 * recorded as such by the full pass).
 */
function fleetPushOf(plan: Plan, to: TypeView): FleetPush | undefined {
  if (plan.removed.length > 0 || plan.resources.length === 0 || plan.resources.length >= to.resources.size || !plan.sharedBody) return undefined;
  let push = pushes.get(plan);
  if (!push) {
    push = new FleetPush(plan, to);
    pushes.set(plan, push);
  }
  return push;
}
