// The build-and-encode half of a rebuild: every Gateway's IR → its Envoy resources in both client
// forms (the builders, pure) → protobuf bytes (resource-encoder.ts reuses the bytes of resources
// whose JSON did not change) → the snapshot cache. It remembers what it served, so the endpoint
// fast path can swap single ClusterLoadAssignments in (endpoint-splice.ts).
import type { Logger } from 'pino';
import type { ClusterIR, GatewayIR, IR } from '../ir/ir.ts';
import type { Metrics } from '../admin/metrics.ts';
import type { EnvoyResources } from '../envoy/build-envoy-resources.ts';
import type { JsonObject } from '../codec/json.ts';
import { RESOURCE_KINDS, ResourceKind, resourceNameOf, type ResourceKindInfo } from '../codec/resource-kinds.ts';
import type { RefreshedCluster } from '../translate/endpoint-fast-path.ts';
import type { ClientVariant, EncodedInput, ResourcesByType } from '../xds/resource-types.ts';
import { ResourceEncoder, type EncodeFn } from './resource-encoder.ts';
import { CLIENT_VARIANTS, spliceEndpoints, type EncodedSets } from './endpoint-splice.ts';
import type { GatewayResources } from './rebuild-result.ts';

/** The parts of the snapshot cache a rebuild drives (xds/snapshot-cache.ts). */
export interface SnapshotSink {
  setSnapshot(gatewayKey: string, variant: ClientVariant, resources: ResourcesByType): string[];
  deleteSnapshot(gatewayKey: string, variant?: ClientVariant): void;
  markReady(): void;
}

export interface SnapshotBuilderOptions {
  /** Per client variant, IR → Envoy resources. */
  builders: Record<ClientVariant, (gateway: GatewayIR) => EnvoyResources>;
  encode: EncodeFn;
  snapshots: SnapshotSink;
  logger: Logger;
  metrics?: Metrics;
}

/** What was served: the JSON forms, how many resources were encoded or reused, and where the time went. */
export interface Served {
  ir: IR;
  resources: GatewayResources;
  encoded: number;
  reused: number;
  phases: Record<string, number>;
}

/** Resources encoded between two yields of serveAllSteps. */
const ENCODE_STEP = 200;

export class SnapshotBuilder {
  private readonly o: SnapshotBuilderOptions;
  private readonly encoder: ResourceEncoder;
  /** Encoded resources currently served, by Gateway and client variant. */
  private sets = new Map<string, EncodedSets>();
  /** The IR and JSON forms currently served, by Gateway: a Gateway whose IR is the same object is served as it is. */
  private servedIr = new Map<string, GatewayIR>();
  private forms = new Map<string, Record<ClientVariant, EnvoyResources>>();
  private counts = { encoded: 0, reused: 0 };

  constructor(options: SnapshotBuilderOptions) {
    this.o = options;
    this.encoder = new ResourceEncoder(options.encode);
  }

