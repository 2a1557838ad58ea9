// Resolves FQDN EndpointSlices into address slices, and keeps doing so: every few seconds each name
// is looked up again (A and AAAA), so `docker compose up --scale httpbin=5` shows up as five
// endpoints without editing a file. It watches the object store that the real sources fill and
// writes the derived slices into the same store; removing the FQDN slice removes them. When a lookup
// fails the last good addresses stay (a DNS hiccup must not empty a cluster) and the failure is
// reported through problems() and the log.
//
// It is started after the sources have synced (its start() resolves after the first lookups, so
// the first snapshot already has the addresses) and follows the Source contract so the app can
// treat it like one.
import { Resolver } from 'node:dns/promises';
import type { Logger } from 'pino';
import { objectKey, type KubeObject } from '../../k8s/kube-object.ts';
import type { ObjectStore, StoreChange } from '../object-store.ts';
import type { Source, SourceProblem } from '../source.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { deriveResolvedSlices, fqdnNamesOf, isFqdnEndpointSlice, type DnsAnswer } from './derive-resolved-slices.ts';

/** The two lookups the resolver needs; node:dns's Resolver by default. */
export interface DnsLookup {
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface FqdnEndpointResolverOptions {
  logger: Logger;
  /** How often every name is looked up again. Default 5 s. */
  intervalMs?: number;
  /** DNS servers (`ip`, `ip:port`, `[v6]:port`); default: the system's (/etc/resolv.conf). */
  servers?: string[];
  /** Per-query timeout; default 2 s (node:dns retries once). */
  timeoutMs?: number;
  /** Replaces node:dns (tests of failure handling that a DNS server cannot stage). */
  lookup?: DnsLookup;
  now?: () => Date;
}

export const DEFAULT_DNS_INTERVAL_MS = 5_000;

// Answers that mean "the name exists but has no record of this type": an empty answer, not a failure.
const NO_RECORDS = new Set(['ENODATA']);

interface NameState {
  answer?: DnsAnswer;
  problem?: SourceProblem;
}

export class FqdnEndpointResolver implements Source {
  readonly name = 'dns';
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly lookup: DnsLookup;
  private readonly cancel: () => void;
  private readonly now: () => Date;
  private store: ObjectStore | undefined;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** FQDN slices in the store, by key. */
  private readonly slices = new Map<string, KubeObject>();
  /** Keys of the derived slices this resolver wrote. */
  private owned = new Set<string>();
  private readonly names = new Map<string, NameState>();
  private running: Promise<void> | undefined;
  private again = false;

  constructor(options: FqdnEndpointResolverOptions) {
    this.log = options.logger.child({ source: 'dns' });
    this.intervalMs = options.intervalMs ?? DEFAULT_DNS_INTERVAL_MS;
    this.now = options.now ?? (() => new Date());
    if (options.lookup) {
      this.lookup = options.lookup;
      this.cancel = () => {};
    } else {
      const resolver = new Resolver({ timeout: options.timeoutMs ?? 2_000, tries: 2 });
      if (options.servers?.length) resolver.setServers(options.servers);
      this.lookup = resolver;
      this.cancel = () => resolver.cancel();
    }
  }

  async start(store: ObjectStore): Promise<void> {
    this.store = store;
    this.unsubscribe = store.subscribe((change) => this.onChange(change));
    for (const o of store.list()) if (isFqdnEndpointSlice(o)) this.slices.set(objectKey(o), o);
    await this.refresh();
    this.schedule();
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe?.();
    this.cancel();
    return Promise.resolve();
  }

  problems(): SourceProblem[] {
    return [...this.names.values()].flatMap((s) => (s.problem ? [s.problem] : []));
  }

  publishStatuses(_statuses: readonly ObjectStatus[]): void {
    // Nothing to publish: the resolver writes no status.
  }

  /** Looks up every name now (tests; the timer does this every interval). */
  resolveNow(): Promise<void> {
    return this.refresh();
  }

