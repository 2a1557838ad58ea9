// The second half of the EndpointSlice fast path (the first is translate/endpoint-fast-path.ts):
// swap the recomputed clusters' ClusterLoadAssignments into what is served, leaving every other
// resource (and its bytes) as it was. Returns only the Gateways that changed.
import type { ClusterIR, IR } from '../ir/ir.ts';
import type { EnvoyResources } from '../envoy/build-envoy-resources.ts';
import type { JsonObject } from '../codec/json.ts';
import type { RefreshedCluster } from '../translate/endpoint-fast-path.ts';
import { TypeUrl, type ClientVariant, type EncodedInput, type ResourcesByType } from '../xds/resource-types.ts';
import type { GatewayResources } from './rebuild-result.ts';

export const CLIENT_VARIANTS: readonly ClientVariant[] = ['envoy', 'grpc'];

/** A Gateway's encoded resources in both client forms. */
export type EncodedSets = Record<ClientVariant, ResourcesByType>;

export interface SpliceInput {
  ir: IR;
  resources: GatewayResources;
  /** What is served now, by Gateway. */
  sets: ReadonlyMap<string, EncodedSets>;
}

export interface SpliceOutput {
  ir: IR;
  resources: GatewayResources;
  /** The new encoded sets of the Gateways whose endpoints changed. */
  changed: Map<string, EncodedSets>;
}

/**
 * `build` makes a cluster's ClusterLoadAssignment for a client variant; `encode` encodes it (and
 * may reuse bytes). The IR, JSON forms and encoded sets come back with those CLAs replaced.
 */
export function spliceEndpoints(
  input: SpliceInput,
  refreshed: readonly RefreshedCluster[],
  build: Record<ClientVariant, (cluster: ClusterIR) => JsonObject>,
  encode: (gateway: string, variant: ClientVariant, json: JsonObject) => EncodedInput,
): SpliceOutput {
  const byGateway = new Map<string, ClusterIR[]>();
  for (const r of refreshed) byGateway.set(r.gateway, [...(byGateway.get(r.gateway) ?? []), r.cluster]);

  const ir: IR = { gateways: input.ir.gateways.map((g) => {
    const changed = byGateway.get(g.name);
    if (!changed) return g;
    const byName = new Map(changed.map((c) => [c.name, c]));
    return { ...g, clusters: g.clusters.map((c) => byName.get(c.name) ?? c) };
  }) };
  const resources = new Map(input.resources);
  const changed = new Map<string, EncodedSets>();
  for (const [gateway, clusters] of byGateway) {
    const sets = input.sets.get(gateway);
    const forms = resources.get(gateway);
    if (!sets || !forms) continue;
    const nextSets = {} as EncodedSets;
    const nextForms = {} as Record<ClientVariant, EnvoyResources>;
    for (const variant of CLIENT_VARIANTS) {
      const claList = [...(sets[variant][TypeUrl.endpoint] ?? [])];
      const jsonList = [...forms[variant].endpoints];
      for (const cluster of clusters) {
        const json = build[variant](cluster);
        const encoded = encode(gateway, variant, json);
        const i = claList.findIndex((r) => r.name === encoded.name);
        if (i >= 0) claList[i] = encoded;
        const j = jsonList.findIndex((r) => r['cluster_name'] === encoded.name);
        if (j >= 0) jsonList[j] = json;
      }
      nextSets[variant] = { ...sets[variant], [TypeUrl.endpoint]: claList };
      nextForms[variant] = { ...forms[variant], endpoints: jsonList };
    }
    changed.set(gateway, nextSets);
    resources.set(gateway, nextForms);
  }
  return { ir, resources, changed };
}
