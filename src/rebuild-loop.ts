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
//   4. stopped.
// Translation is best-effort: a bad object becomes a status, never an exception. An exception is
// therefore a bug; it is logged and counted, and the previous snapshots stay served.
import type { Logger } from 'pino';
import type { KubeObject } from './k8s/kube-object.ts';
import type { IR, GatewayIR } from './ir/ir.ts';
import type { ObjectStatus } from './status/status.ts';
import type { ObjectStore, StoreChange } from './sources/object-store.ts';
import type { Metrics } from './admin/metrics.ts';
import { MessageType, type JsonObject } from './envoy/proto-registry.ts';
import { TypeUrl, typeShortName, type ClientVariant, type EncodedInput, type ResourceTypeUrl, type ResourcesByType } from './xds/resource-types.ts';

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
}

const TYPES: { key: keyof EnvoyResources; typeUrl: ResourceTypeUrl; typeName: string; nameField: string }[] = [
  { key: 'listeners', typeUrl: TypeUrl.listener, typeName: MessageType.listener, nameField: 'name' },
  { key: 'routes', typeUrl: TypeUrl.route, typeName: MessageType.routeConfiguration, nameField: 'name' },
  { key: 'clusters', typeUrl: TypeUrl.cluster, typeName: MessageType.cluster, nameField: 'name' },
  { key: 'endpoints', typeUrl: TypeUrl.endpoint, typeName: MessageType.clusterLoadAssignment, nameField: 'cluster_name' },
];

const VARIANTS: readonly ClientVariant[] = ['envoy', 'grpc'];

interface CachedEncoding {
  json: string;
  bytes: Uint8Array;
  /** Rebuild number that last used it; older entries are dropped after each rebuild. */
  used: number;
}

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
  private generation = 0;
  private served = new Set<string>();
  private readonly encodings = new Map<string, CachedEncoding>();
  private last: RebuildResult | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(options: RebuildLoopOptions) {
    this.o = options;
    this.log = options.logger.child({ component: 'rebuild-loop' });
    this.quietMs = options.debounce?.quietMs ?? 10;
    this.maxMs = options.debounce?.maxMs ?? 100;
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

  /** One rebuild: the whole pipeline, synchronously. Never throws. */
  private rebuild(): void {
    const started = performance.now();
    const revision = this.o.store.revision;
    const change = this.pending;
    this.pending = { keys: [], kinds: new Set() };
    const m = this.o.metrics;
    m?.rebuilds.inc();
    try {
      const generation = ++this.generation;
      const translated = this.o.translate(this.o.store.list());
      const resources = new Map<string, Record<ClientVariant, EnvoyResources>>();
      const encodedSets = new Map<string, Record<ClientVariant, ResourcesByType>>();
      let encoded = 0;
      let reused = 0;
      for (const gw of translated.ir.gateways) {
        const forms = {} as Record<ClientVariant, EnvoyResources>;
        const sets = {} as Record<ClientVariant, ResourcesByType>;
        for (const variant of VARIANTS) {
          const built = this.o.builders[variant](gw);
          forms[variant] = built;
          const byType: ResourcesByType = {};
          for (const t of TYPES) {
            const list: EncodedInput[] = [];
            for (const json of built[t.key]) {
              const rawName = json[t.nameField];
              const name = typeof rawName === 'string' ? rawName : '';
              const text = JSON.stringify(json);
              const cacheKey = `${t.typeUrl}\0${gw.name}\0${variant}\0${name}`;
              let cached = this.encodings.get(cacheKey);
              if (cached && cached.json === text) {
                reused++;
                m?.resourcesReused.inc({ type: typeShortName(t.typeUrl) });
              } else {
                cached = { json: text, bytes: this.o.encode(t.typeName, json), used: generation };
                this.encodings.set(cacheKey, cached);
                encoded++;
                m?.resourcesEncoded.inc({ type: typeShortName(t.typeUrl) });
              }
              cached.used = generation;
              list.push({ name, bytes: cached.bytes });
            }
            byType[t.typeUrl] = list;
          }
          sets[variant] = byType;
        }
        resources.set(gw.name, forms);
        encodedSets.set(gw.name, sets);
      }

      // Everything built: only now touch what is served, so a failure above changes nothing.
      for (const [gateway, sets] of encodedSets) {
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
      for (const gateway of this.served) {
        if (encodedSets.has(gateway)) continue;
        this.o.snapshots.deleteSnapshot(gateway);
        for (const variant of VARIANTS) for (const t of TYPES) m?.configSize.remove({ gateway, variant, type: typeShortName(t.typeUrl) });
        this.log.info({ gateway }, 'Gateway gone; its Envoys now get an empty config');
      }
      this.served = new Set(encodedSets.keys());
      for (const [key, entry] of this.encodings) if (entry.used !== generation) this.encodings.delete(key);

      // Refuse-until-ready (xds-control-plane.md P8): streams get config only after this first success.
      if (!this.last) this.o.snapshots.markReady();
      const durationMs = performance.now() - started;
      m?.translationDuration.observe(durationMs / 1000);
      this.last = { revision, ir: translated.ir, statuses: translated.statuses, resources, durationMs, encoded, reused };
      this.log.info(
        { revision, gateways: encodedSets.size, changed: change.keys.length, encoded, reused, ms: Math.round(durationMs * 100) / 100 },
        'config rebuilt',
      );
      try {
        this.o.publishStatuses(translated.statuses);
      } catch (err) {
        this.log.error({ err }, 'publishing statuses failed');
      }
    } catch (err) {
      m?.rebuildErrors.inc();
      this.log.error({ err, revision }, 'rebuild failed; the previous config stays served');
    } finally {
      for (const w of this.waiters) w();
      this.waiters.clear();
    }
  }
}