  private onChange(change: StoreChange): void {
    if (!change.kinds.has('EndpointSlice') || !this.store) return;
    let touched = false;
    for (const key of change.keys) {
      if (this.owned.has(key)) continue; // our own writes
      const o = this.store.get(key);
      if (o && isFqdnEndpointSlice(o)) {
        this.slices.set(key, o);
        touched = true;
      } else if (this.slices.delete(key)) {
        touched = true;
      }
    }
    // Never write into the store from inside its change callback: other listeners of the same
    // change have not run yet.
    if (touched) void this.refresh();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Looks up every current name, then writes the derived slices. Calls made meanwhile run once after. */
  private refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const wanted = new Set([...this.slices.values()].flatMap(fqdnNamesOf));
        for (const name of this.names.keys()) if (!wanted.has(name)) this.names.delete(name);
        await Promise.all([...wanted].map((name) => this.resolveName(name)));
        if (this.stopped) return;
        this.write();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async resolveName(name: string): Promise<void> {
    const state = this.names.get(name) ?? {};
    this.names.set(name, state);
    const [v4, v6] = await Promise.allSettled([this.lookup.resolve4(name), this.lookup.resolve6(name)]);
    if (this.stopped) return; // cancelled by stop(): not a DNS failure
    const failures: string[] = [];
    const read = (r: PromiseSettledResult<string[]>, family: 'ipv4' | 'ipv6'): string[] | undefined => {
      if (r.status === 'fulfilled') return r.value;
      const code = (r.reason as { code?: string }).code ?? '';
      if (NO_RECORDS.has(code)) return [];
      failures.push(`${family === 'ipv4' ? 'A' : 'AAAA'} lookup failed: ${code || String(r.reason)}`);
      return undefined;
    };
    const ipv4 = read(v4, 'ipv4');
    const ipv6 = read(v6, 'ipv6');
    const fresh: DnsAnswer = { ipv4: ipv4 ?? state.answer?.ipv4 ?? [], ipv6: ipv6 ?? state.answer?.ipv6 ?? [] };
    if (failures.length === 0 && fresh.ipv4.length + fresh.ipv6.length === 0) failures.push('no A or AAAA records');

    if (failures.length > 0) {
      const kept = state.answer ? `; keeping the last addresses (${[...state.answer.ipv4, ...state.answer.ipv6].join(', ') || 'none'})` : '';
      const message = `${failures.join('; ')}${kept}`;
      if (state.problem?.message !== message) {
        this.log.warn({ fqdn: name, error: failures.join('; '), kept: state.answer }, 'DNS lookup for an FQDN EndpointSlice failed');
        state.problem = { subject: `FQDN ${name}`, message, since: state.problem?.since ?? this.now().toISOString() };
      }
      // A failed family keeps its last addresses (in `fresh`); a family that answered is updated.
      if (fresh.ipv4.length + fresh.ipv6.length > 0) this.setAnswer(name, state, fresh);
      return;
    }
    if (state.problem) {
      this.log.info({ fqdn: name }, 'DNS lookup for an FQDN EndpointSlice works again');
      state.problem = undefined;
    }
    this.setAnswer(name, state, fresh);
  }

  private setAnswer(name: string, state: NameState, answer: DnsAnswer): void {
    const sorted = { ipv4: [...answer.ipv4].sort(), ipv6: [...answer.ipv6].sort() };
    if (state.answer && sameAnswer(state.answer, sorted)) return;
    this.log.info({ fqdn: name, ipv4: sorted.ipv4, ipv6: sorted.ipv6 }, 'FQDN endpoints resolved');
    state.answer = sorted;
  }

  private write(): void {
    if (!this.store) return;
    const answers = new Map<string, DnsAnswer>();
    for (const [name, s] of this.names) if (s.answer) answers.set(name, s.answer);
    const next = [...this.slices.values()].flatMap((slice) => deriveResolvedSlices(slice, answers));
    // Record ownership first: the store calls onChange synchronously with these keys.
    const previous = this.owned;
    this.owned = new Set([...previous, ...next.map(objectKey)]);
    this.owned = this.store.replaceOwned(previous, next);
  }
}

function sameAnswer(a: DnsAnswer, b: DnsAnswer): boolean {
  return a.ipv4.join(',') === b.ipv4.join(',') && a.ipv6.join(',') === b.ipv6.join(',');
}
