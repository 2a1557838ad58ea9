// What a rebuild takes from translation and what it leaves for the admin API.
import type { IR } from '../ir/ir.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { EnvoyResources } from '../envoy/build-envoy-resources.ts';
import type { ClientVariant } from '../xds/resource-types.ts';

/** What translation returns (translate/translate.ts). */
export interface TranslationResult {
  ir: IR;
  statuses: ObjectStatus[];
  /** The route fast path from this translation (translate/route-fast-path.ts), when it recorded one. */
  routes?: RouteRefresher;
}

/** Re-translates a change to routes alone (translate/route-fast-path.ts). */
export interface RouteRefresher {
  /** The translation after `changes`, given every object now and the IR served now; undefined when only a full translation can answer. */
  apply(changes: readonly { key: string; next: KubeObject | undefined }[], objects: readonly KubeObject[], current: IR): { ir: IR; statuses: ObjectStatus[] } | undefined;
}

/** Gateway key → its resources in both client forms, as proto3 JSON. */
export type GatewayResources = ReadonlyMap<string, Readonly<Record<ClientVariant, EnvoyResources>>>;

/** What the last successful rebuild produced, for the admin API. */
export interface RebuildResult {
  /** Store revision it was built from. */
  revision: number;
  ir: IR;
  statuses: readonly ObjectStatus[];
  resources: GatewayResources;
  /** Time taken, milliseconds. */
  durationMs: number;
  encoded: number;
  reused: number;
  /** True when only EndpointSlices changed and only the affected clusters' endpoints were recomputed. */
  fastPath: boolean;
  /** True when only routes changed and only they were translated again (the route fast path). */
  routeFastPath?: boolean;
  /** Where the time went, milliseconds. */
  phases: Record<string, number>;
}
