// Per stream, per type: what the client subscribed to (with the legacy wildcard rules), what it
// was sent and acknowledged, the response awaiting its ACK, and its last NACK. The fields are
// private: streams read them through getters and change them only through methods named after the
// protocol event (a request, its names, a response sent, an ACK, a NACK), so each rule has one home.
import type { EncodedResource } from './encoded-resource.ts';
import { NO_NAMES, withName, withoutName, type LazyNames, type ReadonlyNames } from './lazy-set.ts';
import type { NamesSpan } from './names-span.ts';
import type { Plan } from './response-plan.ts';
import { SentBook, type ReadonlySent } from './sent-book.ts';
import { SHARE_NAMES_FROM, internNames } from './shared-names.ts';
import type { ResourceTypeUrl } from './resource-types.ts';
import type { NackRecord } from './xds-events.ts';

/** What a type that never sent a full-state response holds: nothing, shared. */
const NO_RESOURCES: ReadonlyMap<string, EncodedResource> = new Map();

export interface InFlight {
  readonly nonce: string;
  readonly version: string;
  /** Names of the resources carried (a view's own map when the response carried all of it). */
  readonly resources: ReadonlyMap<string, unknown>;
  /** The response carried a view's whole set and left the client holding exactly that set. */
  readonly whole?: boolean;
  readonly removed: readonly string[];
  readonly fullState: boolean;
  readonly sentAt: number;
}

/** TypeState's yes/no facts, one bit each of its `bits` field. */
const Bit = {
  /** The client has sent a request for this type on this stream. */
  requested: 1,
  /** `implicitNames` is a Set shared with other streams (never changed in place: ownImplicit copies it first). */
  implicitShared: 2,
  /** A response of this type has gone out on this stream. */
  responded: 4,
  /** The subscription is the wildcard. */
  wildcard: 8,
  /** The last response was rejected and nothing has been accepted since. */
  rejected: 16,
  /** The legacy rule (an empty first request means wildcard) applies to this client. */
  legacyWildcard: 32,
  /** SotW LDS and CDS, whose responses carry the full set. */
  sotwFullState: 64,
  /** The client has named resources explicitly; after that, empty means nothing (docs/xds-protocol.md#wildcard). */
  everNamed: 128,
  /** `explicit` is shared with other streams or is the shared empty set (never changed in place: ownNames copies it first). */
  explicitShared: 256,
} as const;
type Flag = (typeof Bit)[keyof typeof Bit];

export class TypeState {
  // The fields every ACK and every push read come first, so they share the object's first cache
  // lines (a fleet's streams are visited one after another, each state cold).
  private awaiting: InFlight | undefined;
  /** The type view this state was last found fully in sync with; cleared by any change here. */
  private synced: object | undefined;
  /** Yes/no facts, one bit each (see Bit): nine fields of their own would cost 64 bytes more per type, 256 per stream. */
  private bits: number;
  /** Delta only: EDS names the server pushes after a (re)connect without being asked (docs/xds-protocol.md#delta-eds-after-cds). */
  private implicitNames: LazyNames;
  /**
   * What the client is believed to hold, name → version. Updated on send, so a NACKed version is not
   * resent. After a response that carried a view's whole set it is that view's map and nothing more.
   */
  private held = new SentBook();
  /**
   * Names to send even if the client is believed to hold them: new subscriptions and CLAs of changed
   * clusters (docs/xds-protocol.md#answer-new-subscription, #cla-after-cluster-change, #delta-subscribe-always-sent).
   */
  private forced: LazyNames;
  /** Delta: names to report in removed_resources (missing names, the wildcard-unsubscribe exception). */
  private pendingRemoval: LazyNames;
  /**
   * Names subscribed explicitly; interned and shared between streams from SHARE_NAMES_FROM names,
   * and one shared empty set until the first name (never changed in place while shared: ownNames
   * copies it first).
   */
  private explicit: Set<string> = NO_NAMES as Set<string>;
  /**
   * Where the acknowledged version differs from `held` (sent and not yet ACKed, or NACKed): name →
   * the version last ACKed (undefined: none). Kept as a difference so a stream holding thousands of
   * names does not keep a second full map. Allocated on first use, dropped once everything is ACKed.
   */
  private unacked: Map<string, string | undefined> | undefined;
  /**
   * While a response that replaced the whole book awaits its ACK (or after it was NACKed): the book
   * the client had acknowledged before it, standing for every name `unacked` does not list. Saves
   * one `unacked` entry per resource on an initial sync.
   */
  private ackedBook: SentBook | undefined;
  private latestNonce: string | undefined;
  /** SotW: the bytes of the last resource_names list applied (shared between streams). */
  private span: NamesSpan | undefined;
  private sentVersionInfo = '';
  private ackedVersionInfo = '';
  private requestAt = 0;
  readonly typeUrl: ResourceTypeUrl;
  /** SotW full-state types: the resources of the last response, kept so removals can be deferred. */
  private lastFullState: ReadonlyMap<string, EncodedResource> = NO_RESOURCES;
  /** Delta: explicit names already reported as missing. */
  private reportedMissing: LazyNames;
  private nack: NackRecord | undefined;

