// Leader election on a coordination.k8s.io/v1 Lease, following client-go's algorithm. Every
// replica watches and serves xDS; only the leader writes status. Expiry is judged by the local
// clock from when this replica last saw the lease change (never by comparing clocks across pods).
// The leader steps down the moment it has gone renewDeadline without a successful renewal, even
// if a request hangs, and releases the lease on stop() so a successor need not wait it out.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  /** Namespace of the Lease (Tether's own namespace). */
  namespace: string;
  /** Lease name (default `tether-leader`). */
  name?: string;
  /** Default: POD_NAME, else hostname plus a random suffix. */
  identity?: string;
  /** How long a lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** The leader gives up when it could not renew for this long (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between attempts (default 2 s). */
  retryPeriodMs?: number;
  logger: Logger;
  onChange?: (leader: boolean) => void;
  /** A lease request failed (message), or succeeded again after failing (undefined). */
  onProblem?: (message: string | undefined) => void;
}

export function defaultIdentity(env: Record<string, string | undefined> = process.env): string {
  return env.POD_NAME || `${hostname()}_${randomUUID().slice(0, 8)}`;
}

export class LeaderElector {
  readonly identity: string;
  readonly namespace: string;
  readonly name: string;

  private readonly api: CoordinationV1Api;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly onChange: (leader: boolean) => void;
  private readonly onProblem: (message: string | undefined) => void;
  private failing = false;
  private leader = false;
  private running = false;
  private loopTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private lastRenew = 0;
  private observedVersion: string | undefined;
  private observedAt = 0;
  private inFlight: Promise<void> | undefined;

  constructor(opts: LeaderElectorOptions) {
    this.api = opts.kubeConfig.makeApiClient(CoordinationV1Api);
    this.namespace = opts.namespace;
    this.name = opts.name ?? 'tether-leader';
    this.identity = opts.identity ?? defaultIdentity();
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.log = opts.logger.child({ component: 'leader-election', identity: this.identity });
    this.onChange = opts.onChange ?? (() => {});
    this.onProblem = opts.onProblem ?? (() => {});
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new Error('leader election: renewDeadline must be shorter than leaseDuration');
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.deadlineTimer = setInterval(() => this.checkDeadline(), Math.max(10, this.retryPeriodMs / 2));
    this.deadlineTimer.unref();
    this.loop();
  }

  /** Stops campaigning; a leader steps down at once and releases the lease. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.loopTimer);
    clearInterval(this.deadlineTimer);
    await this.inFlight?.catch(() => {});
    if (this.leader) {
      this.setLeader(false);
      await this.release().catch((err: unknown) => this.log.warn({ err: errText(err) }, 'could not release the lease'));
    }
  }

  private loop(): void {
    if (!this.running) return;
    this.inFlight = this.tryAcquireOrRenew()
      .then((ok) => {
        if (this.failing) {
          this.failing = false;
          this.onProblem(undefined);
        }
        if (!this.running) return;
        if (ok) {
          this.lastRenew = Date.now();
          if (!this.leader) this.setLeader(true);
        } else if (this.leader) {
          this.checkDeadline();
        }
      })
      .catch((err: unknown) => {
        this.log.warn({ err: errText(err) }, 'lease request failed');
        if (!this.failing) {
          this.failing = true;
          this.onProblem(`leader election on Lease ${this.namespace}/${this.name} failed: ${errText(err)}; status is not written until it succeeds`);
        }
        this.checkDeadline();
      })
      .finally(() => {
        this.inFlight = undefined;
        if (!this.running) return;
        // Followers spread their retries a little; the leader renews on the beat.
        const delay = this.leader ? this.retryPeriodMs : this.retryPeriodMs * (1 + Math.random() * 0.2);
        this.loopTimer = setTimeout(() => this.loop(), delay);
      });
  }

  private checkDeadline(): void {
    if (this.leader && Date.now() - this.lastRenew > this.renewDeadlineMs) {
      this.log.warn({ sinceRenewMs: Date.now() - this.lastRenew }, 'could not renew the lease in time; stepping down');
      this.setLeader(false);
    }
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.log.info(leader ? 'became leader' : 'no longer leader');
    this.onChange(leader);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (codeOf(err) !== 404) throw err;
      try {
        await this.api.createNamespacedLease({
          namespace: this.namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.name, namespace: this.namespace },
            spec: {
              holderIdentity: this.identity,
              leaseDurationSeconds: this.leaseSeconds(),
              acquireTime: new V1MicroTime(now),
              renewTime: new V1MicroTime(now),
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (createErr) {
        if (codeOf(createErr) === 409) return false; // another replica created it first
        throw createErr;
      }
    }
    const version = lease.metadata?.resourceVersion;
    if (version !== this.observedVersion) {
      this.observedVersion = version;
      this.observedAt = now;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const validMs = (spec.leaseDurationSeconds ?? this.leaseSeconds()) * 1000;
    if (holder !== '' && holder !== this.identity && now - this.observedAt < validMs) return false;
    if (holder !== this.identity && this.leader) this.setLeader(false); // someone took it from us

    const takingOver = holder !== this.identity;
    lease.spec = {
      ...spec,
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseSeconds(),
      renewTime: new V1MicroTime(now),
      acquireTime: takingOver || !spec.acquireTime ? new V1MicroTime(now) : spec.acquireTime,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver && holder !== '' ? 1 : 0),
    };
    try {
      // The resourceVersion read is the precondition: 409 means someone else wrote first.
      const written = await this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body: lease });
      this.observedVersion = written.metadata?.resourceVersion;
      this.observedAt = now;
      if (takingOver) this.log.info({ previous: holder || undefined }, 'acquired the lease');
      return true;
    } catch (err) {
      if (codeOf(err) === 409) return false;
      throw err;
    }
  }

  private async release(): Promise<void> {
    const lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    if (lease.spec?.holderIdentity !== this.identity) return;
    lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime() };
    await this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body: lease });
    this.log.info('released the lease');
  }

  private leaseSeconds(): number {
    return Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
  }
}

function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
