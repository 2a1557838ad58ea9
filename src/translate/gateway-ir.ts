// Assembles one Gateway's IR: an Envoy listener per port of its served listeners (listeners that
// differ only by hostname merge), a virtual host per hostname, routes sorted by precedence, and the
// clusters they use.
import type { ClusterIR, GatewayIR, ListenerIR } from '../ir/ir.ts';
import type { GatewayState } from './gateways.ts';
import { compareHostnames } from './hostnames.ts';
import { sortByPrecedence, type RankedRoute } from './route-matches.ts';

export class GatewayIRBuilder {
  private readonly state: GatewayState;
  /** port → hostname → route name → route (a route reached twice through one listener counts once). */
  private readonly ports = new Map<number, Map<string, Map<string, RankedRoute>>>();
  private readonly clusters = new Map<string, ClusterIR>();

  constructor(state: GatewayState) {
    this.state = state;
    for (const l of state.listeners) if (l.usable && !this.ports.has(l.listener.port)) this.ports.set(l.listener.port, new Map());
  }

  addRoutes(port: number, hostnames: readonly string[], routes: readonly RankedRoute[]): void {
    const hosts = this.ports.get(port);
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
    const listeners: ListenerIR[] = [...this.ports.entries()]
      .sort(([a], [b]) => a - b)
      .map(([port, hosts]) => {
        const virtualHosts = [...hosts.keys()].sort(compareHostnames).map((h) => ({
          name: h,
          domains: [h],
          routes: sortByPrecedence([...(hosts.get(h) as Map<string, RankedRoute>).values()]),
        }));
        const hasStickyRoutes = virtualHosts.some((v) => v.routes.some((r) => r.session !== undefined || r.hashKeys !== undefined));
        return { name: `${g.namespace}/${g.name}/${port}`, port, virtualHosts, hasStickyRoutes };
      });
    const clusters = [...this.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { name: this.state.key, listeners, clusters };
  }
}