  constructor(typeUrl: ResourceTypeUrl, legacyWildcard: boolean, sotwFullState: boolean) {
    this.typeUrl = typeUrl;
    this.bits = Bit.explicitShared | (legacyWildcard ? Bit.legacyWildcard : 0) | (sotwFullState ? Bit.sotwFullState : 0);
  }

  private flag(bit: Flag): boolean {
    return (this.bits & bit) !== 0;
  }

  private setFlag(bit: Flag, on: boolean): void {
    this.bits = on ? this.bits | bit : this.bits & ~bit;
  }

  /** The client has sent a request for this type on this stream. */
  get requested(): boolean {
    return this.flag(Bit.requested);
  }

  get wildcard(): boolean {
    return this.flag(Bit.wildcard);
  }

  /** Names the client subscribed to explicitly. */
  get names(): ReadonlySet<string> {
    return this.explicit;
  }

  /** Delta only: EDS names pushed without being asked after a (re)connect. */
  get implicit(): ReadonlyNames {
    return this.implicitNames ?? NO_NAMES;
  }

  /** The names pushed unasked as a Set shared by the fleet, if they are one. */
  get sharedImplicit(): ReadonlySet<string> | undefined {
    return this.flag(Bit.implicitShared) ? this.implicitNames : undefined;
  }

  /** What the client is believed to hold, name → version (sent, whether or not ACKed yet). */
  get sent(): ReadonlySent {
    return this.held;
  }

  /** A view's resources when the client is believed to hold exactly them (then nothing is kept per name). */
  get heldView(): ReadonlyMap<string, EncodedResource> | undefined {
    return this.held.whole;
  }

  /** SotW full-state types: the resources of the last response. */
  get sentResources(): ReadonlyMap<string, EncodedResource> {
    return this.lastFullState;
  }

  /** Names to send even if the client is believed to hold them. */
  get force(): ReadonlyNames {
    return this.forced ?? NO_NAMES;
  }

  /** Delta: names to report in removed_resources. */
  get removePending(): ReadonlyNames {
    return this.pendingRemoval ?? NO_NAMES;
  }

  /** Delta: explicit names already reported as missing. */
  get toldMissing(): ReadonlyNames {
    return this.reportedMissing ?? NO_NAMES;
  }

  /** The response awaiting its ACK, if any. */
  get inFlight(): InFlight | undefined {
    return this.awaiting;
  }

  /** Everything the client is believed to hold is acknowledged: nothing awaits an ACK or was rejected since. */
  get settled(): boolean {
    return this.awaiting === undefined && this.unacked === undefined && this.ackedBook === undefined;
  }

  /** Has any response of this type gone out on this stream? */
  get responded(): boolean {
    return this.flag(Bit.responded);
  }

  get sentVersion(): string {
    return this.sentVersionInfo;
  }

  get ackedVersion(): string {
    return this.ackedVersionInfo;
  }

