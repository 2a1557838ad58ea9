// The one place where effects meet the pure core. It owns the only timer in Tether's data path.
//
// At any moment exactly one of these is happening (the loop is single-threaded; a rebuild is
// synchronous CPU work, so two can never overlap):
//   1. waiting: nothing changed since the last rebuild;
//   2. collecting: the store changed; the rebuild waits for `quietMs` without further changes, but
//      never longer than `maxMs` after the first one, so a constant trickle cannot starve it;
//   3. rebuilding: translate the whole store (pure) → build each Gateway's Envoy resources (pure,
//      Envoy and gRPC-client forms) → encode each resource to protobuf (bytes of resources whose JSON
//      did not change are reused, not re-encoded) → set every Gateway's snapshots (Gateways that
//      disappeared are deleted, so their Envoys get an empty config) → hand statuses to the source;
//      when only EndpointSlices changed, the fast path instead recomputes just the clusters of the
//      Services they belong to and swaps those ClusterLoadAssignments in (statuses cannot change);
//   4. stopped.
// Translation is best-effort: a bad object becomes a status, never an exception. An exception is
// therefore a bug; it is logged and counted, and the previous snapshots stay served.
import type { Logger } from 'pino';
import type { KubeObject } from '../k8s/kube-object.ts';
import type { IR, GatewayIR, ClusterIR } from '../ir/ir.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { ObjectStore, StoreChange } from '../sources/object-store.ts';
import type { Metrics } from '../admin/metrics.ts';
import { MessageType, type JsonObject } from '../codec/proto-registry.ts';
import { ResourceEncoder } from './resource-encoder.ts';
import { TypeUrl, typeShortName, type ClientVariant, type EncodedInput, type ResourceTypeUrl, type ResourcesByType } from '../xds/resource-types.ts';

/** What translation returns (translate/translate.ts). */
export interface TranslationResult {
  ir: IR;
  statuses: ObjectStatus[];
}

/** One Gateway's Envoy resources as proto3 JSON (envoy/build-envoy-resources.ts). */
export interface EnvoyResources {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
}

/** The parts of the snapshot cache the loop drives (xds/snapshot-cache.ts). */
export interface SnapshotSink {
  setSnapshot(gatewayKey: string, variant: ClientVariant, resources: ResourcesByType): string[];
  deleteSnapshot(gatewayKey: string, variant?: ClientVariant): void;
  markReady(): void;
}

export interface RebuildLoopOptions {
  store: ObjectStore;
  translate: (objects: KubeObject[]) => TranslationResult;
  /** Per client variant, IR → Envoy resources. */
  builders: Record<ClientVariant, (gateway: GatewayIR) => EnvoyResources>;
  encode: (typeName: string, json: JsonObject) => Uint8Array;
  snapshots: SnapshotSink;
  /** Where statuses go (the source: logs them, or writes them to Kubernetes). */
  publishStatuses: (statuses: readonly ObjectStatus[]) => void;
  logger: Logger;
  metrics?: Metrics;
  debounce?: { quietMs: number; maxMs: number };
  /** Adds what translation cannot know to the statuses before they are published (Envoy NACKs). */
  decorateStatuses?: (statuses: readonly ObjectStatus[], ir: IR) => readonly ObjectStatus[];
  /** The EndpointSlice fast path; without it every change is a full rebuild. */
  endpoints?: {
    /** State for the fast path, made after each full rebuild from its objects and IR. */
    index: (objects: readonly KubeObject[], ir: IR) => EndpointRefresher;
    /** Per client variant, an IR cluster → its ClusterLoadAssignment. */
    build: Record<ClientVariant, (cluster: ClusterIR) => JsonObject>;
  };
}

/** Recomputes the clusters an EndpointSlice change affects (endpoint-fast-path.ts). */
export interface EndpointRefresher {
  apply(changes: readonly { key: string; next: KubeObject | undefined }[]): { gateway: string; cluster: ClusterIR }[] | undefined;
}

