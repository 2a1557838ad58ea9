// Assembles one Gateway's IR: an Envoy listener per port of its served listeners (listeners that
// differ only by hostname merge), a virtual host per hostname, and the clusters the routes use.
//
// Envoy picks ONE virtual host per request (the most specific domain), while Gateway API first picks
// the most specific listener for the host and then considers every route attached to it whose
// hostname covers the host, ranked by hostname specificity before path precedence. So the virtual
// host for `a.example.com` carries the routes written for `a.example.com`, then those for
// `*.example.com`, then those for any host — but only routes attached to the listener that owns
// `a.example.com`; a route attached to a less specific listener never serves it.
//
// HTTPS listeners on one port become one Envoy listener with a filter chain per Gateway listener,
// picked by SNI, each with its own routes. A chain answers 421 for hosts another chain owns (and,
// unless it is the catch-all, for hosts no listener of the port names), so a client that reuses a
// connection for another host is told to open a new one instead of reaching the wrong listener's
// routes. Routes are adapted to the listener that serves them (servedRoute): redirect ports and
// cookie security depend on its scheme and port.
import type { ClusterIR, GatewayIR, ListenerIR, RouteIR, SecretIR, TlsChainIR, VirtualHostIR } from '../ir/ir.ts';
import type { GatewayState } from './gateways.ts';
import type { ListenerState } from './listeners.ts';
import { listenerName, tlsChainName } from './names.ts';
import { ANY_HOST, compareHostnames, wildcardCovers } from './hostnames.ts';
import { sortByPrecedence, type RankedRoute } from './route-matches.ts';
import { containerPort } from '../k8s/container-port.ts';
import { edgeIR } from './edge-settings.ts';
import { servedCookie } from './sticky/served-cookie.ts';

/** Where route translation (routes.ts) puts a Gateway's routes and clusters. */
export interface RouteSink {
  addRoutes(listener: ListenerState, hostnames: Iterable<string>, routes: readonly RankedRoute[]): void;
  addCluster(cluster: ClusterIR): void;
}

/**
 * A builder's contents given whole, by the route fast path (route-fast-path.ts), which keeps them
 * between translations: per listener (by its index in the Gateway) hostname → route name → route.
 */
export interface GatewayIRSeed {
  routes: (listenerIndex: number) => Map<string, Map<string, RankedRoute>>;
  clusters: Iterable<ClusterIR>;
  served: WeakMap<RouteIR, Map<string, RouteIR>>;
  /** A hostname's routes in precedence order (the seed keeps the order of groups no edit touched). */
  sorted: (listenerIndex: number, hostname: string, byName: ReadonlyMap<string, RankedRoute>) => RouteIR[];
}

export class GatewayIRBuilder implements RouteSink {
  private readonly state: GatewayState;
  /** listener → hostname → route name → route (a route reached twice through one listener counts once). */
  private readonly routes = new Map<ListenerState, Map<string, Map<string, RankedRoute>>>();
  private readonly clusters = new Map<string, ClusterIR>();
  /** Routes as each kind of listener serves them (servedRoute), so equal copies are shared. */
  private readonly served: WeakMap<RouteIR, Map<string, RouteIR>>;
  private readonly sorted: (listener: ListenerState, hostname: string, byName: ReadonlyMap<string, RankedRoute>) => RouteIR[];

  constructor(state: GatewayState, seed?: GatewayIRSeed) {
    this.state = state;
    this.sorted = seed ? (l, h, byName) => seed.sorted(state.listeners.indexOf(l), h, byName) : (_l, _h, byName) => sortByPrecedence([...byName.values()]);
    state.listeners.forEach((l, i) => {
      if (l.usable) this.routes.set(l, seed ? seed.routes(i) : new Map());
    });
    if (seed) for (const c of seed.clusters) this.clusters.set(c.name, c);
    this.served = seed?.served ?? new WeakMap();
  }

  addRoutes(listener: ListenerState, hostnames: Iterable<string>, routes: readonly RankedRoute[]): void {
    const hosts = this.routes.get(listener);
    if (!hosts) return;
    for (const h of hostnames) {
      let byName = hosts.get(h);
      if (!byName) hosts.set(h, (byName = new Map()));
      for (const r of routes) byName.set(r.route.name, r);
    }
  }

  addCluster(cluster: ClusterIR): void {
    this.clusters.set(cluster.name, cluster);
  }

