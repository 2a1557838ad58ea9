// Per Gateway and client variant, the encoded resources by type. Every resource version is framed
// once (interned by type, name and content hash) and shared by every stream and every Gateway that
// holds the same bytes. Versions: per resource the content hash; per SotW type a boot prefix plus
// a hash of the set, so a restarted process never claims a client already has its config
// (docs/xds-protocol.md#versions).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { contentHash, frameResource, type EncodedResource } from './encoded-resource.ts';
import { setVersion, sumAfter, sumOf, type SetSum } from './set-version.ts';
import { stringField, typeUrlField } from './proto-wire.ts';
import { PUSH_ORDER, type ClientVariant, type EncodedInput, type ResourceTypeUrl, type ResourcesByType } from './resource-types.ts';
import type { ChangeSet, SnapshotListener, SnapshotReader, SnapshotView, TypeView } from './snapshot-reader.ts';

export interface EncodingStats {
  /** Resource framings (Any + delta Resource wrapper) performed since start; streams never frame. */
  framings: number;
  /** Resource versions currently held by some snapshot. */
  liveResourceVersions: number;
  /** The largest number of framings of any live resource version. Must be 1. */
  maxEncodingsPerVersion: number;
}

export interface SnapshotCacheOptions {
  /** Prefix of every SotW version_info; defaults to a random per-process value. */
  versionPrefix?: string;
  logger?: Logger;
}

interface Interned {
  readonly key: string;
  readonly resource: EncodedResource;
  refs: number;
  encodings: number;
}

class TypeSet implements TypeView {
  readonly typeUrl: ResourceTypeUrl;
  readonly resources: ReadonlyMap<string, EncodedResource>;
  readonly version: string;
  /** The hash behind `version` (set-version.ts), from which a following set's is worked out. */
  readonly sum: SetSum;
  previous: TypeSet | undefined;
  changed: ReadonlySet<string> = new Set();
  /**
   * The input bytes of each resource, in the resources' order, when the set was built from inputs
   * naming each resource once: a following input with the same bytes object is unchanged, known
   * without a hash lookup (see followInPlace). Undefined otherwise.
   */
  sources: readonly Uint8Array[] | undefined;
  private body: Buffer | undefined;
  private deltaBody: Buffer | undefined;
  private changeSet: Changes | undefined;

  constructor(typeUrl: ResourceTypeUrl, resources: Map<string, EncodedResource>, prefix: string, sum: SetSum) {
    this.typeUrl = typeUrl;
    this.resources = resources;
    this.sum = sum;
    this.version = setVersion(prefix, sum);
  }

  /** Links this set to the one it replaces (`changed`: the names added, changed or removed since), keeping a single step so old sets can be collected. */
  follow(old: TypeSet, changed: ReadonlySet<string>): void {
    old.previous = undefined;
    this.previous = old;
    this.changed = changed;
  }

  changes(): ChangeSet {
    this.changeSet ??= new Changes(this);
    return this.changeSet;
  }

  fullDeltaBody(): Buffer {
    this.deltaBody ??= Buffer.concat([stringField(1, this.version), ...[...this.resources.values()].map((r) => r.deltaField), stringField(4, this.typeUrl)]);
    return this.deltaBody;
  }

  fullStateBody(): Buffer {
    this.body ??= Buffer.concat([stringField(1, this.version), ...[...this.resources.values()].map((r) => r.sotwField), stringField(4, this.typeUrl)]);
    return this.body;
  }
}

/** What a type set changed from the one it followed, framed on first use. */
class Changes implements ChangeSet {
  readonly resources: readonly EncodedResource[];
  readonly removed: readonly string[];
  readonly carried: ReadonlyMap<string, string>;
  private readonly set: TypeSet;
  private sotw: Buffer | undefined;
  private delta: Buffer | undefined;

  constructor(set: TypeSet) {
    this.set = set;
    const resources: EncodedResource[] = [];
    const removed: string[] = [];
    for (const name of set.changed) {
      const r = set.resources.get(name);
      if (r) resources.push(r);
      else removed.push(name);
    }
    this.resources = resources;
    this.removed = removed;
    this.carried = new Map(resources.map((r) => [r.name, r.version]));
  }