  get lastNack(): NackRecord | undefined {
    return this.nack;
  }

  /** The last response was rejected and nothing has been accepted since. */
  get rejected(): boolean {
    return this.flag(Bit.rejected);
  }

  /** performance.now() of the last request that was not stale. */
  get lastRequestAt(): number {
    return this.requestAt;
  }

  /** SotW: the bytes of the last resource_names list applied. */
  get namesSpan(): NamesSpan | undefined {
    return this.span;
  }

  /** The type view this state was last found fully in sync with. */
  get syncedWith(): object | undefined {
    return this.synced;
  }

  /** A request for this type arrived (and was not stale). */
  noteRequest(at: number): void {
    this.setFlag(Bit.requested, true);
    this.requestAt = at;
  }

  /** SotW: remembers the bytes of the names list a request carried (applied or restated). */
  noteNamesSpan(span: NamesSpan | undefined): void {
    this.span = span;
  }

  /** SotW: a request that does not echo the latest nonce sent for this type is stale. */
  isStaleNonce(nonce: string): boolean {
    return this.latestNonce !== undefined && nonce !== this.latestNonce;
  }

  /** Does this nonce answer the response awaiting its ACK? */
  answers(nonce: string): boolean {
    return this.awaiting !== undefined && nonce === this.awaiting.nonce;
  }

  /**
   * Delta reconnect: what the client says it already holds (initial_resource_versions). Recorded
   * as the view's own map plus the differences from it, so a fleet reconnecting while it holds the
   * current config keeps nothing per resource (the book reads the same either way).
   */
  restoreHeld(versions: ReadonlyMap<string, string>, view: ReadonlyMap<string, EncodedResource>): void {
    this.settleAckedBook();
    if (this.held.size === 0) {
      let matching = 0;
      for (const [name, version] of versions) if (view.get(name)?.version === version) matching++;
      // Worth it when most of the view is held as it is.
      if (matching * 2 > view.size) {
        this.held = new SentBook(view);
        for (const name of view.keys()) if (!versions.has(name)) this.held.delete(name);
      }
    }
    for (const [name, version] of versions) this.held.set(name, version);
  }

  /**
   * When the client holds exactly the view's resources but the book records them name by name (after
   * a forced resend, a NACK, a removal), the book becomes the view's map again: what it reads is the
   * same, it keeps nothing per name, and the changes that follow are recorded as whole views again.
   * Costs a walk of the view; callers try once per view.
   */
  rebaseHeld(view: ReadonlyMap<string, EncodedResource>): void {
    if (this.held.whole === view || !this.held.holdsExactly(view)) return;
    this.held = new SentBook(view);
  }

  /** The type is fully in sync with this view: nothing to send until it or the view changes. */
  markSynced(view: object): void {
    this.synced = view;
  }

  /** Something outside this state changed what the client must get: plan again. */
  markOutOfSync(): void {
    this.synced = undefined;
  }

  /**
   * Sends this name in the next response even if the client is believed to hold it. A name it does
   * not hold goes out anyway once subscribed, so only held names are recorded (a first sync of
   * thousands of names records none). SotW LDS/CDS answer a forced name even when it does not
   * exist (the response restates the set), so there every name is recorded.
   */
  forceSend(name: string): void {
    if (this.flag(Bit.sotwFullState) || this.held.has(name)) this.forced = withName(this.forced, name);
  }

  /** Delta: pushes an EDS name the client did not ask for (after a reconnect), unless already covered. */
  addImplicit(name: string): void {
    if (this.subscribed(name)) return;
    this.ownImplicit();
    this.implicitNames = withName(this.implicitNames, name);
    this.forceSend(name);
  }

  /**
   * Delta: `names` (a Set shared by the fleet, never changed) pushed unasked, by a type that names,
   * holds and was pushed nothing yet: what addImplicit does name by name, with no Set per stream.
   * False when this type is not in that state (the caller then adds name by name).
   */
  addImplicitShared(names: ReadonlySet<string>): boolean {
    if (names.size === 0 || this.implicitNames !== undefined || this.flag(Bit.wildcard) || this.explicit.size > 0 || this.held.size > 0) return false;
    this.implicitNames = names as Set<string>;
    this.setFlag(Bit.implicitShared, true);
    return true;
  }

