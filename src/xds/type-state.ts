// Per stream, per type: what the client subscribed to (with the legacy wildcard rules), what it
// was sent and acknowledged, the response awaiting its ACK, and its last NACK.
import type { EncodedResource } from './encoded-resource.ts';
import { LazySet } from './lazy-set.ts';
import type { ResourceTypeUrl } from './resource-types.ts';
import type { NackRecord } from './xds-events.ts';

/** What a type that never sent a full-state response holds: nothing, shared. */
const NO_RESOURCES: ReadonlyMap<string, EncodedResource> = new Map();

export interface InFlight {
  readonly nonce: string;
  readonly version: string;
  /** Resources carried, name → version. */
  readonly resources: ReadonlyMap<string, string>;
  readonly removed: readonly string[];
  readonly fullState: boolean;
  readonly sentAt: number;
}

export class TypeState {
  readonly typeUrl: ResourceTypeUrl;
  /** Whether the legacy rule (an empty first request means wildcard) applies to this client. */
  private readonly legacyWildcard: boolean;
  /** The client has sent a request for this type on this stream. */
  requested = false;
  wildcard = false;
  /** Has the client ever named resources explicitly? After that, empty means nothing (§1.4). */
  private everNamed = false;
  readonly names = new Set<string>();
  /** Delta only: EDS names the server pushes after a (re)connect without being asked (P4). */
  readonly implicit = new LazySet();
  /** What the client is believed to hold, name → version. Updated on send, so a NACKed version is not resent. */
  readonly sent = new Map<string, string>();
  /**
   * Where the acknowledged version differs from `sent` (sent and not yet ACKed, or NACKed): name →
   * the version last ACKed (undefined: none). Kept as a difference so a stream holding thousands of
   * names does not keep a second full map. Allocated on first use, dropped once everything is ACKed.
   */
  private unacked: Map<string, string | undefined> | undefined;
  /** SotW full-state types: the resources of the last response, kept so removals can be deferred. */
  sentResources: ReadonlyMap<string, EncodedResource> = NO_RESOURCES;
  /** Names to send even if the client is believed to hold them (re-subscriptions, P3, P14). */
  readonly force = new LazySet();
  /** Delta: names to report in removed_resources (missing names, the wildcard-unsubscribe exception). */
  readonly removePending = new LazySet();
  /** Delta: explicit names already reported as missing. */
  readonly toldMissing = new LazySet();
  lastNonce: string | undefined;
  inFlight: InFlight | undefined;
  responded = false;
  sentVersion = '';
  ackedVersion = '';
  lastNack: NackRecord | undefined;
  /** The last response was rejected and nothing has been accepted since. */
  rejected = false;
  lastRequestAt = 0;
  /** SotW: digest of the last resource_names list applied. */
  namesDigest: string | undefined;
  /** The type view this state was last found fully in sync with; cleared by any change here. */
  syncedWith: object | undefined;

  /** SotW LDS and CDS, whose responses carry the full set. */
  private readonly sotwFullState: boolean;

  constructor(typeUrl: ResourceTypeUrl, legacyWildcard: boolean, sotwFullState: boolean) {
    this.typeUrl = typeUrl;
    this.legacyWildcard = legacyWildcard;
    this.sotwFullState = sotwFullState;
  }

  /** The version of a resource the client acknowledged, if any. */
  ackedVersionOf(name: string): string | undefined {
    return this.unacked?.has(name) ? this.unacked.get(name) : this.sent.get(name);
  }

