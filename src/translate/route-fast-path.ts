// The route fast path: when only HTTPRoutes and GRPCRoutes changed, translate just those routes and
// rebuild just the Gateways their parentRefs name (before and after the edit), reusing what every
// other route put into them. Pure (objects in, IR and statuses out); the rebuild loop
// (rebuild/rebuild-loop.ts) keeps one from each full translation and falls back to a full rebuild
// whenever this cannot answer exactly what full translation would.
//
// A full translation records, per route, what it put into each Gateway (RouteRecorder below): the
// routes per listener and hostname, the clusters, the listeners whose attachedRoutes it counted,
// the session names it claimed. An edit takes the edited routes' records out, translates their new
// versions through the same steps (translate-route.ts, routes.ts) and puts the new records in.
//
// Routes meet each other in three places, and the fast path declines where they could:
// - session names are unique per Gateway and the oldest rule keeps one (sticky/session-names.ts):
//   declined when an edited route claims, or claimed, a name another route of the Gateway claims;
// - a sticky split is named after its backends and the oldest rule's weights keep the plain name
//   (names.ts): declined when an edited route had or has a split;
// - policies (BackendLBPolicy, SessionPolicy, vendor kinds) gather statuses across routes: no fast
//   path while any object translation does not read itself is present, or any policy status.
// The Gateways' own states (listeners, certificates judged at a time) must come out as before, or
// it declines too. rebuild/rebuild-loop.test.ts and route-fast-path.test.ts check its results
// against full translations, byte for byte.
import type { ClusterIR, GatewayIR, IR, RouteIR } from '../ir/ir.ts';
import { apiGroup, refKey, type KubeObject } from '../k8s/kube-object.ts';
import { GATEWAY_API_GROUP } from '../k8s/gateway-api/gateway.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import { parseHTTPRoute, type HTTPRoute } from '../k8s/gateway-api/http-route.ts';
import { parseGRPCRoute, type GRPCRoute } from '../k8s/gateway-api/grpc-route.ts';
import { NAMESPACE_NAME_LABEL, type Namespace } from '../k8s/namespace.ts';
import { parseService } from '../k8s/service.ts';
import { parseEndpointSlice, SERVICE_NAME_LABEL } from '../k8s/endpoint-slice.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { StickyDecision, StickyResolver, StickyRuleInput } from './sticky/sticky-resolver.ts';
import { createStickyResolver } from './sticky/create-sticky-resolver.ts';
import { gatewayStatus, isServed, selectGateways, type GatewayClassInputs, type GatewaySelection, type GatewayState } from './gateways.ts';
import type { ListenerState } from './listeners.ts';
import { indexEndpoints } from './endpoints.ts';
import { parsedOnce } from './object-index.ts';
import type { ReferenceGrantIndex } from './reference-grants.ts';
import { ClusterCatalog } from './cluster-catalog.ts';
import { GatewayIRBuilder, type RouteSink } from './gateway-ir-builder.ts';
import { sortByPrecedence, type RankedRoute } from './route-matches.ts';
import type { RouteOutcome } from './routes.ts';
import { routesInOrder, translateOneRoute } from './translate-route.ts';
import { gatewayName } from './names.ts';
import type { TranslateOptions } from './translate.ts';

type Route = HTTPRoute | GRPCRoute;

/** What one route put into one Gateway. */
interface Contribution {
  /** addRoutes calls: the listener (its index in the Gateway), hostnames and routes. */
  adds: { listener: number; hosts: string[]; routes: readonly RankedRoute[] }[];
  clusters: ClusterIR[];
  /** Listeners (indexes) whose attachedRoutes counted the route. */
  attached: number[];
  /** Session names its rules claim on the Gateway (`type|name`). */
  sessions: string[];
}

interface RouteRecord {
  /** `Kind/namespace/name`. */
  id: string;
  route: Route;
  /** Every Gateway its parentRefs name (`namespace/name`). */
  gateways: string[];
  /** Its status, or undefined when it was ignored (no parentRef names a Gateway of Tether's). */
  status?: ObjectStatus;
  contributions: Map<string, Contribution>;
}

const routeId = (r: { kind: string; meta: { namespace: string; name: string } }): string => `${r.kind}/${r.meta.namespace}/${r.meta.name}`;

function parentGateways(route: Route): string[] {
  const out = new Set<string>();
  for (const p of route.parentRefs) if (p.group === GATEWAY_API_GROUP && p.kind === 'Gateway') out.add(gatewayName(p));
  return [...out];
}