  /** Makes `implicitNames` this state's own before changing it. */
  private ownImplicit(): void {
    if (!this.flag(Bit.implicitShared)) return;
    this.implicitNames = new Set(this.implicitNames);
    this.setFlag(Bit.implicitShared, false);
  }

  /**
   * A response is going out and awaits its ACK: what it carries is now believed held, forced names
   * it carries are done, and names it removes are forgotten. `syncedWith` is the view the client
   * then holds in full, undefined when removals were held back.
   */
  recordSent(nonce: string, plan: Plan, syncedWith: object | undefined, sentAt: number): void {
    this.latestNonce = nonce;
    this.setFlag(Bit.responded, true);
    this.sentVersionInfo = plan.version;
    this.synced = syncedWith;
    // The whole set, and nothing else held: the book becomes the view's map, with no entry per resource.
    const whole = plan.whole !== undefined && plan.removed.length === 0 && (plan.fullState || this.heldWithin(plan.whole)) ? plan.whole : undefined;
    if (whole) {
      this.awaiting = { nonce, version: plan.version, resources: whole, whole: true, removed: plan.removed, fullState: plan.fullState, sentAt };
      this.replaceWithWhole(whole);
      if (plan.fullState) this.lastFullState = whole;
      for (const name of [...(this.forced ?? NO_NAMES)]) if (whole.has(name)) this.forced = withoutName(this.forced, name);
      for (const name of [...(this.pendingRemoval ?? NO_NAMES)]) if (whole.has(name)) this.pendingRemoval = withoutName(this.pendingRemoval, name);
      if (plan.fullState) this.forced = undefined;
      return;
    }
    const carried = plan.carried ?? new Map(plan.resources.map((r) => [r.name, r.version] as const));
    // Exactly the change from a view the client held in full, everything acknowledged: the book
    // becomes the new view's map (no entry per changed name, however many changes go by).
    if (plan.change && !plan.fullState && this.held.whole === plan.change.from && this.unacked === undefined && this.ackedBook === undefined) {
      this.awaiting = { nonce, version: plan.version, resources: carried, whole: true, removed: plan.removed, fullState: false, sentAt };
      this.ackedBook = this.held;
      this.held = new SentBook(plan.change.to);
      for (const r of plan.resources) {
        this.forced = withoutName(this.forced, r.name);
        this.pendingRemoval = withoutName(this.pendingRemoval, r.name);
      }
      for (const name of plan.removed) this.forgetRemoved(name);
      return;
    }
    this.awaiting = { nonce, version: plan.version, resources: carried, whole: false, removed: plan.removed, fullState: plan.fullState, sentAt };
    if (plan.fullState) {
      this.replaceSent(carried);
      this.lastFullState = new Map(plan.resources.map((r) => [r.name, r] as const));
      this.forced = undefined;
    } else {
      for (const r of plan.resources) {
        this.setSent(r.name, r.version);
        this.forced = withoutName(this.forced, r.name);
        this.pendingRemoval = withoutName(this.pendingRemoval, r.name);
      }
    }
    for (const name of plan.removed) {
      this.setSent(name, undefined);
      this.forgetRemoved(name);
    }
  }

  /** A name a response removes: nothing left to force or report, and an explicit one is now reported missing. */
  private forgetRemoved(name: string): void {
    this.forced = withoutName(this.forced, name);
    this.pendingRemoval = withoutName(this.pendingRemoval, name);
    if (this.explicit.has(name)) this.reportedMissing = withName(this.reportedMissing, name);
  }

  /** The client accepted the response awaiting its ACK; returns it. */
  recordAck(): InFlight {
    const inFlight = this.awaiting!;
    this.acknowledge(inFlight);
    this.ackedVersionInfo = inFlight.version;
    this.awaiting = undefined;
    return inFlight;
  }