  /** Every acknowledged resource, name → version (for the admin API). */
  ackedEntries(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, version] of this.sent) if (!this.unacked?.has(name)) out.set(name, version);
    for (const [name, version] of this.unacked ?? []) if (version !== undefined) out.set(name, version);
    return out;
  }

  /** Records one resource sent (or removed, with undefined) in a response now awaiting its ACK. */
  setSent(name: string, version: string | undefined): void {
    const before = this.sent.get(name);
    if (before === version) return;
    this.unacked ??= new Map();
    if (!this.unacked.has(name)) this.unacked.set(name, before);
    if (version === undefined) this.sent.delete(name);
    else this.sent.set(name, version);
  }

  /** Records a full-state response: the client will hold exactly these. */
  replaceSent(next: ReadonlyMap<string, string>): void {
    for (const name of [...this.sent.keys()]) if (!next.has(name)) this.setSent(name, undefined);
    for (const [name, version] of next) this.setSent(name, version);
  }

  /** The client accepted a response: what it carried is now acknowledged. */
  acknowledge(inFlight: InFlight): void {
    this.rejected = false;
    if (inFlight.fullState) {
      this.unacked = undefined;
      return;
    }
    for (const name of inFlight.resources.keys()) this.dropUnacked(name);
    for (const name of inFlight.removed) this.dropUnacked(name);
  }

  /** Is this name covered by the subscription? */
  subscribed(name: string): boolean {
    return this.wildcard || this.names.has(name) || this.implicit.has(name);
  }

  /** Names the subscription covers: every resource for wildcard, else the named (and implicit) ones. */
  candidates(resources: ReadonlyMap<string, EncodedResource>): Iterable<string> {
    if (this.wildcard) return resources.keys();
    if (this.implicit.size === 0) return this.names;
    return this.namesAndImplicit();
  }

  private *namesAndImplicit(): Iterable<string> {
    yield* this.names;
    for (const name of this.implicit) if (!this.names.has(name)) yield name;
  }

  /**
   * SotW: each request replaces the whole name set. `{}` first → wildcard; `{*, A}` → wildcard + A;
   * `{A}` → A only; `{}` after names → nothing. Returns the names newly subscribed.
   */
  applySotwNames(requested: readonly string[]): string[] {
    // Envoy restates the same names on every ACK: recognise that cheaply and change nothing.
    if (this.everNamed && requested.length > 0 && this.sameNames(requested)) return [];
    const added: string[] = [];
    const explicit = requested.filter((n) => n !== '*');
    if (requested.length === 0 && !this.everNamed) {
      this.wildcard = this.legacyWildcard;
    } else {
      this.everNamed = true;
      this.wildcard = requested.includes('*');
    }
    const next = new Set(explicit);
    for (const n of this.names) {
      if (!next.has(n)) {
        this.names.delete(n);
        if (!this.wildcard) this.forget(n);
      }
    }
    for (const n of next) {
      if (!this.names.has(n)) {
        this.names.add(n);
        added.push(n);
        // A newly requested name is answered even if the client had it before (P6).
        this.force.add(n);
      }
    }
    this.syncedWith = undefined;
    return added;
  }

  /**
   * Delta: requests add and remove names. The first request with nothing to subscribe means
   * wildcard (legacy rule); `*` subscribes or unsubscribes the wildcard explicitly.
   */
  applyDeltaNames(subscribe: readonly string[], unsubscribe: readonly string[], first: boolean): void {
    // A plain ACK changes nothing (and must not cost a full comparison on the next push).
    if (!first && subscribe.length === 0 && unsubscribe.length === 0) return;
    if (first && subscribe.length === 0 && this.legacyWildcard) this.wildcard = true;
    for (const n of subscribe) {
      if (n === '*') {
        this.wildcard = true;
        continue;
      }
      this.names.add(n);
      this.toldMissing.delete(n);
      // Always send names in resource_names_subscribe, even at the same version (P14).
      this.force.add(n);
    }
    for (const n of unsubscribe) {
      if (n === '*') {
        this.wildcard = false;
        for (const held of [...this.sent.keys()]) if (!this.names.has(held) && !this.implicit.has(held)) this.forget(held);
        continue;
      }
      const held = this.names.delete(n);
      this.implicit.delete(n);
      this.toldMissing.delete(n);
      if (this.wildcard) {
        // The client dropped its copy; wildcard still covers the name, so it must get an answer (§1.5).
        if (held) {
          this.sent.delete(n);
          this.dropUnacked(n);
          this.removePending.add(n);
        }
      } else {
        this.forget(n);
      }
    }
    this.syncedWith = undefined;
  }

  private sameNames(requested: readonly string[]): boolean {
    let star = false;
    let count = 0;
    for (const n of requested) {
      if (n === '*') star = true;
      else if (!this.names.has(n)) return false;
      else count++;
    }
    return star === this.wildcard && count === this.names.size;
  }

  /** The client no longer holds or wants this name; a later subscription resends it. */
  private forget(name: string): void {
    this.force.delete(name);
    this.removePending.delete(name);
    // SotW LDS/CDS: the next full-state response drops it, so keep it in `sent` until then.
    if (this.sotwFullState) return;
    this.sent.delete(name);
    this.dropUnacked(name);
  }

  private dropUnacked(name: string): void {
    if (this.unacked?.delete(name) && this.unacked.size === 0) this.unacked = undefined;
  }
}
