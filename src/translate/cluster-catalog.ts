// The clusters a Gateway's routes point at, named by names.ts. A cluster is built once per
// translation (its endpoints resolved once) and shared by every Gateway that uses it.
import type { ClusterIR } from '../ir/ir.ts';
import { clusterName, localityName, type ClusterKey } from './names.ts';
import { resolveBackendEndpoints, type EndpointIndex } from './endpoints.ts';

/** Seconds Envoy waits for a TCP connection to an endpoint. */
export const CONNECT_TIMEOUT_SECONDS = 5;

export class ClusterCatalog {
  private readonly built = new Map<string, ClusterIR>();
  private readonly endpoints: EndpointIndex;

  constructor(endpoints: EndpointIndex) {
    this.endpoints = endpoints;
  }

  /** The cluster for `key`, built on first use. */
  get(key: ClusterKey): ClusterIR {
    const name = clusterName(key);
    let cluster = this.built.get(name);
    if (!cluster) {
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
