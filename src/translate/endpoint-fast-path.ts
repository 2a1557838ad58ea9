// The EndpointSlice fast path: when only EndpointSlices changed, recompute the endpoints of just the
// clusters whose Services those slices belong to, instead of translating everything again. Pure
// (objects in, clusters out); the rebuild loop (rebuild/rebuild-loop.ts) keeps one and falls back
// to a full rebuild whenever this cannot answer exactly what full translation would.
//
// It runs translation's own endpoint step (endpoints.ts): slices are filed by the same
// updateEndpointIndex and clusters recomputed by the same refreshClusterEndpoints, so the two agree
// by construction; rebuild/rebuild-loop.test.ts checks that a fast-path result equals a full
// rebuild's, byte for byte.
import type { ClusterIR, IR } from '../ir/ir.ts';
import { objectKey, type KubeObject } from '../k8s/kube-object.ts';
import { parseEndpointSlice, type EndpointSlice } from '../k8s/endpoint-slice.ts';
import { parseService } from '../k8s/service.ts';
import { parsedOnce } from './object-index.ts';
import { indexEndpoints, refreshClusterEndpoints, updateEndpointIndex, type EndpointIndex } from './endpoints.ts';

/** One cluster whose endpoints changed, with the Gateway it belongs to. */
export interface RefreshedCluster {
  gateway: string;
  cluster: ClusterIR;
}

const SLICE_GROUP = 'discovery.k8s.io';

export class EndpointFastPath {
  private readonly index: EndpointIndex;
  /** Parsed slices by store key, as the index holds them. */
  private readonly slices = new Map<string, EndpointSlice>();
  /** `namespace/service` → the clusters (per Gateway) that have a locality for it. */
  private readonly users = new Map<string, { gateway: string; cluster: string }[]>();
  /** Current clusters by Gateway and name (updated as the fast path runs). */
  private readonly clusters = new Map<string, Map<string, ClusterIR>>();

  /** Built right after a full translation, from the same objects and its IR. */
  constructor(objects: readonly KubeObject[], ir: IR) {
    const services = [];
    const slices: EndpointSlice[] = [];
    for (const o of objects) {
      const group = groupOf(o.apiVersion);
      if (group === '' && o.kind === 'Service') services.push(parsedOnce(o, parseService));
      else if (group === SLICE_GROUP && o.kind === 'EndpointSlice') {
        const s = parsedOnce(o, parseEndpointSlice);
        slices.push(s);
        this.slices.set(objectKey(o), s);
      }
    }
    this.index = indexEndpoints(services, slices);
    for (const gw of ir.gateways) {
      const byName = new Map<string, ClusterIR>();
      this.clusters.set(gw.name, byName);
      for (const c of gw.clusters) {
        byName.set(c.name, c);
        for (const l of c.localities) {
          const b = l.backend;
          const key = `${b.namespace}/${b.name}`;
          const list = this.users.get(key) ?? [];
          if (!list.some((u) => u.gateway === gw.name && u.cluster === c.name)) list.push({ gateway: gw.name, cluster: c.name });
          this.users.set(key, list);
        }
      }
    }
  }

  /**
   * Applies changed EndpointSlices (`next` undefined = deleted) and returns the clusters whose
   * endpoints were recomputed, or undefined when only a full rebuild can answer (a slice with
   * problems, which translation reports as a status).
   */
  apply(changes: readonly { key: string; next: KubeObject | undefined }[]): RefreshedCluster[] | undefined {
    const parsed: { key: string; old: EndpointSlice | undefined; next: EndpointSlice | undefined }[] = [];
    for (const c of changes) {
      if (!c.key.startsWith(`${SLICE_GROUP}/EndpointSlice/`)) return undefined;
      const next = c.next ? parsedOnce(c.next, parseEndpointSlice) : undefined;
      const old = this.slices.get(c.key);
      if ((next && next.problems.length > 0) || (old && old.problems.length > 0)) return undefined;
      parsed.push({ key: c.key, old, next });
    }
    for (const { key, next } of parsed) {
      if (next) this.slices.set(key, next);
      else this.slices.delete(key);
    }
    const touched = updateEndpointIndex(this.index, parsed);
    const out: RefreshedCluster[] = [];
    for (const sk of touched) {
      for (const u of this.users.get(sk) ?? []) {
        const byName = this.clusters.get(u.gateway);
        const current = byName?.get(u.cluster);
        if (!byName || !current || out.some((o) => o.gateway === u.gateway && o.cluster.name === u.cluster)) continue;
        const cluster = refreshClusterEndpoints(current, this.index);
        byName.set(u.cluster, cluster);
        out.push({ gateway: u.gateway, cluster });
      }
    }
    return out;
  }
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
