// Writes translation's statuses to Kubernetes while this replica leads. Writes are queued per
// object and coalesced (the latest status wins), so a burst of rebuilds writes each object once.
// Each write is a read-modify-write: GET the object's status, merge ours into it (other
// controllers' entries untouched), skip when nothing changed, else a merge patch on /status that
// carries the resourceVersion read as a precondition; 409 Conflict re-reads and retries.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeRef, refKey, type ObjectRef } from '../../k8s/kube-object.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { Backoff } from './backoff.ts';
import { DebouncedWorker } from './debounced-worker.ts';
import { mergeStatus } from './merge-status.ts';
import { WATCHED_KINDS, findWatchedKind, type WatchedKind } from './watched-kinds.ts';

export interface StatusWriterOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  kinds?: readonly WatchedKind[];
  /** Wait this long after a publish before writing, to coalesce bursts (default 100 ms). */
  debounceMs?: number;
  /** Re-reads after 409 Conflict before giving up on this round (default 5). */
  maxConflictRetries?: number;
  /** Retry delays after other errors (default 500 ms → 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Objects written at once (default 4). */
  concurrency?: number;
  now?: () => Date;
  /** Writes keep failing (message), or work again (undefined). */
  onProblem?: (message: string | undefined) => void;
}

export interface StatusWriterStats {
  /** PATCH requests that succeeded. */
  writes: number;
  /** Objects read whose status already matched. */
  unchanged: number;
  conflicts: number;
  errors: number;
}

type Outcome = 'written' | 'unchanged' | 'gone' | 'stale' | 'not-leader';

/** A status with no entries of ours: what an object that dropped out of translation gets. */
function cleared(s: ObjectStatus): ObjectStatus | undefined {
  if (s.status.type === 'route') return { ...s, generation: undefined, status: { type: 'route', parents: [] } };
  if (s.status.type === 'policy') return { ...s, generation: undefined, status: { type: 'policy', ancestors: [] } };
  return undefined; // a GatewayClass or Gateway that is no longer ours keeps its last word
}

export class StatusWriter {
  readonly stats: StatusWriterStats = { writes: 0, unchanged: 0, conflicts: 0, errors: 0 };

  private readonly opts: StatusWriterOptions;
  private readonly api: CustomObjectsApi;
  private readonly kinds: readonly WatchedKind[];
  private readonly log: Logger;
  private readonly backoff: Backoff;
  /** Latest status per object, from the last publish (plus clears for objects that left it). */
  private desired = new Map<string, ObjectStatus>();
  /** wishKey of the status last confirmed in the cluster, per object. */
  private readonly confirmed = new Map<string, string>();
  private readonly dirty = new Set<string>();
  /** `desired` changed since it was last compared with `confirmed`. */
  private unchecked = false;
  private leader = false;
  private stopped = false;
  private readonly worker = new DebouncedWorker({
    run: () => this.drain(),
    more: () => (this.dirty.size > 0 || this.unchecked) && this.leader,
    nextDelay: () => this.retryDelay ?? 0,
  });
  private retryDelay: number | undefined;
  private lastError: string | undefined;
  /** Kinds already warned about (statuses arrive on every rebuild; warn once). */
  private readonly warnedKinds = new Set<string>();