  /**
   * The client rejected the response awaiting its ACK. What was rejected stays recorded as sent, so
   * it is not resent until its content changes (docs/xds-protocol.md#nack-not-resent).
   */
  recordNack(nack: NackRecord): void {
    this.nack = nack;
    this.setFlag(Bit.rejected, true);
    this.awaiting = undefined;
  }

  /** The version of a resource the client acknowledged, if any. */
  ackedVersionOf(name: string): string | undefined {
    if (this.unacked?.has(name)) return this.unacked.get(name);
    return (this.ackedBook ?? this.held).get(name);
  }

  /** Every acknowledged resource, name → version (for the admin API). */
  ackedEntries(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of this.knownNames()) {
      const version = this.ackedVersionOf(name);
      if (version !== undefined) out.set(name, version);
    }
    return out;
  }

  /** Records one resource sent (or removed, with undefined) in a response now awaiting its ACK. */
  setSent(name: string, version: string | undefined): void {
    this.settleAckedBook();
    const before = this.held.get(name);
    if (before === version) return;
    this.unacked ??= new Map();
    if (!this.unacked.has(name)) this.unacked.set(name, before);
    this.held.set(name, version);
  }

  /** Records a full-state response: the client will hold exactly these. */
  replaceSent(next: ReadonlyMap<string, string>): void {
    for (const name of [...this.held.keys()]) if (!next.has(name)) this.setSent(name, undefined);
    for (const [name, version] of next) this.setSent(name, version);
  }

  /**
   * A response carrying exactly a view's change went out and its plain ACK is here, both at once:
   * the state recordSent and recordAck leave, without the record in between. Only for a type with
   * nothing awaiting, everything acknowledged and the change's `from` view held whole (what a parked
   * stream has, see AdsStream.becomeIdle); false, touching nothing, otherwise.
   */
  recordAckedChange(nonce: string, plan: Plan, syncedWith: object): boolean {
    const change = plan.change;
    if (!change || plan.removed.length > 0 || this.awaiting !== undefined || !this.settled || this.held.whole !== change.from || this.forced !== undefined || this.pendingRemoval !== undefined) return false;
    this.latestNonce = nonce;
    this.setFlag(Bit.responded, true);
    this.sentVersionInfo = plan.version;
    this.ackedVersionInfo = plan.version;
    this.setFlag(Bit.rejected, false);
    this.synced = syncedWith;
    this.held = new SentBook(change.to);
    return true;
  }

  /** The client accepted a response: what it carried is now acknowledged. */
  acknowledge(inFlight: InFlight): void {
    this.setFlag(Bit.rejected, false);
    if (inFlight.fullState || inFlight.whole) {
      // Nothing changes `held` while a response awaits its ACK except forgetting names, which the
      // client then no longer holds either: after this ACK it holds what `held` says.
      this.unacked = undefined;
      this.ackedBook = undefined;
      return;
    }
    for (const name of inFlight.resources.keys()) this.dropUnacked(name);
    for (const name of inFlight.removed) this.dropUnacked(name);
  }

  /** Is this name covered by the subscription? */
  subscribed(name: string): boolean {
    return this.flag(Bit.wildcard) || this.explicit.has(name) || this.implicitNames?.has(name) === true;
  }

  /** Names the subscription covers: every resource for wildcard, else the named (and implicit) ones. */
  candidates(resources: ReadonlyMap<string, EncodedResource>): Iterable<string> {
    if (this.flag(Bit.wildcard)) return resources.keys();
    if (this.implicitNames === undefined) return this.explicit;
    return this.namesAndImplicit();
  }

  private *namesAndImplicit(): Iterable<string> {
    yield* this.explicit;
    for (const name of this.implicitNames ?? NO_NAMES) if (!this.explicit.has(name)) yield name;
  }

  /**
   * SotW: each request replaces the whole name set. `{}` first → wildcard; `{*, A}` → wildcard + A;
   * `{A}` → A only; `{}` after names → nothing. Returns the names newly subscribed.
   */
  applySotwNames(requested: readonly string[]): string[] {
    // Envoy restates the same names on every ACK: recognise that cheaply and change nothing (a
    // wildcard CDS or LDS ACK then costs no new plan of the whole set).
    if (this.flag(Bit.everNamed) && requested.length > 0 && this.sameNames(requested)) return [];
    if (requested.length === 0 && this.explicit.size === 0 && this.flag(Bit.wildcard) === (!this.flag(Bit.everNamed) && this.flag(Bit.legacyWildcard))) return [];
    const added: string[] = [];
    const explicit = requested.filter((n) => n !== '*');
    if (requested.length === 0 && !this.flag(Bit.everNamed)) {
      this.setFlag(Bit.wildcard, this.flag(Bit.legacyWildcard));
    } else {
      this.setFlag(Bit.everNamed, true);
      this.setFlag(Bit.wildcard, requested.includes('*'));
    }
    const next = new Set(explicit);
    // No names before or after (a wildcard request): the shared empty Set stays.
    if (next.size > 0 || this.explicit.size > 0) this.ownNames();
    for (const n of this.explicit) {
      if (!next.has(n)) {
        this.explicit.delete(n);
        if (!this.flag(Bit.wildcard)) this.forget(n);
      }
    }
    for (const n of next) {
      if (!this.explicit.has(n)) {
        this.explicit.add(n);
        added.push(n);
        // A newly requested name is answered even if the client had it before (docs/xds-protocol.md#answer-new-subscription).
        this.forceSend(n);
      }
    }
    this.shareNames();
    this.synced = undefined;
    return added;
  }

  /**
   * SotW: the first names list of a type that holds and names nothing yet, as another stream
   * already applied the same list: the same subscription, sharing its Set. Every name is new and
   * none is held, so none is forced (applySotwNames would do the same, name by name). Returns false
   * when this type is not in that state; the list is then applied name by name.
   */
  adoptSotwNames(applied: { readonly explicit: ReadonlySet<string>; readonly wildcard: boolean }): boolean {
    if (this.flag(Bit.everNamed) || this.explicit.size > 0 || this.held.size > 0 || this.flag(Bit.sotwFullState)) return false;
    this.setFlag(Bit.everNamed, true);
    this.setFlag(Bit.wildcard, applied.wildcard);
    this.explicit = applied.explicit as Set<string>;
    this.setFlag(Bit.explicitShared, true);
    this.synced = undefined;
    return true;
  }

  /** The explicit names as a shared Set (never changed in place), if they are one. */
  get sharedNames(): ReadonlySet<string> | undefined {
    return this.flag(Bit.explicitShared) ? this.explicit : undefined;
  }

  /**
   * Delta: requests add and remove names. The first request with nothing to subscribe means
   * wildcard (legacy rule); `*` subscribes or unsubscribes the wildcard explicitly.
   */
  applyDeltaNames(subscribe: readonly string[], unsubscribe: readonly string[], first: boolean): void {
    // A plain ACK changes nothing (and must not cost a full comparison on the next push).
    if (!first && subscribe.length === 0 && unsubscribe.length === 0) return;
    if (first && subscribe.length === 0 && this.flag(Bit.legacyWildcard)) this.setFlag(Bit.wildcard, true);
    for (const n of subscribe) {
      if (n === '*') {
        this.setFlag(Bit.wildcard, true);
        continue;
      }
      this.ownNames();
      this.explicit.add(n);
      this.subscribedExplicitly(n);
    }
    for (const n of unsubscribe) {
      if (n === '*') {
        this.setFlag(Bit.wildcard, false);
        for (const held of [...this.held.keys()]) if (!this.explicit.has(held) && this.implicitNames?.has(held) !== true) this.forget(held);
        continue;
      }
      const held = this.explicit.has(n);
      if (held) {
        this.ownNames();
        this.explicit.delete(n);
      }
      if (this.implicitNames?.has(n) === true) this.ownImplicit();
      this.implicitNames = withoutName(this.implicitNames, n);
      this.reportedMissing = withoutName(this.reportedMissing, n);
      if (this.flag(Bit.wildcard)) {
        // The client dropped its copy; wildcard still covers the name, so it must get an answer
        // (docs/xds-protocol.md#wildcard-unsubscribe).
        if (held) {
          this.forgetHeld(n);
          this.pendingRemoval = withName(this.pendingRemoval, n);
        }
      } else {
        this.forget(n);
      }
    }
    this.shareNames();
    this.synced = undefined;
  }

  /**
   * Delta: a subscription to a list another stream applied first (`applied`: its shared Set), by a
   * type that names nothing and is not wildcard yet. The result is what applyDeltaNames makes of
   * the same list, without decoding or adding a name; each name is visited only when something
   * else this type holds may change with it. False when this type is not in that state.
   */
  adoptDeltaNames(applied: { readonly explicit: ReadonlySet<string>; readonly wildcard: boolean }): boolean {
    if (this.explicit.size > 0 || this.flag(Bit.wildcard)) return false;
    this.setFlag(Bit.wildcard, applied.wildcard);
    this.explicit = applied.explicit as Set<string>;
    this.setFlag(Bit.explicitShared, true);
    if (this.onlyUnaskedInFlight()) {
      // The fleet's usual first sync: every name pushed unasked is in the list and its push still
      // awaits its ACK, so naming each one would only drop it from the shared Set.
      const same = !applied.wildcard && this.implicitNames!.size === applied.explicit.size;
      this.implicitNames = undefined;
      this.setFlag(Bit.implicitShared, false);
      // Exactly those names: the subscription covers what it covered, so the type is as much in
      // sync as it was (no pass over every name to find nothing to send).
      if (same) return true;
    } else if (this.implicitNames !== undefined || this.reportedMissing !== undefined || this.held.size > 0) {
      for (const n of this.explicit) this.subscribedExplicitly(n);
    }
    this.synced = undefined;
    return true;
  }

  /**
   * Is subscribing `explicit` (just adopted) the same as dropping the shared names pushed unasked?
   * True when the list covers every one of them, nothing is reported missing, and whatever is held
   * is exactly those names, in the push that awaits its ACK: subscribedExplicitly then forces
   * nothing (docs/xds-protocol.md#delta-subscribe-always-sent).
   */
  private onlyUnaskedInFlight(): boolean {
    const unasked = this.sharedImplicit;
    if (unasked === undefined || this.reportedMissing !== undefined || !covers(this.explicit, unasked)) return false;
    if (this.held.size === 0) return true;
    const whole = this.held.whole;
    return whole !== undefined && this.awaiting?.resources === whole && this.held.size === whole.size && whole.size === unasked.size && covers(whole, unasked);
  }

  /** Delta: what naming `n` in resource_names_subscribe changes besides the explicit names. */
  private subscribedExplicitly(n: string): void {
    const unasked = this.implicitNames?.has(n) === true;
    if (unasked) this.ownImplicit();
    // Covered explicitly from now on (an unsubscribe drops both): the stream does not keep a
    // second entry per EDS name pushed unasked after its first CDS response.
    this.implicitNames = withoutName(this.implicitNames, n);
    this.reportedMissing = withoutName(this.reportedMissing, n);
    // Always send names in resource_names_subscribe, even at the same version, except one pushed
    // unasked whose push still awaits its ACK: the client subscribed before it read that push,
    // which it then takes (docs/xds-protocol.md#delta-subscribe-always-sent).
    if (!unasked || this.awaiting?.resources.has(n) !== true) this.forceSend(n);
  }

  /** Makes `explicit` this state's own before changing it (called just before a change: a type that never names anything keeps the shared empty Set). */
  private ownNames(): void {
    if (!this.flag(Bit.explicitShared)) return;
    this.explicit = new Set(this.explicit);
    this.setFlag(Bit.explicitShared, false);
  }

  /** Shares `explicit` (of SHARE_NAMES_FROM names or more) with every stream subscribed to the same names. */
  private shareNames(): void {
    if (this.flag(Bit.explicitShared) || this.explicit.size < SHARE_NAMES_FROM) return;
    // A shared set is only read from here on: ownNames() copies it before any change.
    this.explicit = internNames(this.explicit) as Set<string>;
    this.setFlag(Bit.explicitShared, true);
  }

  private sameNames(requested: readonly string[]): boolean {
    let star = false;
    let count = 0;
    for (const n of requested) {
      if (n === '*') star = true;
      else if (!this.explicit.has(n)) return false;
      else count++;
    }
    return star === this.flag(Bit.wildcard) && count === this.explicit.size;
  }

  /** The client no longer holds or wants this name; a later subscription resends it. */
  private forget(name: string): void {
    this.forced = withoutName(this.forced, name);
    this.pendingRemoval = withoutName(this.pendingRemoval, name);
    // SotW LDS/CDS: the next full-state response drops it, so keep it in `sent` until then.
    if (this.flag(Bit.sotwFullState)) return;
    this.forgetHeld(name);
  }

  /** The client no longer holds the name, acknowledged or not. */
  private forgetHeld(name: string): void {
    this.settleAckedBook();
    this.held.delete(name);
    this.dropUnacked(name);
  }

  /** Is every name held also in this set? (Then a response carrying the whole set leaves nothing else held.) */
  private heldWithin(set: ReadonlyMap<string, EncodedResource>): boolean {
    if (this.held.size > set.size) return false;
    for (const name of this.held.keys()) if (!set.has(name)) return false;
    return true;
  }

  /** A response carrying the whole set: `held` becomes the set's own map. */
  private replaceWithWhole(whole: ReadonlyMap<string, EncodedResource>): void {
    if (this.unacked === undefined && this.ackedBook === undefined) {
      // Everything held was acknowledged: the old book stands for what is acknowledged until the ACK.
      this.ackedBook = this.held;
      this.held = new SentBook(whole);
      return;
    }
    // Some names already differ from what was acknowledged: record the new differences per name.
    this.settleAckedBook();
    const before = this.held;
    this.held = new SentBook(whole);
    this.unacked ??= new Map();
    for (const name of before.keys()) if (!this.unacked.has(name) && before.get(name) !== this.held.get(name)) this.unacked.set(name, before.get(name));
    for (const [name, r] of whole) if (!this.unacked.has(name) && before.get(name) !== r.version) this.unacked.set(name, before.get(name));
    if (this.unacked.size === 0) this.unacked = undefined;
  }

  /** Turns `ackedBook` back into per-name differences before `held` changes name by name. */
  private settleAckedBook(): void {
    const acked = this.ackedBook;
    if (!acked) return;
    const diff = new Map<string, string | undefined>();
    for (const name of this.knownNames()) {
      const version = this.ackedVersionOf(name);
      if (version !== this.held.get(name)) diff.set(name, version);
    }
    this.ackedBook = undefined;
    this.unacked = diff.size > 0 ? diff : undefined;
  }

  /** Every name held, acknowledged or recorded as unacknowledged. */
  private knownNames(): Set<string> {
    const names = new Set(this.held.keys());
    if (this.ackedBook) for (const name of this.ackedBook.keys()) names.add(name);
    if (this.unacked) for (const name of this.unacked.keys()) names.add(name);
    return names;
  }

  private dropUnacked(name: string): void {
    if (this.unacked?.delete(name) && this.unacked.size === 0) this.unacked = undefined;
  }
}

const coverAnswers = new WeakMap<object, WeakMap<object, boolean>>();

/**
 * Does `outer` have every name of `inner`? Both are shared by a fleet, which asks once per stream:
 * the answer is kept per pair (weakly: it keeps neither alive).
 */
function covers(outer: ReadonlySet<string> | ReadonlyMap<string, unknown>, inner: ReadonlySet<string>): boolean {
  let answers = coverAnswers.get(outer);
  const known = answers?.get(inner);
  if (known !== undefined) return known;
  let all = true;
  for (const name of inner) {
    if (!outer.has(name)) {
      all = false;
      break;
    }
  }
  if (!answers) coverAnswers.set(outer, (answers = new WeakMap()));
  answers.set(inner, all);
  return all;
}