/** What the last successful rebuild produced, for the admin API. */
export interface RebuildResult {
  /** Store revision it was built from. */
  revision: number;
  ir: IR;
  statuses: readonly ObjectStatus[];
  /** Gateway key → its resources in both client forms. */
  resources: ReadonlyMap<string, Readonly<Record<ClientVariant, EnvoyResources>>>;
  /** Time taken, milliseconds. */
  durationMs: number;
  encoded: number;
  reused: number;
  /** True when only EndpointSlices changed and only the affected clusters' endpoints were recomputed. */
  fastPath: boolean;
  /** Where the time went, milliseconds. */
  phases: Record<string, number>;
}

const TYPES: { key: keyof EnvoyResources; typeUrl: ResourceTypeUrl; typeName: string; nameField: string }[] = [
  { key: 'listeners', typeUrl: TypeUrl.listener, typeName: MessageType.listener, nameField: 'name' },
  { key: 'routes', typeUrl: TypeUrl.route, typeName: MessageType.routeConfiguration, nameField: 'name' },
  { key: 'clusters', typeUrl: TypeUrl.cluster, typeName: MessageType.cluster, nameField: 'name' },
  { key: 'endpoints', typeUrl: TypeUrl.endpoint, typeName: MessageType.clusterLoadAssignment, nameField: 'cluster_name' },
];

const VARIANTS: readonly ClientVariant[] = ['envoy', 'grpc'];

export class RebuildLoop {
  private readonly o: RebuildLoopOptions;
  private readonly log: Logger;
  private readonly quietMs: number;
  private readonly maxMs: number;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  private pending: StoreChange = { keys: [], kinds: new Set() };
  private stopped = false;
  /** Encoded resources currently served, by Gateway and client variant. */
  private sets = new Map<string, Record<ClientVariant, ResourcesByType>>();
  private fastPath: EndpointRefresher | undefined;
  /** What the fast path is built from, lazily (on the first endpoint-only change after a full rebuild). */
  private fastPathInput: { objects: readonly KubeObject[]; ir: IR } | undefined;
  private readyMarked = false;
  private published: readonly ObjectStatus[] = [];
  private readonly encoder: ResourceEncoder;
  private last: RebuildResult | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(options: RebuildLoopOptions) {
    this.o = options;
    this.log = options.logger.child({ component: 'rebuild-loop' });
    this.quietMs = options.debounce?.quietMs ?? 10;
    this.maxMs = options.debounce?.maxMs ?? 100;
    this.encoder = new ResourceEncoder(options.encode);
  }

  /** Builds the first config from what the store holds now, marks the xDS server ready, then follows changes. */
  start(): void {
    this.unsubscribe = this.o.store.subscribe((change) => this.onChange(change));
    this.rebuild();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
  }

  /** True once a rebuild has succeeded (the xDS server is then ready). */
  get ready(): boolean {
    return this.last !== undefined;
  }

  latest(): RebuildResult | undefined {
    return this.last;
  }

  /** Resolves after the next rebuild attempt (tests, and callers that want to observe a change). */
  nextRebuild(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Rebuilds now if changes are pending (skips the debounce). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.rebuild();
  }

