// One kind (in one namespace, or cluster-wide) listed and watched into the object store, under a
// supervisor. client-node's ListWatch stops for good on any non-410 error and resolves start()
// even when the list failed, so this wrapper owns the lifecycle: every (re)start is a fresh
// ListWatch (an "attempt"); callbacks from older attempts are ignored, which makes restarts
// single-flight. A failure schedules exactly one restart with capped, jittered backoff. A watchdog
// restarts a watch that went silent, and a periodic relist repairs anything a watch missed.
//
// Every full list is diffed against what this informer put into the store before, so objects
// deleted while we were not watching are removed, and nothing is duplicated across restarts.
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { objectKey, type KubeObject } from '../../k8s/kube-object.ts';
import type { ObjectStore } from '../object-store.ts';
import { Backoff } from './backoff.ts';
import { listRaw, type RawList } from './raw-list.ts';
import { apiVersionOf, collectionPath, type WatchedKind } from './watched-kinds.ts';

export interface InformerTiming {
  /** First retry delay after an error (default 500 ms). */
  backoffInitialMs: number;
  /** Retry delay cap (default 30 s). */
  backoffMaxMs: number;
  /** Restart a watch that saw no event and no (re)connect for this long (default 5 min). */
  watchdogMs: number;
  /** Full relist period (default 10 min). */
  relistMs: number;
  /** How often to look again for a kind whose CRD is not installed (default 60 s). */
  missingKindRetryMs: number;
}

export const DEFAULT_INFORMER_TIMING: InformerTiming = {
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  watchdogMs: 5 * 60_000,
  relistMs: 10 * 60_000,
  missingKindRetryMs: 60_000,
};

export interface KindInformerOptions {
  kubeConfig: KubeConfig;
  kind: WatchedKind;
  /** Watch only this namespace (namespaced kinds); undefined = all namespaces. */
  namespace?: string;
  store: ObjectStore;
  logger: Logger;
  timing?: Partial<InformerTiming>;
  /** A problem appeared (message) or went away (undefined). */
  onProblem?: (subject: string, message: string | undefined) => void;
}

type KubeObj = KubernetesObject & Record<string, unknown>;

export class KindInformer {
  readonly kind: WatchedKind;
  readonly namespace: string | undefined;
  /** What problems and logs call it: `HTTPRoute`, or `HTTPRoute in namespace demo`. */
  readonly subject: string;
  /** Resolves once the first list succeeded or the kind turned out not to be installed. */
  readonly settled: Promise<void>;

  private readonly opts: KindInformerOptions;
  private readonly timing: InformerTiming;
  private readonly path: string;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  /** Store key → resourceVersion of every object this informer contributed. */
  private readonly known = new Map<string, string>();
  private attempt = 0;
  private current: ListWatch<KubeObj> | undefined;
  private running = false;
  private synced_ = false;
  private missing_ = false;
  private restarts_ = 0;
  /** Transient failures since the last successful list; reported as a problem from the third on. */
  private failures = 0;
  private reportingFailures = false;
  private lastActivity = Date.now();
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private relistTimer: NodeJS.Timeout | undefined;
  private settle: () => void = () => {};

  constructor(opts: KindInformerOptions) {
    this.opts = opts;
    this.kind = opts.kind;
    this.namespace = opts.kind.namespaced ? opts.namespace : undefined;
    this.timing = { ...DEFAULT_INFORMER_TIMING, ...opts.timing };
    this.path = collectionPath(this.kind, this.namespace);
    this.subject = this.namespace === undefined ? this.kind.kind : `${this.kind.kind} in namespace ${this.namespace}`;
    this.backoff = new Backoff({ initialMs: this.timing.backoffInitialMs, maxMs: this.timing.backoffMaxMs });
    this.log = opts.logger.child({ informer: this.subject });
    this.settled = new Promise((resolve) => (this.settle = resolve));
  }

  /** True after the first successful list. */
  get synced(): boolean {
    return this.synced_;
  }

  /** True while the API server answers 404 (CRD not installed) or 401/403 (not allowed) for this kind. */
  get missing(): boolean {
    return this.missing_;
  }

  /** Restarts so far (errors, watchdog, relists), for tests and metrics. */
  get restarts(): number {
    return this.restarts_;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.launch();
    const tick = Math.max(10, Math.min(this.timing.watchdogMs / 4, 30_000));
    this.watchdogTimer = setInterval(() => this.checkWatchdog(), tick);
    this.watchdogTimer.unref();
    this.scheduleRelist();
  }