  build(): GatewayIR {
    const g = this.state.gateway.meta;
    const byPort = new Map<number, ListenerState[]>();
    for (const l of this.routes.keys()) {
      const list = byPort.get(l.listener.port);
      if (list) list.push(l);
      else byPort.set(l.listener.port, [l]);
    }
    const listeners: ListenerIR[] = [...byPort.entries()]
      .sort(([a], [b]) => a - b)
      .map(([port, states]) => {
        // Names, status and redirects keep the Gateway's port; only the bound socket is mapped.
        const name = listenerName(g, port);
        const bindPort = containerPort(port);
        if (states.every((s) => s.tls !== undefined)) return { name, port, bindPort, virtualHosts: [], tls: { chains: this.tlsChains(name, port, states) } };
        const serving = { https: false, port };
        const virtualHosts = this.virtualHosts(states).map((v) => ({ ...v, routes: v.routes.map((r) => servedRoute(r, serving, this.served)) }));
        return { name, port, bindPort, virtualHosts };
      });
    const clusters = [...this.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const secrets = new Map<string, SecretIR>();
    for (const l of this.routes.keys()) for (const s of l.tls?.secrets ?? []) secrets.set(s.name, s);
    const gateway: GatewayIR = { name: this.state.key, listeners, clusters, edge: edgeIR(this.state.parameters.edge) };
    if (secrets.size > 0) gateway.secrets = [...secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return gateway;
  }

  private tlsChains(listener: string, port: number, states: readonly ListenerState[]): TlsChainIR[] {
    const ordered = [...states].sort((a, b) => compareHostnames(a.listener.hostname ?? ANY_HOST, b.listener.hostname ?? ANY_HOST));
    const serving = { https: true, port };
    return ordered.map((s) => {
      const tls = s.tls!;
      const own = this.virtualHosts(states, s).map((v) => ({ ...v, routes: v.routes.map((r) => servedRoute(r, serving, this.served)) }));
      const served = new Set(own.map((v) => v.name));
      // Hostnames of the port's other listeners that this chain would otherwise answer for.
      const misdirected: VirtualHostIR[] = [];
      for (const other of states) {
        const h = other.listener.hostname;
        if (other === s || h === undefined || served.has(h)) continue;
        served.add(h);
        misdirected.push({ name: h, domains: [h], routes: [], misdirected: true });
      }
      if (s.listener.hostname !== undefined && !served.has(ANY_HOST)) misdirected.push({ name: ANY_HOST, domains: [ANY_HOST], routes: [], misdirected: true });
      const virtualHosts = [...own, ...misdirected].sort((a, b) => compareHostnames(a.name, b.name));
      return {
        name: tlsChainName(listener, s.listener.hostname),
        serverNames: s.listener.hostname !== undefined ? [s.listener.hostname] : [],
        secrets: tls.secrets.map((x) => x.name),
        parameters: tls.parameters,
        virtualHosts,
      };
    });
  }

  /** Virtual hosts for the listeners on one port; with `only`, just the hosts that listener owns. */
  private virtualHosts(states: readonly ListenerState[], only?: ListenerState): VirtualHostIR[] {
    // Sorted route groups per listener and hostname, computed once.
    const sorted = new Map<ListenerState, Map<string, RouteIR[]>>();
    const wildcards = new Map<ListenerState, string[]>();
    const names = new Set<string>();
    for (const s of states) {
      if (only !== undefined && s !== only) continue;
      const groups = new Map<string, RouteIR[]>();
      for (const [h, byName] of this.routes.get(s) ?? []) {
        groups.set(h, this.sorted(s, h, byName));
        names.add(h);
      }
      wildcards.set(s, [...groups.keys()].filter((k) => k.startsWith('*.')));
      sorted.set(s, groups);
      // A listener's own hostname always gets its virtual host, even without routes (404), so a
      // less specific listener's routes never answer for it.
      if (s.listener.hostname !== undefined) names.add(s.listener.hostname);
    }
    const out: VirtualHostIR[] = [];
    for (const h of [...names].sort(compareHostnames)) {
      const owner = owningListener(states, h);
      const groups = owner && sorted.get(owner);
      if (!owner || !groups || (only !== undefined && owner !== only)) continue;
      // Route groups of the owner whose hostname covers h, most specific first: h itself, the
      // wildcards covering it, then any host (only wildcards are scanned, so this stays linear).
      const covering = [h];
      for (const k of wildcards.get(owner) ?? []) if (k !== h && wildcardCovers(k, h)) covering.push(k);
      if (h !== ANY_HOST && groups.has(ANY_HOST)) covering.push(ANY_HOST);
      covering.sort(compareHostnames);
      const seen = new Set<string>();
      const routes: RouteIR[] = [];
      for (const k of covering) {
        for (const r of groups.get(k) ?? []) {
          if (seen.has(r.name)) continue;
          seen.add(r.name);
          routes.push(r);
        }
      }
      if (routes.length > 0 || h !== ANY_HOST) out.push({ name: h, domains: [h], routes });
    }
    return out;
  }
}

/** The listener Gateway API matches a request for `host` to: exact hostname, else the longest wildcard, else the one without hostname. */
function owningListener(states: readonly ListenerState[], host: string): ListenerState | undefined {
  let best: ListenerState | undefined;
  let bestRank = -1;
  for (const s of states) {
    const lh = s.listener.hostname;
    let rank = -1;
    if (lh === undefined) rank = 0;
    else if (lh === host) rank = 1_000_000;
    else if (lh.startsWith('*.') && wildcardCovers(lh, host)) rank = lh.length;
    if (rank > bestRank) {
      best = s;
      bestRank = rank;
    }
  }
  return best;
}

/** How a listener serves routes: its scheme and port decide redirects and cookie security. */
interface Serving {
  https: boolean;
  port: number;
}

/**
 * The route as one listener serves it, copied only when something differs (one copy per route and
 * listener kind, shared by every virtual host):
 * (redirect ports are placed per listener before this, redirect-port.ts):
 * - over HTTPS a session cookie is Secure and SameSite=Lax unless the policy chose (served-cookie.ts).
 */
function servedRoute(route: RouteIR, serving: Serving, memo: WeakMap<RouteIR, Map<string, RouteIR>>): RouteIR {
  let out = route;
  const s = route.session;
  if (s?.type === 'cookie') {
    const cookie = servedCookie(s, serving.https);
    if (cookie !== s) out = { ...out, session: cookie };
  }
  if (out === route) return route;
  const key = `${serving.https}/${serving.port}`;
  let byServing = memo.get(route);
  if (!byServing) memo.set(route, (byServing = new Map()));
  const seen = byServing.get(key);
  if (seen) return seen;
  byServing.set(key, out);
  return out;
}
