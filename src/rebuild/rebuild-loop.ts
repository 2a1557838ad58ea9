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
//      disappeared are deleted, so their Envoys get an empty config) → hand statuses to the source
//      (snapshot-builder.ts does the building, encoding and serving); when only EndpointSlices
//      changed, the fast path instead recomputes just the clusters of the Services they belong to
//      (translate/endpoint-fast-path.ts) and swaps those ClusterLoadAssignments in
//      (endpoint-splice.ts); statuses cannot change; when only HTTPRoutes and GRPCRoutes changed,
//      the route fast path (translate/route-fast-path.ts, recorded by the last full translation)
//      translates just those routes and rebuilds just the Gateways they name, and the other
//      Gateways keep what they are served;
//   4. stopped.
// Translation is best-effort: a bad object becomes a status, never an exception. An exception is
// therefore a bug; it is logged and counted, and the previous snapshots stay served.
import type { Logger } from 'pino';
import type { KubeObject } from '../k8s/kube-object.ts';
import type { IR, GatewayIR, ClusterIR } from '../ir/ir.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { ObjectStore, StoreChange } from '../sources/object-store.ts';
import type { Metrics } from '../admin/metrics.ts';
import type { EnvoyResources } from '../envoy/build-envoy-resources.ts';
import type { JsonObject } from '../codec/json.ts';
import type { RefreshedCluster } from '../translate/endpoint-fast-path.ts';
import type { ClientVariant } from '../xds/resource-types.ts';
import type { RebuildResult, RouteRefresher, TranslationResult } from './rebuild-result.ts';
import { SnapshotBuilder, type SnapshotSink } from './snapshot-builder.ts';

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

/** Recomputes the clusters an EndpointSlice change affects (translate/endpoint-fast-path.ts). */
export interface EndpointRefresher {
  apply(changes: readonly { key: string; next: KubeObject | undefined }[]): RefreshedCluster[] | undefined;
}

