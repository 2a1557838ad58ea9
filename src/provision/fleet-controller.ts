// The provisioner, at the edge: for every Gateway of Tether's GatewayClass, the leader applies the
// rendered fleet (render-fleet.ts) with server-side apply and keeps it as rendered. Every replica
// watches the fleets' objects (by Tether's labels) so that each can show the Gateway's addresses and
// readiness in status; only the leader writes.
//
// Drift: an owned object that no longer holds what Tether rendered (someone edited or deleted it)
// is applied again as soon as its watch event arrives, and every fleet is applied again every
// `resyncMs` whatever was seen. Deleting is left to Kubernetes' garbage collector through the
// ownerReferences (a deleted Gateway takes its fleet with it), except in two cases the collector
// cannot see: a Gateway that left Tether's class (it still exists), and a kind the fleet no longer
// has (an autoscaler no longer asked for). A restart adopts what exists: applying an unchanged
// object changes nothing, so no pod restarts and nothing is created again.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { FleetParameters } from '../k8s/fleet-parameters.ts';
import { parseGateway, type Gateway } from '../k8s/gateway-api/gateway.ts';
import { parseGatewayClass } from '../k8s/gateway-api/gateway-class.ts';
import { objectKey, type KubeObject } from '../k8s/kube-object.ts';
import { ConditionType, Reason, condition } from '../status/conditions.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../status/status.ts';
import { Backoff } from '../sources/cluster/backoff.ts';
import { DebouncedWorker } from '../sources/cluster/debounced-worker.ts';
import { KindInformer, type InformerTiming } from '../sources/cluster/kind-informer.ts';
import { ObjectStore } from '../sources/object-store.ts';
import { ApplyClient } from './apply-client.ts';
import { FLEET_KINDS } from './fleet-kinds.ts';
import { FLEET_LABELS, MANAGED_BY } from './fleet-names.ts';
import type { FleetProblem } from './fleet-problem.ts';
import { decorateGatewayStatus, fleetState, type FleetState } from './fleet-status.ts';
import type { InstallFacts } from './install-facts.ts';
import { renderFleet, type RenderedFleet } from './render-fleet.ts';

export interface FleetControllerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** The store the cluster source fills: Gateways and GatewayClasses are read from it. */
  store: ObjectStore;
  /**
   * The merged FleetParameters of a Gateway (class, then Gateway); undefined when they are invalid.
   * Such a Gateway is rejected by translation (Accepted=False, InvalidParameters), and its fleet is
   * held as it is: none is created, an existing one is neither changed nor removed, so fixing the
   * reference brings back the same pods rather than new ones.
   */
  parameters: (gateway: Gateway) => FleetParameters | undefined;
  facts: InstallFacts;
  /** Watch fleets in these namespaces only (as the cluster source); empty = all. */
  namespaces?: readonly string[];
  /** Apply every fleet again this often, whatever was observed (default 5 min). */
  resyncMs?: number;
  /** Coalesce bursts of changes (default 50 ms). */
  debounceMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  informerTiming?: Partial<InformerTiming>;
  /** What the decoration of statuses would show changed (addresses, readiness, problems). */
  onChange?: () => void;
  /** Writes keep failing (message), or work again (undefined). */
  onProblem?: (message: string | undefined) => void;
}

export interface FleetControllerStats {
  applies: number;
  deletes: number;
  errors: number;
}

interface Fleet {
  gw: Gateway;
  uid: string;
  rendered: RenderedFleet;
  /** Problems found while applying (an object of that name that is not Tether's). */
  applyProblems: FleetProblem[];
}

const OWNED_SELECTOR = `${FLEET_LABELS.managedBy}=${MANAGED_BY},${FLEET_LABELS.gateway}`;

export class FleetController {
  readonly stats: FleetControllerStats = { applies: 0, deletes: 0, errors: 0 };