function sessionKey(session: NonNullable<StickyDecision['session']>): string {
  return `${session.type}|${session.type === 'header' ? session.name.toLowerCase() : session.name}`;
}

/** Watches route translation (full, or the fast path's own) and keeps a record per route. */
export class RouteRecorder {
  readonly records = new Map<string, RouteRecord>();
  private current: RouteRecord | undefined;
  private counted: { gateway: string; index: number; state: ListenerState; before: number }[] = [];

  begin(route: Route, gateways: GatewaySelection): void {
    const record: RouteRecord = { id: routeId(route), route, gateways: parentGateways(route), contributions: new Map() };
    this.current = record;
    this.counted = [];
    for (const key of record.gateways) {
      const g = gateways.ours.get(key);
      g?.listeners.forEach((state, index) => this.counted.push({ gateway: key, index, state, before: state.attachedRoutes }));
    }
  }

  end(outcome: RouteOutcome): void {
    const record = this.current!;
    for (const c of this.counted) if (c.state.attachedRoutes !== c.before) this.contribution(c.gateway).attached.push(c.index);
    if (outcome.type === 'status') record.status = outcome.status;
    this.records.set(record.id, record);
    this.current = undefined;
  }

  /** Sinks that record what the current route adds, passing it on to `builders` when given. */
  sinks(gateways: GatewaySelection, builders: ReadonlyMap<string, RouteSink>, keys: Iterable<string> = builders.keys()): Map<string, RouteSink> {
    const out = new Map<string, RouteSink>();
    for (const key of keys) {
      const state = gateways.ours.get(key);
      if (!state) continue;
      const inner = builders.get(key);
      out.set(key, {
        addRoutes: (listener, hostnames, routes) => {
          const hosts = [...hostnames];
          this.contribution(key).adds.push({ listener: state.listeners.indexOf(listener), hosts, routes });
          inner?.addRoutes(listener, hosts, routes);
        },
        addCluster: (cluster) => {
          this.contribution(key).clusters.push(cluster);
          inner?.addCluster(cluster);
        },
      });
    }
    return out;
  }

  /** A resolver that records the session names the current route's rules claim. */
  resolver(inner: StickyResolver): StickyResolver {
    return {
      resolve: (input: StickyRuleInput) => {
        const decision = inner.resolve(input);
        if (decision.session && this.current) this.contribution(gatewayName(input.gateway)).sessions.push(sessionKey(decision.session));
        return decision;
      },
      statuses: () => inner.statuses(),
    };
  }

  private contribution(gateway: string): Contribution {
    const record = this.current!;
    let c = record.contributions.get(gateway);
    if (!c) record.contributions.set(gateway, (c = { adds: [], clusters: [], attached: [], sessions: [] }));
    return c;
  }
}

/** One served Gateway's routes as its builder wants them, kept between edits. */
interface GatewayTable {
  /** Listener index → hostname → route name → route. */
  routes: Map<number, Map<string, Map<string, RankedRoute>>>;
  /** Listener index → hostname → how many addRoutes calls named it (a hostname stays while one does). */
  hostCalls: Map<number, Map<string, number>>;
  /** Cluster name → how many times routes added it. */
  clusterUses: Map<string, number>;
  /** Listener index → hostname → its routes in precedence order, while no edit touches it. */
  sorted: Map<number, Map<string, RouteIR[]>>;
  served: WeakMap<RouteIR, Map<string, RouteIR>>;
}

export interface RouteFastPathInput {
  recorder: RouteRecorder;
  index: { gateways: Gateway[]; namespaces: Map<string, Namespace>; secretTypes: Map<string, string> };
  /** Tether's classes and the parameters they and the Gateways name, as translation selected Gateways with. */
  classes: GatewayClassInputs;
  grants: ReferenceGrantIndex;
  gateways: GatewaySelection;
  statuses: readonly ObjectStatus[];
  options: () => TranslateOptions;
}

/** A route change, as the store reports it: its key and the object now (undefined = deleted). */
export interface RouteChange {
  key: string;
  next: KubeObject | undefined;
}

const ROUTE_KEY = /^gateway\.networking\.k8s\.io\/(HTTPRoute|GRPCRoute)\/([^/]+)\/([^/]+)$/;

export class RouteFastPath {
  private readonly input: Omit<RouteFastPathInput, 'recorder' | 'statuses'>;
  private readonly records: Map<string, RouteRecord>;
  /** Gateway → session name → the routes (ids) claiming it. */
  private readonly claims = new Map<string, Map<string, Set<string>>>();
  /** Gateway → listener index → attachedRoutes. */
  private readonly attached = new Map<string, Map<number, number>>();
  private tables: Map<string, GatewayTable> | undefined;
  /** Statuses as the last translation returned them, sorted by refKey. */
  private statuses: ObjectStatus[];
  private readonly signature: string;

