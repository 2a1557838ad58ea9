// New clusters a stream sent and that are not warm yet: listeners and routes, which may name them,
// wait until the client holds each cluster and its endpoints, acknowledged, or until a wait limit
// (docs/xds-protocol.md#make-before-break). A first CDS response's whole set of clusters warms as
// one entry, not one per cluster (a fleet's initial sync would otherwise fill and scan thousands per
// stream); it turns into per-cluster entries whenever the quick check cannot decide.
import type { EncodedResource } from './encoded-resource.ts';
import { TypeUrl } from './resource-types.ts';
import type { SnapshotView } from './snapshot-reader.ts';
import type { TypeState } from './type-state.ts';

export interface WarmingContext {
  /** How long listeners and routes wait for a new cluster. */
  readonly waitMs: number;
  /** Called when the oldest warming cluster reaches the wait limit (the stream reconciles). */
  readonly onWaitLimit: () => void;
  /** Called for a cluster let go at the wait limit while still not warm. */
  readonly onGaveUp: (cluster: string) => void;
}

export class ClusterWarming {
  private readonly ctx: WarmingContext;
  /** Cluster name → when it started warming. */
  private readonly perCluster = new Map<string, number>();
  private whole: { readonly clusters: ReadonlyMap<string, EncodedResource>; readonly since: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: WarmingContext) {
    this.ctx = ctx;
  }

  /** Is any cluster still warming? */
  get active(): boolean {
    return this.perCluster.size > 0 || this.whole !== undefined;
  }

  /** A new cluster went out. */
  add(name: string, since: number): void {
    this.perCluster.set(name, since);
  }

  /** A first CDS response carrying a view's whole set went out: every cluster in it is new. */
  addWhole(clusters: ReadonlyMap<string, EncodedResource>, since: number): void {
    this.whole = { clusters, since };
  }

  /** The client rejected these: they will not warm, and waiting would only hold listeners back. */
  forget(names: Iterable<string>): void {
    this.expand();
    for (const name of names) this.perCluster.delete(name);
  }

  /** Drops clusters the client now holds with their endpoints, or that left the view, or waited too long. */
  release(view: SnapshotView, cds: TypeState | undefined, eds: TypeState | undefined): void {
    if (this.whole) this.releaseWhole(view, cds, eds, performance.now());
    if (this.whole) {
      this.armTimer(this.whole.since, performance.now());
      return;
    }
    // Nothing warms any more: the wait-limit timer would only wake the stream for nothing.
    if (this.perCluster.size === 0) return this.stop();
    const clusters = view.type(TypeUrl.cluster).resources;
    const endpoints = view.type(TypeUrl.endpoint).resources;
    const now = performance.now();
    let oldest = Infinity;
    for (const [name, since] of this.perCluster) {
      const cla = endpoints.get(name);
      const clusterAcked = cds?.ackedVersionOf(name) !== undefined;
      const endpointsAcked = !cla || (eds !== undefined && eds.ackedVersionOf(name) === cla.version && !eds.force.has(name) && !eds.inFlight?.resources.has(name));
      if (!clusters.has(name) || (clusterAcked && endpointsAcked)) {
        this.perCluster.delete(name);
      } else if (now - since >= this.ctx.waitMs) {
        this.perCluster.delete(name);
        this.ctx.onGaveUp(name);
      } else oldest = Math.min(oldest, since);
    }
    if (this.perCluster.size > 0) this.armTimer(oldest, now);
    else this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * The whole-set entry, decided without visiting its clusters where the answer is the same for all
   * of them (what the per-cluster loop would find): still warming while the CDS response or an EDS
   * response carrying every CLA awaits its ACK; warm once both sets are held and acknowledged.
   * Anything else (a NACK, a newer view, the wait limit, another mix) goes per cluster.
   */
  private releaseWhole(view: SnapshotView, cds: TypeState | undefined, eds: TypeState | undefined, now: number): void {
    const whole = this.whole!;
    const endpoints = view.type(TypeUrl.endpoint).resources;
    if (now - whole.since < this.ctx.waitMs && view.type(TypeUrl.cluster).resources === whole.clusters && cds) {
      // The CDS response itself awaits its ACK: no cluster is acknowledged yet.
      if (cds.inFlight?.resources === whole.clusters) return;
      if (cds.settled && cds.heldView === whole.clusters) {
        if (eds && eds.settled && eds.force.size === 0 && eds.heldView === endpoints) {
          this.whole = undefined;
          return;
        }
        // Every CLA is in flight: none of those clusters is warm yet.
        if (eds?.inFlight?.resources === endpoints && everyClusterHasEndpoints(whole.clusters, endpoints)) return;
      }
    }
    this.expand();
  }

  /** Turns the whole-set entry into one entry per cluster, each warming since the set was sent. */
  private expand(): void {
    const whole = this.whole;
    if (!whole) return;
    this.whole = undefined;
    for (const name of whole.clusters.keys()) if (!this.perCluster.has(name)) this.perCluster.set(name, whole.since);
  }

  /** Reconciles again when the oldest warming cluster reaches the wait limit. */
  private armTimer(oldest: number, now: number): void {
    if (this.timer) return;
    const wait = Math.max(1, oldest + this.ctx.waitMs - now);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ctx.onWaitLimit();
    }, wait);
    this.timer.unref();
  }
}

const clustersWithEndpoints = new WeakMap<ReadonlyMap<string, EncodedResource>, { endpoints: ReadonlyMap<string, EncodedResource>; all: boolean }>();

/** Does every cluster of this set have a CLA in `endpoints`? Remembered per pair of views: a fleet asks about the same ones. */
function everyClusterHasEndpoints(clusters: ReadonlyMap<string, EncodedResource>, endpoints: ReadonlyMap<string, EncodedResource>): boolean {
  const known = clustersWithEndpoints.get(clusters);
  if (known?.endpoints === endpoints) return known.all;
  let all = true;
  for (const name of clusters.keys()) if (!endpoints.has(name)) all = false;
  clustersWithEndpoints.set(clusters, { endpoints, all });
  return all;
}
