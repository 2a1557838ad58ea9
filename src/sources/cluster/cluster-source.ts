// The Kubernetes source: one supervised informer per watched kind (per namespace when a namespace
// filter is set) filling the object store, a Lease elector, and a status writer that writes only
// while this replica leads. Every replica watches and serves; only the leader writes status.
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ObjectStatus } from '../../status/status.ts';
import type { ObjectStore } from '../object-store.ts';
import type { Source, SourceProblem } from '../source.ts';
import { KindInformer, type InformerTiming } from './kind-informer.ts';
import { LeaderElector } from './leader-elector.ts';
import { StatusWriter } from './status-writer.ts';
import { WATCHED_KINDS, type WatchedKind } from './watched-kinds.ts';

export interface ClusterSourceOptions {
  logger: Logger;
  /** Default: in-cluster config or the usual kubeconfig (`KubeConfig.loadFromDefault()`). */
  kubeConfig?: KubeConfig;
  /** Only these namespaces for namespaced kinds; empty or absent = all namespaces. */
  namespaces?: readonly string[];
  kinds?: readonly WatchedKind[];
  informerTiming?: Partial<InformerTiming>;
  leaderElection?: {
    /** Default true. Off: this replica writes status unconditionally (single-replica setups, tests). */
    enabled?: boolean;
    /** Lease namespace; default POD_NAMESPACE, else `tether-system`. */
    namespace?: string;
    name?: string;
    identity?: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  status?: { debounceMs?: number; maxConflictRetries?: number; retryInitialMs?: number; retryMaxMs?: number };
}

export class ClusterSource implements Source {
  readonly name = 'kubernetes';
  readonly kubeConfig: KubeConfig;
  readonly writer: StatusWriter;
  readonly elector: LeaderElector | undefined;

  private readonly opts: ClusterSourceOptions;
  private readonly log: Logger;
  private informers: KindInformer[] = [];
  private readonly problemMap = new Map<string, SourceProblem>();
  private started = false;
  private readonly leadershipListeners = new Set<(leader: boolean) => void>();

  constructor(opts: ClusterSourceOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ source: 'kubernetes' });
    this.kubeConfig = opts.kubeConfig ?? loadDefaultKubeConfig();
    this.writer = new StatusWriter({
      kubeConfig: this.kubeConfig,
      logger: this.log,
      kinds: opts.kinds,
      ...opts.status,
      onProblem: (message) => this.setProblem('status writes', message),
    });
    const le = opts.leaderElection ?? {};
    if (le.enabled !== false) {
      this.elector = new LeaderElector({
        kubeConfig: this.kubeConfig,
        namespace: le.namespace ?? (process.env.POD_NAMESPACE || 'tether-system'),
        name: le.name,
        identity: le.identity,
        leaseDurationMs: le.leaseDurationMs,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        logger: this.log,
        onChange: (leader) => this.setLeader(leader),
        onProblem: (message) => this.setProblem('leader election', message),
      });
    }
  }

  /**
   * Told when this replica gains or loses leadership (at once if it leads already): what else
   * writes to the cluster (the fleet provisioner) writes only while leading, like status.
   */
  onLeadership(listener: (leader: boolean) => void): () => void {
    this.leadershipListeners.add(listener);
    if (this.writer.isLeader) listener(true);
    return () => this.leadershipListeners.delete(listener);
  }

  private setLeader(leader: boolean): void {
    this.writer.setLeader(leader);
    for (const l of this.leadershipListeners) l(leader);
  }

  /** Whether this replica writes status now. */
  get isLeader(): boolean {
    return this.writer.isLeader;
  }

  /** True once every installed kind has listed successfully. */
  get synced(): boolean {
    return this.informers.length > 0 && this.informers.every((i) => i.synced || i.missing);
  }

  async start(store: ObjectStore): Promise<void> {
    if (this.started) throw new Error('cluster source already started');
    this.started = true;
    const kinds = this.opts.kinds ?? WATCHED_KINDS;
    const namespaces = [...new Set(this.opts.namespaces ?? [])];
    const cluster = this.kubeConfig.getCurrentCluster();
    this.log.info(
      { server: cluster?.server, namespaces: namespaces.length ? namespaces : 'all', kinds: kinds.length },
      'watching the Kubernetes API',
    );
    for (const kind of kinds) {
      const scopes: (string | undefined)[] = kind.namespaced && namespaces.length ? namespaces : [undefined];
      for (const namespace of scopes) {
        this.informers.push(
          new KindInformer({
            kubeConfig: this.kubeConfig,
            kind,
            namespace,
            store,
            logger: this.log,
            timing: this.opts.informerTiming,
            onProblem: (subject, message) => this.setProblem(subject, message),
          }),
        );
      }
    }
    for (const i of this.informers) i.start();
    if (this.elector) this.elector.start();
    else this.setLeader(true);
    await Promise.all(this.informers.map((i) => i.settled));
    this.log.info({ missing: this.informers.filter((i) => i.missing).map((i) => i.subject) }, 'Kubernetes source synced');
  }

  async stop(): Promise<void> {
    for (const i of this.informers) i.stop();
    await this.elector?.stop();
    this.writer.stop();
  }

  problems(): SourceProblem[] {
    return [...this.problemMap.values()];
  }

  publishStatuses(statuses: readonly ObjectStatus[]): void {
    this.writer.publish(statuses);
  }

  /** A problem of a part that works alongside this source (the provisioner), shown with its own. */
  reportProblem(subject: string, message: string | undefined): void {
    this.setProblem(subject, message);
  }

  private setProblem(subject: string, message: string | undefined): void {
    if (message === undefined) this.problemMap.delete(subject);
    else if (!this.problemMap.has(subject)) this.problemMap.set(subject, { subject, message, since: new Date().toISOString() });
  }
}

/** In-cluster (service account) or $KUBECONFIG / ~/.kube/config, as kubectl would. */
export function loadDefaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
