// The clusters a Gateway's routes point at, named by names.ts. A cluster is built once per
// translation (its endpoints resolved once) and shared by every Gateway that uses it.
import type { ClusterIR } from '../ir/ir.ts';
import { clusterName, localityName, type ClusterKey, type SplitOwner } from './names.ts';
import { resolveBackendEndpoints, type EndpointIndex } from './endpoints.ts';

/** Seconds Envoy waits for a TCP connection to an endpoint. */
export const CONNECT_TIMEOUT_SECONDS = 5;

export class ClusterCatalog {
  private readonly built = new Map<string, ClusterIR>();
  private readonly endpoints: EndpointIndex;
  private readonly known: ReadonlyMap<string, ClusterIR> | undefined;

  /**
   * `known`: clusters served now, by name (the route fast path's): a one-backend cluster among them
   * is taken as is, since its name says everything it is built from but its endpoints, which are
   * current. A split's name leaves its weights out, so a split is always built.
   */
  constructor(endpoints: EndpointIndex, known?: ReadonlyMap<string, ClusterIR>) {
    this.endpoints = endpoints;
    this.known = known;
  }

  /**
   * The cluster for `key`, built on first use. A sticky split is named after its backends only
   * (names.ts); when `owner`'s rule splits them with other weights than the rule that built the
   * cluster of that name, it gets a cluster of its own, named after the rule.
   */
  get(key: ClusterKey, owner?: SplitOwner): ClusterIR {
    let name = clusterName(key);
    const existing = this.built.get(name);
    if (existing && owner && key.backends.length > 1 && !sameWeights(existing, key)) name = clusterName({ ...key, owner });
    let cluster = this.built.get(name) ?? (key.backends.length === 1 ? this.known?.get(name) : undefined);
    if (cluster) this.built.set(name, cluster);
    else {
      cluster = {
        name,
        sticky: key.sticky,
        loadBalancer: key.loadBalancer,
        keepSessionsOnDraining: key.sticky && key.keepSessionsOnDraining,
        localities: key.backends.map((b) => ({
          name: localityName(b),
          backend: { namespace: b.namespace, name: b.name, port: b.port },
          weight: key.backends.length === 1 ? 1 : b.weight,
          endpoints: resolveBackendEndpoints(b, key.sticky, this.endpoints),
        })),
        connectTimeoutSeconds: CONNECT_TIMEOUT_SECONDS,
        http2: key.http2,
      };
      this.built.set(name, cluster);
    }
    return cluster;
  }
}

function sameWeights(cluster: ClusterIR, key: ClusterKey): boolean {
  return cluster.localities.length === key.backends.length && cluster.localities.every((l, i) => l.weight === key.backends[i]?.weight);
}