  sotwBody(): Buffer {
    this.sotw ??= Buffer.concat([stringField(1, this.set.version), ...this.resources.map((r) => r.sotwField), typeUrlField(this.set.typeUrl)]);
    return this.sotw;
  }

  deltaBody(): Buffer {
    this.delta ??= Buffer.concat([stringField(1, this.set.version), ...this.resources.map((r) => r.deltaField), typeUrlField(this.set.typeUrl), ...this.removed.map((name) => stringField(6, name))]);
    return this.delta;
  }
}

/** A Gateway's snapshots by client variant, under the key string they were first stored with. */
interface GatewaySnapshots {
  readonly key: string;
  envoy?: Snapshot;
  grpc?: Snapshot;
}

const EMPTY_PREFIX_SETS = new Map<string, TypeSet>();

/** Records the bytes of the inputs a set was built from, one per resource in its order (copied: a caller may reuse its array). */
function withSources(set: TypeSet, inOrder: readonly EncodedInput[] | undefined): TypeSet {
  set.sources = inOrder?.map((input) => input.bytes);
  return set;
}

let snapshotSeq = 0;

class Snapshot implements SnapshotView {
  readonly gatewayKey: string;
  readonly variant: ClientVariant;
  readonly setAt: number;
  readonly types: ReadonlyMap<ResourceTypeUrl, TypeSet>;
  readonly seq = ++snapshotSeq;
  private lastAsked: { readonly other: number; readonly typeUrl: ResourceTypeUrl; readonly answer: boolean } | undefined;

  constructor(gatewayKey: string, variant: ClientVariant, types: Map<ResourceTypeUrl, TypeSet>) {
    this.gatewayKey = gatewayKey;
    this.variant = variant;
    this.setAt = performance.now();
    this.types = types;
  }

  type(typeUrl: ResourceTypeUrl): TypeView {
    return this.types.get(typeUrl)!;
  }

  differsOnlyIn(other: SnapshotView, typeUrl: ResourceTypeUrl): boolean {
    const asked = this.lastAsked;
    if (asked && asked.typeUrl === typeUrl && asked.other === other.seq) return asked.answer;
    let answer = true;
    for (const [t, set] of this.types) if (t !== typeUrl && other.type(t) !== set) answer = false;
    // By number: remembering the answer must not keep the older snapshot (and, through its own
    // answer, every one before it) alive.
    this.lastAsked = { other: other.seq, typeUrl, answer };
    return answer;
  }
}

export class SnapshotCache implements SnapshotReader {
  readonly versionPrefix: string;
  private readonly logger: Logger | undefined;
  /** Per Gateway, per client variant: looked up on every push, so no key is built per lookup. */
  private readonly snapshots = new Map<string, GatewaySnapshots>();
  private readonly interned = new Map<string, Interned>();
  /** Content hash by bytes identity (input bytes are never mutated once handed over). */
  private readonly hashes = new WeakMap<Uint8Array, string>();
  /** The interning entry of each framed resource, by identity (releasing builds no keys). */
  private readonly entries = new WeakMap<EncodedResource, Interned>();
  private readonly listeners = new Set<SnapshotListener>();
  private ready = false;
  private framed = 0;

  constructor(options: SnapshotCacheOptions = {}) {
    // 32 random bits in 7 base-36 characters (every version_info carries them); no '-', which
    // separates the prefix from the hash.
    this.versionPrefix = options.versionPrefix ?? randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0');
    this.logger = options.logger;
  }