  private onChange(change: StoreChange): void {
    if (this.stopped) return;
    for (const k of change.keys) this.pending.keys.push(k);
    for (const k of change.kinds) this.pending.kinds.add(k);
    const now = performance.now();
    if (!this.timer) this.firstPendingAt = now;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.firstPendingAt + this.maxMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, wait);
  }

  /** One rebuild, synchronously: the endpoint fast path when it applies, else the whole pipeline. Never throws. */
  private rebuild(): void {
    const started = performance.now();
    const revision = this.o.store.revision;
    const change = this.pending;
    this.pending = { keys: [], kinds: new Set() };
    const m = this.o.metrics;
    m?.rebuilds.inc();
    try {
      const fast = this.isEndpointOnly(change) && this.fastRebuild(change, started, revision);
      if (!fast) this.fullRebuild(change, started, revision);
      // Refuse-until-ready (xds-control-plane.md P8): streams get config only after this first success.
      if (!this.readyMarked) {
        this.readyMarked = true;
        this.o.snapshots.markReady();
      }
      m?.translationDuration.observe((performance.now() - started) / 1000);
      if (!fast) this.publish();
    } catch (err) {
      m?.rebuildErrors.inc();
      // Its state may be half-updated; the next full rebuild makes a new one.
      this.fastPath = undefined;
      this.fastPathInput = undefined;
      this.log.error({ err, revision }, 'rebuild failed; the previous config stays served');
    } finally {
      for (const w of this.waiters) w();
      this.waiters.clear();
    }
  }

  /** Statuses as last published: translation's, plus the decorations (NACK conditions). */
  publishedStatuses(): readonly ObjectStatus[] {
    return this.published;
  }

  /** Publishes the latest statuses again, because a decoration changed (a NACK came or went). */
  republish(): void {
    if (this.last && !this.stopped) this.publish();
  }

  private publish(): void {
    const last = this.last!;
    try {
      this.published = this.o.decorateStatuses ? this.o.decorateStatuses(last.statuses, last.ir) : last.statuses;
      this.o.publishStatuses(this.published);
    } catch (err) {
      this.log.error({ err }, 'publishing statuses failed');
    }
  }

  private isEndpointOnly(change: StoreChange): boolean {
    return this.o.endpoints !== undefined && (this.fastPath !== undefined || this.fastPathInput !== undefined) && this.last !== undefined &&
      change.keys.length > 0 && change.kinds.size === 1 && change.kinds.has('EndpointSlice');
  }

  private fullRebuild(change: StoreChange, started: number, revision: number): void {
    const m = this.o.metrics;
    this.encoder.begin();
    const objects = this.o.store.list();
    const translated = this.o.translate(objects);
    const translatedAt = performance.now();
    const resources = new Map<string, Record<ClientVariant, EnvoyResources>>();
    const encodedSets = new Map<string, Record<ClientVariant, ResourcesByType>>();
    const counts = { encoded: 0, reused: 0 };
    for (const gw of translated.ir.gateways) {
      const forms = {} as Record<ClientVariant, EnvoyResources>;
      const sets = {} as Record<ClientVariant, ResourcesByType>;
      for (const variant of VARIANTS) {
        const built = this.o.builders[variant](gw);
        forms[variant] = built;
        const byType: ResourcesByType = {};
        for (const t of TYPES) byType[t.typeUrl] = built[t.key].map((json) => this.encodeCached(t, gw.name, variant, json, counts));
        sets[variant] = byType;
      }
      resources.set(gw.name, forms);
      encodedSets.set(gw.name, sets);
    }
    const builtAt = performance.now();

    // Everything built: only now touch what is served, so a failure above changes nothing.
    for (const [gateway, sets] of encodedSets) this.setSnapshots(gateway, sets);
    for (const gateway of this.sets.keys()) {
      if (encodedSets.has(gateway)) continue;
      this.o.snapshots.deleteSnapshot(gateway);
      for (const variant of VARIANTS) for (const t of TYPES) m?.configSize.remove({ gateway, variant, type: typeShortName(t.typeUrl) });
      this.log.info({ gateway }, 'Gateway gone; its Envoys now get an empty config');
    }
    this.sets = encodedSets;
    this.encoder.sweep();
    const snapshotAt = performance.now();
    this.fastPath = undefined;
    this.fastPathInput = { objects, ir: translated.ir };

    const durationMs = performance.now() - started;
    const phases = { translate: translatedAt - started, buildEncode: builtAt - translatedAt, snapshot: snapshotAt - builtAt };
    this.last = { revision, ir: translated.ir, statuses: translated.statuses, resources, durationMs, ...counts, fastPath: false, phases };
    this.log.info(
      { revision, gateways: encodedSets.size, changed: change.keys.length, ...counts, ms: round(durationMs) },
      'config rebuilt',
    );
  }

  /**
   * Only EndpointSlices changed: recompute the affected clusters' endpoints and swap their CLAs into
   * the served sets. Returns false when the fast path cannot answer (then a full rebuild runs).
   */
  private fastRebuild(change: StoreChange, started: number, revision: number): boolean {
    const endpoints = this.o.endpoints!;
    const last = this.last!;
    const keys = [...new Set(change.keys)];
    if (!this.fastPath && this.fastPathInput) {
      // Built from the objects and IR of the last full rebuild, before this change.
      this.fastPath = endpoints.index(this.fastPathInput.objects, this.fastPathInput.ir);
      this.fastPathInput = undefined;
    }
    const refreshed = this.fastPath!.apply(keys.map((key) => ({ key, next: this.o.store.get(key) })));
    if (!refreshed) return false;
    const refreshedAt = performance.now();
    const counts = { encoded: 0, reused: 0 };
    const byGateway = new Map<string, ClusterIR[]>();
    for (const r of refreshed) byGateway.set(r.gateway, [...(byGateway.get(r.gateway) ?? []), r.cluster]);

    const ir: IR = { gateways: last.ir.gateways.map((g) => {
      const changed = byGateway.get(g.name);
      if (!changed) return g;
      const byName = new Map(changed.map((c) => [c.name, c]));
      return { ...g, clusters: g.clusters.map((c) => byName.get(c.name) ?? c) };
    }) };
    const resources = new Map(last.resources);
    const nextByGateway = new Map<string, Record<ClientVariant, ResourcesByType>>();
    for (const [gateway, clusters] of byGateway) {
      const sets = this.sets.get(gateway);
      const forms = resources.get(gateway);
      if (!sets || !forms) continue;
      const nextSets = {} as Record<ClientVariant, ResourcesByType>;
      const nextForms = {} as Record<ClientVariant, EnvoyResources>;
      for (const variant of VARIANTS) {
        const claList = [...(sets[variant][TypeUrl.endpoint] ?? [])];
        const jsonList = [...forms[variant].endpoints];
        for (const cluster of clusters) {
          const json = endpoints.build[variant](cluster);
          const encoded = this.encodeCached(TYPES[3], gateway, variant, json, counts);
          const i = claList.findIndex((r) => r.name === encoded.name);
          if (i >= 0) claList[i] = encoded;
          const j = jsonList.findIndex((r) => r['cluster_name'] === encoded.name);
          if (j >= 0) jsonList[j] = json;
        }
        nextSets[variant] = { ...sets[variant], [TypeUrl.endpoint]: claList };
        nextForms[variant] = { ...forms[variant], endpoints: jsonList };
      }
      nextByGateway.set(gateway, nextSets);
      resources.set(gateway, nextForms);
    }
    // The new ClusterLoadAssignment bytes exist from here on (DESIGN.md's "translated in ≤ 1 ms").
    const encodedAt = performance.now();
    for (const [gateway, nextSets] of nextByGateway) {
      this.sets.set(gateway, nextSets);
      this.setSnapshots(gateway, nextSets);
    }
    const snapshotAt = performance.now();
    const durationMs = snapshotAt - started;
    this.last = {
      ...last, revision, ir, resources, durationMs, ...counts, fastPath: true,
      phases: { refresh: refreshedAt - started, encode: encodedAt - refreshedAt, snapshot: snapshotAt - encodedAt },
    };
    this.log.debug({ revision, clusters: refreshed.length, changed: keys.length, ...counts, ms: round(durationMs) }, 'endpoints updated');
    return true;
  }

  private encodeCached(t: (typeof TYPES)[number], gateway: string, variant: ClientVariant, json: JsonObject, counts: { encoded: number; reused: number }): EncodedInput {
    const rawName = json[t.nameField];
    const name = typeof rawName === 'string' ? rawName : '';
    const { bytes, reused } = this.encoder.encode(t.typeName, `${gateway}\0${variant}`, name, json);
    const type = typeShortName(t.typeUrl);
    if (reused) {
      counts.reused++;
      this.o.metrics?.resourcesReused.inc({ type });
    } else {
      counts.encoded++;
      this.o.metrics?.resourcesEncoded.inc({ type });
    }
    return { name, bytes };
  }

  private setSnapshots(gateway: string, sets: Record<ClientVariant, ResourcesByType>): void {
    const m = this.o.metrics;
    for (const variant of VARIANTS) {
      const problems = this.o.snapshots.setSnapshot(gateway, variant, sets[variant]);
      for (const p of problems) this.log.warn({ gateway, variant }, p);
      if (m) {
        for (const t of TYPES) {
          let size = 0;
          for (const r of sets[variant][t.typeUrl] ?? []) size += r.bytes.length;
          m.configSize.set({ gateway, variant, type: typeShortName(t.typeUrl) }, size);
        }
      }
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