  constructor(input: RouteFastPathInput) {
    const { recorder, statuses, ...rest } = input;
    this.input = rest;
    this.records = recorder.records;
    this.statuses = [...statuses];
    for (const r of this.records.values()) this.count(r, 1);
    this.signature = selectionSignature(input.gateways);
  }

  /**
   * The translation of the store after `changes` (route objects only), given every object now and
   * the IR served now; undefined when only a full translation can answer. State moves on only
   * when it answers.
   */
  apply(changes: readonly RouteChange[], objects: readonly KubeObject[], current: IR): { ir: IR; statuses: ObjectStatus[] } | undefined {
    // A key named twice counts as its last mention.
    const byId = new Map<string, { id: string; old: RouteRecord | undefined; next: Route | undefined }>();
    for (const c of changes) {
      const m = ROUTE_KEY.exec(c.key);
      if (!m) return undefined;
      const id = `${m[1]}/${m[2]}/${m[3]}`;
      const next = c.next === undefined ? undefined : m[1] === 'HTTPRoute' ? parsedOnce(c.next, parseHTTPRoute) : parsedOnce(c.next, parseGRPCRoute);
      if (next && routeId(next) !== id) return undefined;
      byId.delete(id);
      byId.set(id, { id, old: this.records.get(id), next });
    }
    const edits = [...byId.values()];

    // The Gateways as a full translation would select them now: they must be as before.
    const options = this.input.options();
    const tlsInputs = { secretTypes: this.input.index.secretTypes, certificates: options.certificates ?? new Map(), caBundles: options.caBundles ?? new Map(), grants: this.input.grants, ...(options.now !== undefined ? { now: options.now } : {}) };
    const gateways = selectGateways(this.input.index.gateways, this.input.classes, tlsInputs);
    if (selectionSignature(gateways) !== this.signature) return undefined;

    const affected = new Set<string>();
    for (const e of edits) {
      for (const key of [...(e.old?.gateways ?? []), ...(e.next ? parentGateways(e.next) : [])]) if (gateways.ours.has(key)) affected.add(key);
      if (e.old && hasSplit(e.old)) return undefined;
    }

    // Translate the new versions, recording what they add.
    const nextRoutes = edits.flatMap((e) => (e.next ? [e.next] : []));
    const endpoints = scopedEndpoints(nextRoutes, objects);
    const known = new Map<string, ClusterIR>();
    for (const g of current.gateways) for (const c of g.clusters) known.set(c.name, c);
    const recorder = new RouteRecorder();
    const resolver = recorder.resolver(createStickyResolver(objects));
    const served = [...affected].filter((k) => isServed(gateways.ours.get(k)!));
    const namespaces = this.input.index.namespaces;
    const ctx = {
      gateways,
      namespaceLabels: (ns: string) => namespaces.get(ns)?.labels ?? { [NAMESPACE_NAME_LABEL]: ns },
      resolver,
      catalog: new ClusterCatalog(endpoints, known),
      builders: recorder.sinks(gateways, new Map(), served),
    };
    const refs = { endpoints, grants: this.input.grants };
    for (const route of routesInOrder(nextRoutes.filter((r) => r.kind === 'HTTPRoute'), nextRoutes.filter((r) => r.kind === 'GRPCRoute'))) {
      recorder.begin(route, gateways);
      recorder.end(translateOneRoute(route, refs, ctx));
    }
    if (resolver.statuses().length > 0) return undefined;
    for (const r of recorder.records.values()) if (hasSplit(r)) return undefined;
    if (!this.sessionsApart(edits, recorder.records)) return undefined;

    // From here on it answers: move the state on.
    const tables = this.ensureTables(current);
    for (const e of edits) {
      if (e.old) {
        this.count(e.old, -1);
        this.unplace(tables, e.old);
        this.records.delete(e.id);
      }
      const rec = recorder.records.get(e.id);
      if (rec) {
        this.records.set(e.id, rec);
        this.count(rec, 1);
        this.place(tables, rec);
      }
    }

    const rebuilt = new Map<string, GatewayIR>();
    for (const key of affected) {
      const state = gateways.ours.get(key)!;
      const counts = this.attached.get(key);
      state.listeners.forEach((l, i) => (l.attachedRoutes = counts?.get(i) ?? 0));
      const table = tables.get(key);
      if (!table) continue;
      const clusters: ClusterIR[] = [];
      const before = current.gateways.find((g) => g.name === key);
      const byName = new Map(before?.clusters.map((c) => [c.name, c]));
      for (const r of recorder.records.values()) for (const c of r.contributions.get(key)?.clusters ?? []) byName.set(c.name, c);
      for (const name of table.clusterUses.keys()) {
        const c = byName.get(name);
        if (!c) throw new Error(`route fast path: no cluster ${name} for Gateway ${key}`);
        clusters.push(c);
      }
      const builder = new GatewayIRBuilder(state, { routes: (i) => tableRoutes(table, i), clusters, served: table.served, sorted: (i, h, byName) => sortedGroup(table, i, h, byName) });
      rebuilt.set(key, builder.build());
    }

    // Statuses: the edited routes' and the affected Gateways'.
    const replaced = new Map<string, ObjectStatus | undefined>();
    for (const e of edits) {
      if (e.old?.status) replaced.set(refKey(e.old.status.ref), undefined);
      const s = recorder.records.get(e.id)?.status;
      if (s) replaced.set(refKey(s.ref), s);
    }
    for (const key of affected) {
      const s = gatewayStatus(gateways.ours.get(key)!);
      replaced.set(refKey(s.ref), s);
    }
    this.statuses = replaceSorted(this.statuses, replaced);
    const ir: IR = { gateways: current.gateways.map((g) => rebuilt.get(g.name) ?? g) };
    return { ir, statuses: this.statuses };
  }