  /**
   * Replaces a Gateway's resources for one client variant. Resources whose bytes did not change keep
   * their framing and version. Returns problems found in the input (duplicate names are dropped,
   * the first one wins, so no response ever carries a name twice: docs/xds-protocol.md#no-duplicate-names).
   */
  setSnapshot(gatewayKey: string, variant: ClientVariant, resourcesByType: ResourcesByType): string[] {
    const problems: string[] = [];
    const previous = this.snapshots.get(gatewayKey)?.[variant];
    const types = new Map<ResourceTypeUrl, TypeSet>();
    /** Sets replaced, with the names their successors changed or removed. */
    const replaced: [TypeSet, ReadonlySet<string>][] = [];
    for (const typeUrl of PUSH_ORDER) {
      const inputs: readonly EncodedInput[] = resourcesByType[typeUrl] ?? [];
      const old = previous?.types.get(typeUrl);
      // An unchanged type keeps its set (and its framed body) and touches no reference counts.
      const next = (old && this.followInPlace(old, inputs)) ?? this.buildSet(typeUrl, inputs, old, (name) => problems.push(`Gateway ${gatewayKey} (${variant}): duplicate ${typeUrl} resource "${name}" dropped`));
      if (old && next !== old) replaced.push([old, next.changed]);
      types.set(typeUrl, next);
    }
    const forGateway = this.snapshots.get(gatewayKey) ?? { key: gatewayKey };
    forGateway[variant] = new Snapshot(gatewayKey, variant, types);
    this.snapshots.set(gatewayKey, forGateway);
    // A replaced set gives up only what its successor did not take over: the changed and removed names.
    for (const [set, changed] of replaced) for (const name of changed) this.releaseOne(set.resources.get(name));
    for (const p of problems) this.logger?.warn({ gateway: gatewayKey, variant }, p);
    this.notify(gatewayKey);
    return problems;
  }

  /** Forgets a Gateway (all variants, or one). Its clients then get an empty config. */
  deleteSnapshot(gatewayKey: string, variant?: ClientVariant): void {
    const forGateway = this.snapshots.get(gatewayKey);
    if (!forGateway) return;
    let changed = false;
    for (const v of variant ? [variant] : (['envoy', 'grpc'] as const)) {
      const snap = forGateway[v];
      if (!snap) continue;
      delete forGateway[v];
      for (const set of snap.types.values()) this.release(set);
      changed = true;
    }
    if (!forGateway.envoy && !forGateway.grpc) this.snapshots.delete(gatewayKey);
    if (changed) this.notify(gatewayKey);
  }

  /** Declares the first full translation done; until then the server refuses streams. */
  markReady(): void {
    this.ready = true;
  }

  isReady(): boolean {
    return this.ready;
  }

  hasGateway(gatewayKey: string): boolean {
    return this.snapshots.has(gatewayKey);
  }

  gateways(): string[] {
    return [...this.snapshots.keys()].sort();
  }

  /** This store's own string for a Gateway key it holds (a lookup with it compares no characters), else the key given. */
  gatewayKey(gatewayKey: string): string {
    return this.snapshots.get(gatewayKey)?.key ?? gatewayKey;
  }

  /** The snapshot a client of this variant reads, falling back to the 'envoy' form. */
  view(gatewayKey: string, variant: ClientVariant): SnapshotView | undefined {
    const forGateway = this.snapshots.get(gatewayKey);
    return forGateway?.[variant] ?? forGateway?.envoy;
  }

  /** An empty view, served to clients that name an unknown Gateway. */
  emptyView(gatewayKey: string, variant: ClientVariant): SnapshotView {
    const types = new Map<ResourceTypeUrl, TypeSet>();
    for (const t of PUSH_ORDER) {
      let set = EMPTY_PREFIX_SETS.get(`${this.versionPrefix}\0${t}`);
      if (!set) {
        set = new TypeSet(t, new Map(), this.versionPrefix, sumOf([]));
        EMPTY_PREFIX_SETS.set(`${this.versionPrefix}\0${t}`, set);
      }
      types.set(t, set);
    }
    return new Snapshot(gatewayKey, variant, types);
  }

