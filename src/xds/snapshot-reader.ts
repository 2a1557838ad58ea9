// What the xDS streams and server read from the snapshot store: per-Gateway views, readiness, the
// boot version prefix and change events. Streams depend on this seam, not on SnapshotCache, so the
// store can change (or be faked in a test) without touching the protocol code.
import type { EncodedResource } from './encoded-resource.ts';
import type { ClientVariant, ResourceTypeUrl } from './resource-types.ts';

/** One type's resources in a snapshot. Immutable; reused as-is when a new snapshot leaves it unchanged. */
export interface TypeView {
  readonly typeUrl: ResourceTypeUrl;
  readonly resources: ReadonlyMap<string, EncodedResource>;
  /** SotW version_info for this set: boot prefix + hash of names and versions. */
  readonly version: string;
  /** DiscoveryResponse fields version_info + every resource + type_url; a stream appends its nonce. */
  fullStateBody(): Buffer;
  /** The same for DeltaDiscoveryResponse (system_version_info, every resource, type_url): a first sync. */
  fullDeltaBody(): Buffer;
  /** The view this one replaced (one step back only), and the names added, changed or removed since. */
  readonly previous: TypeView | undefined;
  readonly changed: ReadonlySet<string>;
  /** What changed since `previous`, framed once for every stream that was in sync with it. */
  changes(): ChangeSet;
}

/**
 * The difference between a type view and the one it replaced, as a response carries it. A stream
 * that held all of the previous view and is subscribed to every changed name sends exactly this,
 * and every such stream shares the framed body (a CLA change to a whole fleet is framed once).
 */
export interface ChangeSet {
  /** The changed names this view has, in `changed` order. */
  readonly resources: readonly EncodedResource[];
  /** The changed names this view no longer has, in `changed` order. */
  readonly removed: readonly string[];
  /** The resources as name → version (what a response carrying them leaves awaiting its ACK). */
  readonly carried: ReadonlyMap<string, string>;
  /** DiscoveryResponse version_info + the resources + type_url; a stream appends its nonce. */
  sotwBody(): Buffer;
  /** DeltaDiscoveryResponse system_version_info + the resources + type_url + removed_resources. */
  deltaBody(): Buffer;
}

/** What a stream reads: one Gateway's resources for one client variant. */
export interface SnapshotView {
  readonly gatewayKey: string;
  readonly variant: ClientVariant;
  /** performance.now() when this snapshot was set; push latency is measured from here. */
  readonly setAt: number;
  /** A number no other snapshot of this process has (cheaper to remember than the snapshot). */
  readonly seq: number;
  type(typeUrl: ResourceTypeUrl): TypeView;
  /** Does this snapshot hold the same type views as `other` for every type but `typeUrl`? (Remembered for the last `other` asked about: a fleet asks about the same one.) */
  differsOnlyIn(other: SnapshotView, typeUrl: ResourceTypeUrl): boolean;
}

export type SnapshotListener = (gatewayKey: string) => void;

export interface SnapshotReader {
  /** Prefix of every SotW version_info, distinct per process. */
  readonly versionPrefix: string;
  /** Has the first full translation been stored? Until then the server refuses streams. */
  isReady(): boolean;
  hasGateway(gatewayKey: string): boolean;
  /**
   * The store's own string for this Gateway key when it holds the Gateway, else the key given: a
   * stream that reads with it is looked up without comparing the characters of its own copy.
   */
  gatewayKey(gatewayKey: string): string;
  /** The snapshot a client of this variant reads (falling back to the 'envoy' form), if any. */
  view(gatewayKey: string, variant: ClientVariant): SnapshotView | undefined;
  /** An empty view, served to clients that name an unknown Gateway. */
  emptyView(gatewayKey: string, variant: ClientVariant): SnapshotView;
  /** Calls the listener with the Gateway key after every change to its snapshots; returns an unsubscribe. */
  onChange(listener: SnapshotListener): () => void;
}