  /** False when an edited route claims (or claimed) a session name another route of the Gateway claims too. */
  private sessionsApart(edits: readonly { id: string; old: RouteRecord | undefined }[], next: ReadonlyMap<string, RouteRecord>): boolean {
    const edited = new Set(edits.map((e) => e.id));
    const fresh = new Map<string, Set<string>>();
    const check = (gateway: string, name: string, id: string, isNew: boolean): boolean => {
      for (const other of this.claims.get(gateway)?.get(name) ?? []) if (!edited.has(other)) return false;
      if (!isNew) return true;
      const k = `${gateway}\0${name}`;
      const ids = fresh.get(k) ?? new Set();
      ids.add(id);
      fresh.set(k, ids);
      return ids.size === 1;
    };
    for (const e of edits) for (const [g, c] of e.old?.contributions ?? []) for (const s of c.sessions) if (!check(g, s, e.id, false)) return false;
    for (const r of next.values()) for (const [g, c] of r.contributions) for (const s of c.sessions) if (!check(g, s, r.id, true)) return false;
    return true;
  }

  /** Adds (sign 1) or removes (-1) a record's session claims and attached counts. */
  private count(r: RouteRecord, sign: 1 | -1): void {
    for (const [g, c] of r.contributions) {
      for (const s of c.sessions) {
        let byName = this.claims.get(g);
        if (!byName) this.claims.set(g, (byName = new Map()));
        let ids = byName.get(s);
        if (!ids) byName.set(s, (ids = new Set()));
        if (sign > 0) ids.add(r.id);
        else {
          ids.delete(r.id);
          if (ids.size === 0) byName.delete(s);
        }
      }
      let counts = this.attached.get(g);
      if (!counts) this.attached.set(g, (counts = new Map()));
      for (const i of c.attached) counts.set(i, (counts.get(i) ?? 0) + sign);
    }
  }

  /** Every served Gateway's table, built from the records on first use. */
  private ensureTables(current: IR): Map<string, GatewayTable> {
    if (this.tables) return this.tables;
    const tables = new Map<string, GatewayTable>();
    for (const g of current.gateways) tables.set(g.name, { routes: new Map(), hostCalls: new Map(), clusterUses: new Map(), served: new WeakMap(), sorted: new Map() });
    this.tables = tables;
    for (const r of this.records.values()) this.place(tables, r);
    return tables;
  }

  private place(tables: Map<string, GatewayTable>, r: RouteRecord): void {
    for (const [g, c] of r.contributions) {
      const t = tables.get(g);
      if (!t) continue;
      for (const add of c.adds) {
        const hosts = tableRoutes(t, add.listener);
        let calls = t.hostCalls.get(add.listener);
        if (!calls) t.hostCalls.set(add.listener, (calls = new Map()));
        for (const h of add.hosts) {
          t.sorted.get(add.listener)?.delete(h);
          calls.set(h, (calls.get(h) ?? 0) + 1);
          let byName = hosts.get(h);
          if (!byName) hosts.set(h, (byName = new Map()));
          for (const x of add.routes) byName.set(x.route.name, x);
        }
      }
      for (const cl of c.clusters) t.clusterUses.set(cl.name, (t.clusterUses.get(cl.name) ?? 0) + 1);
    }
  }