  /** Called with the Gateway key after every change to its snapshots. */
  onChange(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  encodingStats(): EncodingStats {
    let max = 0;
    for (const entry of this.interned.values()) max = Math.max(max, entry.encodings);
    return { framings: this.framed, liveResourceVersions: this.interned.size, maxEncodingsPerVersion: max };
  }

  /**
   * The common case: the inputs name the set's resources in its order (an endpoint change keeps
   * every name). Then only the resources whose bytes changed are looked at: returns `old` itself
   * when none did, the following set when some did, and undefined when the names differ (then
   * buildSet does the general work). Callers hand over the same bytes for unchanged resources, so
   * most are recognised by identity without hashing.
   */
  private followInPlace(old: TypeSet, inputs: readonly EncodedInput[]): TypeSet | undefined {
    if (inputs.length !== old.resources.size) return undefined;
    const differing: number[] = [];
    const sources = old.sources;
    let i = 0;
    for (const [name, r] of old.resources) {
      const input = inputs[i];
      if (input.name !== name) return undefined;
      if (input.bytes !== sources?.[i] && this.versionOf(input.bytes) !== r.version) differing.push(i);
      i++;
    }
    if (differing.length === 0) return old;
    // The set in place passes its reference on each unchanged resource to this one (see release).
    const resources = new Map(old.resources);
    const changed = new Set<string>();
    for (const at of differing) {
      const input = inputs[at];
      resources.set(input.name, this.intern(old.typeUrl, input, this.versionOf(input.bytes)));
      changed.add(input.name);
    }
    return this.successor(old, resources, changed, inputs);
  }

  /** A set from any inputs (the first of duplicate names wins; `duplicate` hears of the rest), following `old` if given; `old` itself when nothing differs. */
  private buildSet(typeUrl: ResourceTypeUrl, inputs: readonly EncodedInput[], old: TypeSet | undefined, duplicate: (name: string) => void): TypeSet {
    const resources = new Map<string, EncodedResource>();
    const changed = new Set<string>();
    for (const input of inputs) {
      if (resources.has(input.name)) {
        duplicate(input.name);
        continue;
      }
      const version = this.versionOf(input.bytes);
      const before = old?.resources.get(input.name);
      // Unchanged since the set in place: the same framing, found without building its key; the
      // old set's reference to it passes to the new set (see release).
      if (before?.version === version) resources.set(input.name, before);
      else {
        resources.set(input.name, this.intern(typeUrl, input, version));
        changed.add(input.name);
      }
    }
    // With no duplicate dropped, the resources are the inputs in their order.
    const inOrder = resources.size === inputs.length ? inputs : undefined;
    if (!old) return withSources(new TypeSet(typeUrl, resources, this.versionPrefix, sumOf(resources.values())), inOrder);
    for (const name of old.resources.keys()) if (!resources.has(name)) changed.add(name);
    return changed.size === 0 ? old : this.successor(old, resources, changed, inOrder);
  }

  /** The set following `old` with these resources, `changed` naming what differs: its version worked out from the old one's by those names alone. */
  private successor(old: TypeSet, resources: Map<string, EncodedResource>, changed: ReadonlySet<string>, inOrder: readonly EncodedInput[] | undefined): TypeSet {
    const out: EncodedResource[] = [];
    const into: EncodedResource[] = [];
    for (const name of changed) {
      const before = old.resources.get(name);
      const after = resources.get(name);
      if (before) out.push(before);
      if (after) into.push(after);
    }
    const set = new TypeSet(old.typeUrl, resources, this.versionPrefix, sumAfter(old.sum, out, into));
    set.follow(old, changed);
    return withSources(set, inOrder);
  }

  /** Content hash of resource bytes, remembered by identity: callers reuse the bytes of unchanged resources. */
  private versionOf(bytes: Uint8Array): string {
    let version = this.hashes.get(bytes);
    if (version === undefined) {
      version = contentHash(bytes);
      this.hashes.set(bytes, version);
    }
    return version;
  }

  private intern(typeUrl: ResourceTypeUrl, input: EncodedInput, version: string): EncodedResource {
    const key = `${typeUrl}\0${input.name}\0${version}`;
    let entry = this.interned.get(key);
    if (!entry) {
      entry = { key, resource: frameResource(typeUrl, input.name, input.bytes, version), refs: 0, encodings: 1 };
      this.framed++;
      this.interned.set(key, entry);
      this.entries.set(entry.resource, entry);
    }
    entry.refs++;
    return entry.resource;
  }

  /** Every set holds one reference to each of its framed resources; a set leaving drops them. */
  private release(set: TypeSet): void {
    for (const r of set.resources.values()) this.releaseOne(r);
  }

  private releaseOne(r: EncodedResource | undefined): void {
    const entry = r && this.entries.get(r);
    if (entry && --entry.refs <= 0) this.interned.delete(entry.key);
  }

  private notify(gatewayKey: string): void {
    for (const listener of this.listeners) listener(gatewayKey);
  }
}