  constructor(opts: StatusWriterOptions) {
    this.opts = opts;
    this.api = opts.kubeConfig.makeApiClient(CustomObjectsApi);
    this.kinds = opts.kinds ?? WATCHED_KINDS;
    this.log = opts.logger.child({ component: 'status-writer' });
    this.backoff = new Backoff({ initialMs: opts.retryInitialMs ?? 500, maxMs: opts.retryMaxMs ?? 30_000 });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Gaining leadership writes every current status; losing it stops writing at once. */
  setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader) {
      this.confirmed.clear(); // another replica may have written meanwhile: read everything again
      this.unchecked = true;
      this.schedule(0);
    }
  }

  /**
   * The full set of statuses from one translation. Objects missing from it lose our entries. Cheap
   * on purpose (every rebuild calls it): comparing against what was written happens later, once
   * per debounce window, and only while leading.
   */
  publish(statuses: readonly ObjectStatus[]): void {
    if (this.stopped) return;
    const next = new Map<string, ObjectStatus>();
    for (const s of statuses) {
      if (!s.writable) continue;
      const kind = findWatchedKind(s.ref.group, s.ref.kind, this.kinds);
      if (!kind?.status) {
        const k = `${s.ref.group}/${s.ref.kind}`;
        if (!this.warnedKinds.has(k)) {
          this.warnedKinds.add(k);
          this.log.warn({ object: describeRef(s.ref) }, 'writable status for a kind Tether does not write; ignored');
        }
        continue;
      }
      next.set(refKey(s.ref), s);
    }
    for (const [k, old] of this.desired) {
      if (next.has(k)) continue;
      const c = cleared(old);
      if (c && this.confirmed.get(k) !== wishKey(c)) next.set(k, c);
    }
    this.desired = next;
    this.unchecked = true;
    this.schedule(this.opts.debounceMs ?? 100);
  }

  /** Resolves when nothing is queued or being written (tests; shutdown). */
  async idle(): Promise<void> {
    await this.worker.idle((this.dirty.size === 0 && !this.unchecked) || !this.leader);
  }

  stop(): void {
    this.stopped = true;
    this.leader = false;
    this.worker.stop();
  }

  private schedule(ms: number): void {
    if (this.stopped || !this.leader) return;
    this.worker.schedule(ms);
  }

  private async drain(): Promise<void> {
    this.retryDelay = undefined;
    if (this.unchecked) {
      this.unchecked = false;
      for (const [k, s] of this.desired) if (this.confirmed.get(k) !== wishKey(s)) this.dirty.add(k);
    }
    let failed = false;
    const worker = async (): Promise<void> => {
      while (this.leader && !this.stopped) {
        const key = this.dirty.values().next().value;
        if (key === undefined) return;
        this.dirty.delete(key);
        const status = this.desired.get(key);
        if (!status) continue;
        const want = wishKey(status);
        try {
          const outcome = await this.writeOne(status);
          if (outcome === 'not-leader') {
            this.dirty.add(key);
            return;
          }
          // Only confirm what is still the latest wish; a newer publish re-queued it already.
          if ((outcome === 'written' || outcome === 'unchanged') && this.desired.get(key) === status) this.confirmed.set(key, want);
          // The object no longer exists: forget it (a later publish that still names it reads again).
          if (outcome === 'gone' && this.desired.get(key) === status) {
            this.desired.delete(key);
            this.confirmed.delete(key);
          }
        } catch (err) {
          failed = true;
          this.lastError = `${describeRef(status.ref)}: ${errText(err)}`;
          this.stats.errors++;
          this.dirty.add(key);
          this.log.warn({ object: describeRef(status.ref), err: errText(err) }, 'status write failed; will retry');
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency ?? 4 }, worker));
    if (failed) {
      this.retryDelay = this.backoff.next();
      this.opts.onProblem?.(`status writes are failing (${this.lastError}); retrying`);
    } else if (this.lastError !== undefined) {
      this.lastError = undefined;
      this.opts.onProblem?.(undefined);
    }
  }

  private async writeOne(desired: ObjectStatus): Promise<Outcome> {
    const kind = findWatchedKind(desired.ref.group, desired.ref.kind, this.kinds) as WatchedKind;
    const maxRetries = this.opts.maxConflictRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let obj: { metadata?: { resourceVersion?: string; generation?: number }; status?: unknown };
      try {
        obj = (await this.read(kind, desired.ref)) as typeof obj;
      } catch (err) {
        if (codeOf(err) === 404) return 'gone';
        throw err;
      }
      if (!this.leader || this.stopped) return 'not-leader';
      const generation = obj.metadata?.generation;
      // Translation saw an older spec than the cluster has; the translation of the new one follows.
      if (desired.generation !== undefined && generation !== undefined && desired.generation < generation) return 'stale';
      const now = (this.opts.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
      const merged = mergeStatus(obj.status, desired, generation, now);
      if (!merged.changed) {
        this.stats.unchanged++;
        return 'unchanged';
      }
      try {
        await this.patch(kind, desired.ref, { metadata: { resourceVersion: obj.metadata?.resourceVersion }, status: merged.patch });
        this.stats.writes++;
        this.log.debug({ object: describeRef(desired.ref) }, 'status written');
        return 'written';
      } catch (err) {
        const code = codeOf(err);
        if (code === 404) return 'gone';
        if (code !== 409) throw err;
        this.stats.conflicts++;
        if (attempt >= maxRetries) throw new Error(`${describeRef(desired.ref)}: still conflicting after ${attempt + 1} attempts`);
      }
    }
  }

  private read(kind: WatchedKind, ref: ObjectRef): Promise<unknown> {
    const base = { group: kind.group, version: kind.version, plural: kind.plural, name: ref.name };
    return kind.namespaced
      ? this.api.getNamespacedCustomObjectStatus({ ...base, namespace: ref.namespace ?? '' })
      : this.api.getClusterCustomObjectStatus(base);
  }

  private patch(kind: WatchedKind, ref: ObjectRef, body: object): Promise<unknown> {
    const base = { group: kind.group, version: kind.version, plural: kind.plural, name: ref.name, body };
    const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    return kind.namespaced
      ? this.api.patchNamespacedCustomObjectStatus({ ...base, namespace: ref.namespace ?? '' }, options)
      : this.api.patchClusterCustomObjectStatus(base, options);
  }
}

/**
 * What a write must achieve: the status body at the generation translation saw. Plain JSON is
 * enough (translation is deterministic, so equal statuses serialise equally) and cheap, which
 * matters because every rebuild publishes every status.
 */
function wishKey(s: ObjectStatus): string {
  return JSON.stringify([s.generation ?? null, s.status]);
}

function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