  private readonly o: FleetControllerOptions;
  private readonly log: Logger;
  private readonly client: ApplyClient;
  /** The fleets' objects as watched (status included). */
  private readonly owned = new ObjectStore({ withStatus: true });
  private readonly informers: KindInformer[] = [];
  private readonly backoff: Backoff;
  private fleets = new Map<string, Fleet>();
  /** Gateways of Tether's class whose fleet cannot be rendered, and why. */
  private unrenderable = new Map<string, string>();
  /** Gateways whose parameters are invalid, by key → uid: their fleets are left as they are. */
  private held = new Map<string, string>();
  /** What Tether last applied, per object key, as JSON: a change of the rendering re-applies. */
  private readonly lastApplied = new Map<string, string>();
  private leader = false;
  private stopped = false;
  private started = false;
  private dirty = false;
  private force = false;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly worker = new DebouncedWorker({
    run: () => this.pass(),
    more: () => this.dirty,
    nextDelay: () => this.retryDelay ?? 0,
  });
  private retryDelay: number | undefined;
  private signature = '';
  private unsubscribe: (() => void)[] = [];
  private failing = false;

  constructor(opts: FleetControllerOptions) {
    this.o = opts;
    this.log = opts.logger.child({ component: 'provisioner' });
    this.client = new ApplyClient(opts.kubeConfig);
    this.backoff = new Backoff({ initialMs: opts.retryInitialMs ?? 500, maxMs: opts.retryMaxMs ?? 30_000 });
  }

  /** Starts watching the fleets; resolves once their first lists are in. */
  async start(): Promise<void> {
    if (this.started) throw new Error('provisioner already started');
    this.started = true;
    const namespaces = [...new Set(this.o.namespaces ?? [])];
    for (const k of FLEET_KINDS) {
      for (const namespace of namespaces.length ? namespaces : [undefined]) {
        this.informers.push(
          new KindInformer({
            kubeConfig: this.o.kubeConfig,
            kind: { ...k, namespaced: true, labelSelector: OWNED_SELECTOR },
            namespace,
            store: this.owned,
            logger: this.log,
            timing: this.o.informerTiming,
          }),
        );
      }
    }
    this.unsubscribe.push(
      this.o.store.subscribe((change) => {
        if (change.kinds.has('Gateway') || change.kinds.has('GatewayClass')) this.schedule();
      }),
      this.owned.subscribe(() => this.schedule()),
    );
    for (const i of this.informers) i.start();
    await Promise.all(this.informers.map((i) => i.settled));
    const resync = this.o.resyncMs ?? 5 * 60_000;
    this.resyncTimer = setInterval(() => this.schedule(true), resync);
    this.resyncTimer.unref();
    // Know the fleets before the first statuses are published, so none says Programmed too early.
    this.refresh();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.leader = false;
    for (const u of this.unsubscribe) u();
    for (const i of this.informers) i.stop();
    clearInterval(this.resyncTimer);
    this.worker.stop();
  }