  stop(): void {
    this.running = false;
    this.attempt++;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdogTimer);
    clearTimeout(this.relistTimer);
    this.stopCurrent();
  }

  /** Drops the current watch and lists again now. */
  restart(reason: string): void {
    if (!this.running) return;
    this.log.debug({ reason }, 'restarting informer');
    this.restarts_++;
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.stopCurrent();
    this.launch();
  }

  private launch(): void {
    const attempt = ++this.attempt;
    const live = (): boolean => this.running && attempt === this.attempt;
    const listFn = async (): Promise<KubernetesListObject<KubeObj>> => {
      const list = await listRaw(this.opts.kubeConfig, this.path, undefined, this.kind.fieldSelector, this.kind.labelSelector);
      // A superseded attempt must not touch the store; failing here ends it quietly.
      if (!live()) throw new Error('superseded');
      this.onListed(list);
      return list;
    };
    const lw = new ListWatch<KubeObj>(this.path, new Watch(this.opts.kubeConfig), listFn, false, this.kind.labelSelector, this.kind.fieldSelector, {
      // ListWatch's own reconnect delay after empty watches; capped by ours so tests can shorten it.
      // Unref'd: a stopped informer's pending reconnect must not keep the process alive.
      delayFn: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, this.timing.backoffMaxMs)).unref()),
    });
    lw.on('add', (o) => live() && this.upsert(o));
    lw.on('update', (o) => live() && this.upsert(o));
    lw.on('delete', (o) => live() && this.remove(o));
    lw.on('connect', () => live() && this.touch());
    lw.on('error', (err) => live() && this.fail(err));
    this.current = lw;
    this.touch();
    lw.start().catch((err: unknown) => live() && this.fail(err));
  }

  private stopCurrent(): void {
    const lw = this.current;
    this.current = undefined;
    if (lw) void lw.stop();
  }

  private fail(err: unknown): void {
    this.attempt++; // ignore whatever the failed ListWatch still reports
    this.stopCurrent();
    if (!this.running) return;
    const code = errorCode(err);
    // Not installed (404) or not allowed (401/403): not transient. Report it once, count the kind
    // as settled so the rest of the cluster is served, and look again now and then.
    if (code === 404 || code === 401 || code === 403) {
      if (!this.missing_) {
        this.missing_ = true;
        if (this.reportingFailures) {
          this.reportingFailures = false;
          this.opts.onProblem?.(this.subject, undefined);
        }
        const why =
          code === 404
            ? 'is not served by the API server (is its CRD installed?)'
            : `cannot be read: ${code === 403 ? '403 Forbidden (does Tether\'s ClusterRole allow get, list and watch on it?)' : '401 Unauthorized'}`;
        this.log.warn({ path: this.path, code }, `${this.kind.kind} ${why}; will look again`);
        this.opts.onProblem?.(
          this.subject,
          `${apiVersionOf(this.kind)} ${this.kind.kind} ${why}; looking again every ${Math.round(this.timing.missingKindRetryMs / 1000)}s`,
        );
        // A removed CRD takes its objects with it; a lost permission leaves the last view in place.
        if (code === 404) this.replaceAll([]);
      }
      this.settle();
      this.scheduleRetry(this.timing.missingKindRetryMs);
      return;
    }
    const delay = this.backoff.next();
    this.failures++;
    this.log.warn({ err: describeError(err), code, retryInMs: delay, failures: this.failures }, 'informer failed; restarting');
    if (this.failures >= 3 && !this.reportingFailures) {
      this.reportingFailures = true;
      this.opts.onProblem?.(this.subject, `cannot list or watch ${apiVersionOf(this.kind)} ${this.kind.kind}: ${describeError(err)}; retrying`);
    }
    this.scheduleRetry(delay);
  }

  private scheduleRetry(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.running) return;
      this.restarts_++;
      this.launch();
    }, ms);
  }

  /** Relists at the configured period, ±10% so informers started together do not relist together. */
  private scheduleRelist(): void {
    this.relistTimer = setTimeout(() => {
      if (!this.running) return;
      if (this.current) this.restart('periodic relist');
      this.scheduleRelist();
    }, this.timing.relistMs * (0.9 + Math.random() * 0.2));
    this.relistTimer.unref();
  }

  private checkWatchdog(): void {
    if (!this.running || !this.current) return;
    if (Date.now() - this.lastActivity > this.timing.watchdogMs) this.restart('watchdog: watch silent');
  }

  private touch(): void {
    this.lastActivity = Date.now();
  }

  private onListed(list: RawList): void {
    this.touch();
    this.replaceAll(list.items.map((o) => this.normalize(o as KubeObj)));
    this.failures = 0;
    if (this.missing_ || this.reportingFailures) {
      if (this.missing_) this.log.info('kind is now served; watching it');
      this.missing_ = false;
      this.reportingFailures = false;
      this.opts.onProblem?.(this.subject, undefined);
    }
    if (!this.synced_) {
      this.synced_ = true;
      this.log.debug({ count: list.items.length }, 'informer synced');
    }
    this.settle();
  }

  private replaceAll(objects: KubeObject[]): void {
    const next = new Map(objects.map((o) => [objectKey(o), o.metadata.resourceVersion ?? '']));
    const deletes = [...this.known.keys()].filter((k) => !next.has(k));
    this.known.clear();
    for (const [k, rv] of next) this.known.set(k, rv);
    this.opts.store.apply(objects, deletes);
  }

  private upsert(raw: KubeObj): void {
    this.touch();
    const o = this.normalize(raw);
    const key = objectKey(o);
    const rv = o.metadata.resourceVersion ?? '';
    if (this.known.get(key) === rv) return; // the list already delivered this version
    this.known.set(key, rv);
    this.opts.store.apply([o]);
  }

  private remove(raw: KubeObj): void {
    this.touch();
    const key = objectKey(this.normalize(raw));
    if (!this.known.delete(key)) return;
    this.opts.store.apply([], [key]);
  }

  /** List items of core kinds carry no apiVersion/kind; managedFields are bulky and unused. */
  private normalize(raw: KubeObj): KubeObject {
    const { managedFields: _mf, ...metadata } = (raw.metadata ?? {}) as Record<string, unknown>;
    return { ...raw, apiVersion: apiVersionOf(this.kind), kind: this.kind.kind, metadata } as KubeObject;
  }
}

function errorCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
