// Assembles one Gateway's IR: an Envoy listener per port of its served listeners (listeners that
// differ only by hostname merge), a virtual host per hostname, and the clusters the routes use.
//
// Envoy picks ONE virtual host per request (the most specific domain), while Gateway API first picks
// the most specific listener for the host and then considers every route attached to it whose
// hostname covers the host, ranked by hostname specificity before path precedence. So the virtual
// host for `a.example.com` carries the routes written for `a.example.com`, then those for
// `*.example.com`, then those for any host — but only routes attached to the listener that owns
// `a.example.com`; a route attached to a less specific listener never serves it.
import type { ClusterIR, GatewayIR, ListenerIR, RouteIR, VirtualHostIR } from '../ir/ir.ts';
import type { GatewayState } from './gateways.ts';
import type { ListenerState } from './listeners.ts';
import { listenerName } from './names.ts';
import { ANY_HOST, compareHostnames, wildcardCovers } from './hostnames.ts';
import { sortByPrecedence, type RankedRoute } from './route-matches.ts';

export class GatewayIRBuilder {
  private readonly state: GatewayState;
  /** listener → hostname → route name → route (a route reached twice through one listener counts once). */
  private readonly routes = new Map<ListenerState, Map<string, Map<string, RankedRoute>>>();
  private readonly clusters = new Map<string, ClusterIR>();

  constructor(state: GatewayState) {
    this.state = state;
    for (const l of state.listeners) if (l.usable) this.routes.set(l, new Map());
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
        return { name: listenerName(g, port), port, virtualHosts: this.virtualHosts(states) };
      });
    const clusters = [...this.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { name: this.state.key, listeners, clusters };
  }

  private virtualHosts(states: readonly ListenerState[]): VirtualHostIR[] {
    // Sorted route groups per listener and hostname, computed once.
    const sorted = new Map<ListenerState, Map<string, RouteIR[]>>();
    const wildcards = new Map<ListenerState, string[]>();
    const names = new Set<string>();
    for (const s of states) {
      const groups = new Map<string, RouteIR[]>();
      for (const [h, byName] of this.routes.get(s) ?? []) {
        groups.set(h, sortByPrecedence([...byName.values()]));
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
      if (!owner || !groups) continue;
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