  /** Leading: apply everything once (adopting what exists); not leading: stop writing at once. */
  setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader) {
      this.lastApplied.clear();
      this.schedule(true);
    }
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** The fleets Tether provisions now, by Gateway (`namespace/name`). */
  rendered(): Map<string, RenderedFleet> {
    return new Map([...this.fleets].map(([k, f]) => [k, f.rendered]));
  }

  /** Translation's statuses with each provisioned Gateway's addresses, readiness and fleet problems. */
  decorate(statuses: readonly ObjectStatus[]): ObjectStatus[] {
    return statuses.map((s) => {
      if (s.status.type !== 'gateway' || s.ref.kind !== 'Gateway') return s;
      const key = `${s.ref.namespace ?? ''}/${s.ref.name}`;
      const failure = this.unrenderable.get(key);
      if (failure !== undefined) return notProvisioned(s, failure);
      const state = this.stateOf(key);
      return state ? decorateGatewayStatus(s, state) : s;
    });
  }

  /** Resolves when no pass is queued or running (tests; shutdown). */
  async idle(): Promise<void> {
    await this.worker.idle(!this.dirty);
  }

  private stateOf(gateway: string): FleetState | undefined {
    const f = this.fleets.get(gateway);
    if (!f) return undefined;
    const { namespace, name } = f.rendered;
    const mine = (o: KubeObject | undefined): KubeObject | undefined => (o && ownerUid(o) === f.uid ? o : undefined);
    const service = mine(this.owned.get(`/Service/${namespace}/${name}`));
    const deployment = mine(this.owned.get(`apps/Deployment/${namespace}/${name}`));
    return fleetState(f.rendered, service, deployment, f.applyProblems);
  }

  private schedule(force = false, ms = this.o.debounceMs ?? 50): void {
    if (this.stopped) return;
    this.dirty = true;
    if (force) this.force = true;
    this.worker.schedule(ms);
  }

  /** One reconcile pass over every fleet. */
  private async pass(): Promise<void> {
    this.dirty = false;
    this.retryDelay = undefined;
    const force = this.force;
    this.force = false;
    this.refresh();
    if (this.leader) {
      let failed: string | undefined;
      for (const f of this.fleets.values()) {
        try {
          await this.applyFleet(f, force);
        } catch (err) {
          failed ??= `fleet of Gateway ${f.rendered.gateway}: ${errText(err)}`;
          this.stats.errors++;
          this.log.warn({ gateway: f.rendered.gateway, err: errText(err) }, 'provisioning failed; will retry');
        }
      }
      try {
        await this.removeOrphans();
      } catch (err) {
        failed ??= errText(err);
        this.stats.errors++;
      }
      if (failed) {
        this.dirty = true;
        this.force = this.force || force;
        this.retryDelay = this.backoff.next();
        if (!this.failing) this.o.onProblem?.(`provisioning Envoy fleets is failing (${failed}); retrying`);
        this.failing = true;
      } else {
        this.backoff.reset();
        if (this.failing) this.o.onProblem?.(undefined);
        this.failing = false;
      }
    }
    this.notifyIfChanged();
  }

  /** Which Gateways are Tether's, and their rendered fleets. */
  private refresh(): void {
    const objects = this.o.store.list();
    const classes = new Set(
      objects.filter((o) => o.kind === 'GatewayClass' && o.apiVersion.startsWith('gateway.networking.k8s.io/')).map(parseGatewayClass).filter((c) => c.controllerName === CONTROLLER_NAME).map((c) => c.meta.name),
    );
    const next = new Map<string, Fleet>();
    const unrenderable = new Map<string, string>();
    const held = new Map<string, string>();
    for (const o of objects) {
      if (o.kind !== 'Gateway' || !o.apiVersion.startsWith('gateway.networking.k8s.io/') || typeof o.metadata.uid !== 'string') continue;
      const gw = parseGateway(o);
      if (!classes.has(gw.gatewayClassName)) continue;
      const key = `${gw.meta.namespace}/${gw.meta.name}`;
      try {
        const parameters = this.o.parameters(gw);
        if (parameters === undefined) {
          held.set(key, o.metadata.uid);
          continue;
        }
        const rendered = renderFleet(gw, o.metadata.uid, parameters, this.o.facts);
        next.set(key, { gw, uid: o.metadata.uid, rendered, applyProblems: this.fleets.get(key)?.applyProblems ?? [] });
      } catch (err) {
        // One Gateway that cannot be rendered (a name too long for its certificate Secret) stops no other.
        this.log.warn({ gateway: key, err: errText(err) }, 'cannot render the Envoy fleet of this Gateway');
        unrenderable.set(key, errText(err));
      }
    }
    this.fleets = next;
    this.unrenderable = unrenderable;
    this.held = held;
    const wanted = new Set([...next.values()].flatMap((f) => f.rendered.objects.map(objectKey)));
    for (const k of this.lastApplied.keys()) if (!wanted.has(k)) this.lastApplied.delete(k);
  }

  private async applyFleet(f: Fleet, force: boolean): Promise<void> {
    const problems: FleetProblem[] = [];
    for (const desired of f.rendered.objects) {
      if (!this.leader || this.stopped) return;
      const key = objectKey(desired);
      const json = JSON.stringify(desired);
      const observed = this.owned.get(key);
      const current = observed !== undefined && ownerUid(observed) === f.uid && contains(observed, desired);
      if (current && !force && this.lastApplied.get(key) === json) continue;
      if (!observed) {
        // Not among Tether's objects: never take over one that someone else made under that name.
        const existing = await this.client.get(desired.apiVersion, desired.kind, f.rendered.namespace, desired.metadata.name);
        if (existing && ownerUid(existing) !== f.uid) {
          problems.push({ reason: 'UnsupportedValue', message: `${desired.kind} ${f.rendered.namespace}/${desired.metadata.name} exists and is not this Gateway's fleet: not changed` });
          continue;
        }
      }
      await this.client.apply(desired);
      this.stats.applies++;
      this.lastApplied.set(key, json);
      this.log.debug({ object: key }, 'applied');
    }
    for (const a of f.rendered.absent) {
      const observed = this.owned.get(`${a.apiVersion.split('/')[0]}/${a.kind}/${a.namespace}/${a.name}`);
      if (observed && ownerUid(observed) === f.uid && (await this.client.delete(a.apiVersion, a.kind, a.namespace, a.name, observed.metadata.uid ?? ''))) this.stats.deletes++;
    }
    f.applyProblems = problems;
  }

  /** Fleets of Gateways that still exist but are no longer Tether's (their class changed). */
  private async removeOrphans(): Promise<void> {
    const uids = new Set([...[...this.fleets.values()].map((f) => f.uid), ...this.held.values()]);
    for (const o of this.owned.list()) {
      const owner = ownerRef(o);
      if (!owner || uids.has(owner.uid)) continue;
      const gw = this.o.store.get(`gateway.networking.k8s.io/Gateway/${o.metadata.namespace ?? ''}/${owner.name}`);
      // A Gateway that is gone: the garbage collector removes what it owned.
      if (!gw || gw.metadata.uid !== owner.uid || !this.leader) continue;
      if (await this.client.delete(o.apiVersion, o.kind, o.metadata.namespace ?? '', o.metadata.name, o.metadata.uid ?? '')) {
        this.stats.deletes++;
        this.log.info({ object: objectKey(o), gateway: `${o.metadata.namespace}/${owner.name}` }, 'removed the fleet of a Gateway that left Tether\'s class');
      }
    }
  }

  private notifyIfChanged(): void {
    const sig = JSON.stringify([[...this.fleets.keys()].sort().map((k) => [k, this.stateOf(k)]), [...this.unrenderable]]);
    if (sig === this.signature) return;
    this.signature = sig;
    this.o.onChange?.();
  }
}

/** A Gateway whose fleet cannot be made: not programmed, and why. */
function notProvisioned(s: ObjectStatus, why: string): ObjectStatus {
  if (s.status.type !== 'gateway') return s;
  const conditions = s.status.conditions.map((c) =>
    c.type === ConditionType.Programmed ? condition(ConditionType.Programmed, false, Reason.Invalid, `No Envoy fleet can be made for this Gateway: ${why}`, s.generation) : c,
  );
  return { ...s, status: { ...s.status, conditions } };
}

function ownerRef(o: KubeObject): { name: string; uid: string } | undefined {
  const refs = o.metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  const r = (refs as { kind?: string; name?: string; uid?: string; controller?: boolean }[]).find((x) => x.kind === 'Gateway' && x.controller === true);
  return r?.name && r.uid ? { name: r.name, uid: r.uid } : undefined;
}

function ownerUid(o: KubeObject): string | undefined {
  return ownerRef(o)?.uid;
}

/** Whether `have` holds every field of `want` with the same value (what the API server added aside). */
export function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && have.length === want.length && want.every((w, i) => contains(have[i], w));
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, v]) => contains((have as Record<string, unknown>)[k], v));
  }
  return have === want;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