  /**
   * Builds and encodes every Gateway of `ir`, then serves them; Gateways that disappeared lose
   * their snapshots (their Envoys get an empty config). Serving starts only once everything is
   * built, so an exception leaves what is served as it was. A Gateway whose IR is the very object
   * served now (the route fast path hands back the Gateways an edit did not touch) keeps what it
   * is served, untouched.
   */
  serveAll(ir: IR): Served {
    const steps = this.serveAllSteps(ir);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * serveAll in steps: it yields after each Gateway's form is built and every ENCODE_STEP
   * resources encoded, so a caller can give the event loop a turn (rebuild-loop.ts does, between
   * time slices). Serving still happens in one go at the end.
   */
  *serveAllSteps(ir: IR): Generator<void, Served> {
    const started = performance.now();
    this.counts = { encoded: 0, reused: 0 };
    this.encoder.begin();
    const resources = new Map<string, Record<ClientVariant, EnvoyResources>>();
    const encodedSets = new Map<string, EncodedSets>();
    const unchanged = new Set<string>();
    for (const gw of ir.gateways) {
      const servedForms = this.forms.get(gw.name);
      const servedSets = this.sets.get(gw.name);
      if (this.servedIr.get(gw.name) === gw && servedForms && servedSets) {
        resources.set(gw.name, servedForms);
        encodedSets.set(gw.name, servedSets);
        unchanged.add(gw.name);
        for (const variant of CLIENT_VARIANTS) this.encoder.keep(`${gw.name}\0${variant}`);
        continue;
      }
      const forms = {} as Record<ClientVariant, EnvoyResources>;
      const sets = {} as EncodedSets;
      for (const variant of CLIENT_VARIANTS) {
        const built = this.o.builders[variant](gw);
        forms[variant] = built;
        yield;
        const byType: ResourcesByType = {};
        let sinceYield = 0;
        for (const kind of RESOURCE_KINDS) {
          const list: EncodedInput[] = [];
          for (const json of built[kind.key] ?? []) {
            list.push(this.encode(kind, gw.name, variant, json));
            if (++sinceYield >= ENCODE_STEP) {
              sinceYield = 0;
              yield;
            }
          }
          byType[kind.typeUrl] = list;
        }
        sets[variant] = byType;
        yield;
      }
      resources.set(gw.name, forms);
      encodedSets.set(gw.name, sets);
    }
    const builtAt = performance.now();

    for (const [gateway, sets] of encodedSets) if (!unchanged.has(gateway)) this.setSnapshots(gateway, sets);
    for (const gateway of this.sets.keys()) {
      if (encodedSets.has(gateway)) continue;
      this.o.snapshots.deleteSnapshot(gateway);
      for (const variant of CLIENT_VARIANTS) for (const kind of RESOURCE_KINDS) this.o.metrics?.configSize.remove({ gateway, variant, type: kind.shortName });
      this.o.logger.info({ gateway }, 'Gateway gone; its Envoys now get an empty config');
    }
    this.sets = encodedSets;
    this.forms = new Map(resources);
    this.servedIr = new Map(ir.gateways.map((g) => [g.name, g]));
    this.encoder.sweep();
    const snapshotAt = performance.now();
    return { ir, resources, ...this.counts, phases: { buildEncode: builtAt - started, snapshot: snapshotAt - builtAt } };
  }

  /** Serves the recomputed clusters' ClusterLoadAssignments in place of their old ones. */
  serveEndpoints(last: { ir: IR; resources: GatewayResources }, refreshed: readonly RefreshedCluster[], build: Record<ClientVariant, (cluster: ClusterIR) => JsonObject>): Served {
    const started = performance.now();
    this.counts = { encoded: 0, reused: 0 };
    const spliced = spliceEndpoints({ ...last, sets: this.sets }, refreshed, build, (gateway, variant, json) => this.encode(ResourceKind.endpoints, gateway, variant, json));
    // The new ClusterLoadAssignment bytes exist from here on: the endpoint change is translated.
    const encodedAt = performance.now();
    for (const [gateway, sets] of spliced.changed) {
      this.sets.set(gateway, sets);
      this.setSnapshots(gateway, sets);
    }
    for (const g of spliced.ir.gateways) this.servedIr.set(g.name, g);
    for (const [gateway, forms] of spliced.resources) this.forms.set(gateway, forms);
    const snapshotAt = performance.now();
    return { ir: spliced.ir, resources: spliced.resources, ...this.counts, phases: { encode: encodedAt - started, snapshot: snapshotAt - encodedAt } };
  }

  private encode(kind: ResourceKindInfo, gateway: string, variant: ClientVariant, json: JsonObject): EncodedInput {
    const name = resourceNameOf(kind, json);
    const { bytes, reused } = this.encoder.encode(kind.messageType, `${gateway}\0${variant}`, name, json);
    if (reused) {
      this.counts.reused++;
      this.o.metrics?.resourcesReused.inc({ type: kind.shortName });
    } else {
      this.counts.encoded++;
      this.o.metrics?.resourcesEncoded.inc({ type: kind.shortName });
    }
    return { name, bytes };
  }

  private setSnapshots(gateway: string, sets: EncodedSets): void {
    const m = this.o.metrics;
    for (const variant of CLIENT_VARIANTS) {
      const problems = this.o.snapshots.setSnapshot(gateway, variant, sets[variant]);
      for (const p of problems) this.o.logger.warn({ gateway, variant }, p);
      if (m) {
        for (const kind of RESOURCE_KINDS) {
          let size = 0;
          for (const r of sets[variant][kind.typeUrl] ?? []) size += r.bytes.length;
          m.configSize.set({ gateway, variant, type: kind.shortName }, size);
        }
      }
    }
  }
}