  private unplace(tables: Map<string, GatewayTable>, r: RouteRecord): void {
    for (const [g, c] of r.contributions) {
      const t = tables.get(g);
      if (!t) continue;
      for (const add of c.adds) {
        const hosts = tableRoutes(t, add.listener);
        const calls = t.hostCalls.get(add.listener);
        for (const h of add.hosts) {
          t.sorted.get(add.listener)?.delete(h);
          const byName = hosts.get(h);
          for (const x of add.routes) if (byName?.get(x.route.name) === x) byName.delete(x.route.name);
          const n = (calls?.get(h) ?? 1) - 1;
          if (n > 0) calls?.set(h, n);
          else {
            calls?.delete(h);
            hosts.delete(h);
          }
        }
      }
      for (const cl of c.clusters) {
        const n = (t.clusterUses.get(cl.name) ?? 1) - 1;
        if (n > 0) t.clusterUses.set(cl.name, n);
        else t.clusterUses.delete(cl.name);
      }
    }
  }
}

function tableRoutes(t: GatewayTable, listener: number): Map<string, Map<string, RankedRoute>> {
  let hosts = t.routes.get(listener);
  if (!hosts) t.routes.set(listener, (hosts = new Map()));
  return hosts;
}

function sortedGroup(t: GatewayTable, listener: number, host: string, byName: ReadonlyMap<string, RankedRoute>): RouteIR[] {
  let byHost = t.sorted.get(listener);
  if (!byHost) t.sorted.set(listener, (byHost = new Map()));
  let routes = byHost.get(host);
  if (!routes) byHost.set(host, (routes = sortByPrecedence([...byName.values()])));
  return routes;
}

function hasSplit(r: RouteRecord): boolean {
  for (const c of r.contributions.values()) for (const cl of c.clusters) if (cl.localities.length > 1) return true;
  return false;
}

/** The Gateways' states as translation selects them, without what routes change (attachedRoutes). */
function selectionSignature(s: GatewaySelection): string {
  const gateways = [...s.ours.values()].map((g: GatewayState) => ({ key: g.key, rejected: g.rejected, listeners: g.listeners.map((l) => ({ ...l, attachedRoutes: 0 })) }));
  return JSON.stringify({ gateways, all: [...s.all].sort() });
}

/** The Services (and their slices) the routes' backendRefs and mirrors name, parsed from `objects`. */
function scopedEndpoints(routes: readonly Route[], objects: readonly KubeObject[]) {
  const wanted = new Set<string>();
  for (const r of routes) {
    for (const rule of r.rules) {
      for (const b of rule.backendRefs) wanted.add(`${b.namespace}/${b.name}`);
      for (const f of rule.filters) if (f.type === 'RequestMirror') wanted.add(`${f.mirror.backendRef.namespace}/${f.mirror.backendRef.name}`);
    }
  }
  const services = [];
  const slices = [];
  if (wanted.size > 0) {
    for (const o of objects) {
      const ns = o.metadata.namespace ?? 'default';
      if (o.kind === 'Service' && apiGroup(o.apiVersion) === '' && wanted.has(`${ns}/${o.metadata.name}`)) services.push(parsedOnce(o, parseService));
      else if (o.kind === 'EndpointSlice' && apiGroup(o.apiVersion) === 'discovery.k8s.io') {
        const svc = o.metadata.labels?.[SERVICE_NAME_LABEL];
        if (svc !== undefined && wanted.has(`${ns}/${svc}`)) slices.push(parsedOnce(o, parseEndpointSlice));
      }
    }
  }
  return indexEndpoints(services, slices);
}

/** `sorted` (by refKey) with the statuses in `replaced` put in, or taken out where undefined. */
function replaceSorted(sorted: readonly ObjectStatus[], replaced: ReadonlyMap<string, ObjectStatus | undefined>): ObjectStatus[] {
  const out = [...sorted];
  // First position whose key is above k (or at or above, with `orEqual`).
  const search = (k: string, orEqual: boolean): number => {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = refKey(out[mid].ref);
      if (m < k || (!orEqual && m === k)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const k of replaced.keys()) {
    const from = search(k, true);
    out.splice(from, search(k, false) - from);
  }
  for (const [k, s] of replaced) if (s) out.splice(search(k, false), 0, s);
  return out;
}