/** How long a rebuild runs before it gives the event loop a turn. */
const SLICE_MS = 10;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class RebuildLoop {
  private readonly o: RebuildLoopOptions;
  private readonly log: Logger;
  private readonly quietMs: number;
  private readonly maxMs: number;
  private readonly builder: SnapshotBuilder;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  private pending: StoreChange = { keys: [], kinds: new Set() };
  private stopped = false;
  private fastPath: EndpointRefresher | undefined;
  /** What the fast path is built from, lazily (on the first endpoint-only change after a full rebuild). */
  private fastPathInput: { objects: readonly KubeObject[]; ir: IR } | undefined;
  /** The route fast path of the last full translation (it moves on with each route edit it answers). */
  private routeFastPath: RouteRefresher | undefined;
  private readyMarked = false;
  private published: readonly ObjectStatus[] = [];
  private last: RebuildResult | undefined;
  private readonly waiters = new Set<() => void>();
  /** A yielding rebuild is under way; another one waits for it (`rerun`). */
  private building = false;
  private rerun = false;

  constructor(options: RebuildLoopOptions) {
    this.o = options;
    this.log = options.logger.child({ component: 'rebuild-loop' });
    this.quietMs = options.debounce?.quietMs ?? 10;
    this.maxMs = options.debounce?.maxMs ?? 100;
    this.builder = new SnapshotBuilder({ builders: options.builders, encode: options.encode, snapshots: options.snapshots, logger: this.log, metrics: options.metrics });
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
    if (this.building) this.rerun = true;
    else this.rebuild();
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
      void this.rebuildYielding();
    }, wait);
  }

  /**
   * A rebuild that gives the event loop a turn whenever it has run for a time slice (between
   * translation and building, between Gateways, every few hundred encodes), so xDS streams and
   * the admin API keep answering during a long rebuild. One at a time: changes arriving meanwhile
   * make another rebuild follow.
   */
  private async rebuildYielding(): Promise<void> {
    if (this.building) {
      this.rerun = true;
      return;
    }
    this.building = true;
    try {
      const steps = this.rebuildSteps();
      let sliceStart = performance.now();
      for (let r = steps.next(); !r.done; r = steps.next()) {
        if (performance.now() - sliceStart < SLICE_MS) continue;
        await yieldToEventLoop();
        if (this.stopped) {
          steps.return(undefined); // abandoned: nothing half-built is served
          return;
        }
        sliceStart = performance.now();
      }
    } finally {
      this.building = false;
    }
    if (this.rerun && !this.stopped) {
      this.rerun = false;
      void this.rebuildYielding();
    }
  }

  /** One rebuild, synchronously: the endpoint fast path when it applies, else the whole pipeline. Never throws. */
  private rebuild(): void {
    const steps = this.rebuildSteps();
    while (!steps.next().done);
  }

  /** The rebuild, in steps (it yields where the event loop may take a turn). */
  private *rebuildSteps(): Generator<void, void> {
    const started = performance.now();
    const revision = this.o.store.revision;
    const change = this.pending;
    this.pending = { keys: [], kinds: new Set() };
    const m = this.o.metrics;
    m?.rebuilds.inc();
    try {
      const fast = this.isEndpointOnly(change) && this.fastRebuild(change, started, revision);
      const routesOnly = !fast && this.isRouteOnly(change) && (yield* this.routeRebuild(change, started, revision));
      if (!fast && !routesOnly) yield* this.fullRebuild(change, started, revision);
      // Refuse until ready: streams get config only after this first success (SnapshotCache.markReady).
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
      this.routeFastPath = undefined;
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

  private isRouteOnly(change: StoreChange): boolean {
    if (this.routeFastPath === undefined || this.last === undefined || change.keys.length === 0) return false;
    for (const k of change.kinds) if (k !== 'HTTPRoute' && k !== 'GRPCRoute') return false;
    return true;
  }

  /**
   * Only routes changed: translate just them (the route fast path) and serve the Gateways they
   * name, the others as they are. Returns false when the fast path cannot answer (then a full
   * rebuild runs).
   */
  private *routeRebuild(change: StoreChange, started: number, revision: number): Generator<void, boolean> {
    const last = this.last!;
    const objects = this.o.store.list();
    const keys = [...new Set(change.keys)];
    const refresher = this.routeFastPath;
    this.routeFastPath = undefined; // until it has answered: an exception leaves no half-moved state behind
    const translated = refresher?.apply(keys.map((key) => ({ key, next: this.o.store.get(key) })), objects, last.ir);
    if (!refresher || !translated) return false;
    const translatedAt = performance.now();
    yield;
    const served = yield* this.builder.serveAllSteps(translated.ir);
    this.routeFastPath = refresher;
    // The endpoint fast path is made again, lazily, from these objects and this IR.
    this.fastPath = undefined;
    this.fastPathInput = { objects, ir: translated.ir };
    const durationMs = performance.now() - started;
    const { resources, encoded, reused } = served;
    this.last = { ...last, revision, ir: translated.ir, statuses: translated.statuses, resources, durationMs, encoded, reused, fastPath: false, routeFastPath: true, phases: { translate: translatedAt - started, ...served.phases } };
    this.log.info({ revision, gateways: resources.size, changed: keys.length, encoded, reused, ms: round(durationMs) }, 'routes updated');
    return true;
  }

  private *fullRebuild(change: StoreChange, started: number, revision: number): Generator<void, void> {
    const objects = this.o.store.list();
    const translated = this.o.translate(objects);
    this.routeFastPath = translated.routes;
    const translatedAt = performance.now();
    yield;
    const served = yield* this.builder.serveAllSteps(translated.ir);
    this.fastPath = undefined;
    this.fastPathInput = { objects, ir: translated.ir };
    const durationMs = performance.now() - started;
    const { resources, encoded, reused } = served;
    this.last = { revision, ir: translated.ir, statuses: translated.statuses, resources, durationMs, encoded, reused, fastPath: false, phases: { translate: translatedAt - started, ...served.phases } };
    this.log.info({ revision, gateways: resources.size, changed: change.keys.length, encoded, reused, ms: round(durationMs) }, 'config rebuilt');
  }

  /**
   * Only EndpointSlices changed: recompute the affected clusters' endpoints and swap their CLAs into
   * the served sets. Returns false when the fast path cannot answer (then a full rebuild runs).
   */
  private fastRebuild(change: StoreChange, started: number, revision: number): boolean {
    const last = this.last!;
    const keys = [...new Set(change.keys)];
    if (!this.fastPath && this.fastPathInput) {
      // Built from the objects and IR of the last full rebuild, before this change.
      this.fastPath = this.o.endpoints!.index(this.fastPathInput.objects, this.fastPathInput.ir);
      this.fastPathInput = undefined;
    }
    const refreshed = this.fastPath!.apply(keys.map((key) => ({ key, next: this.o.store.get(key) })));
    if (!refreshed) return false;
    const refreshedAt = performance.now();
    const served = this.builder.serveEndpoints(last, refreshed, this.o.endpoints!.build);
    const durationMs = performance.now() - started;
    const { ir, resources, encoded, reused } = served;
    this.last = { ...last, revision, ir, resources, durationMs, encoded, reused, fastPath: true, routeFastPath: false, phases: { refresh: refreshedAt - started, ...served.phases } };
    this.log.debug({ revision, clusters: refreshed.length, changed: keys.length, encoded, reused, ms: round(durationMs) }, 'endpoints updated');
    return true;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
