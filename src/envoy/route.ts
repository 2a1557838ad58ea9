// IR listener → Envoy RouteConfiguration (named after the listener): one virtual host per hostname,
// routes in the IR's precedence order (Envoy takes the first match), and the per-route
// stateful_session config on sticky routes.
import type { ListenerIR, RouteIR, TlsChainIR, VirtualHostIR } from '../ir/ir.ts';
import { EnvoyType, typed, type JsonObject } from './envoy-json.ts';
import { buildCorsPerRoute } from './filters/cors.ts';
import { buildStatefulSessionPerRoute } from './filters/stateful-session.ts';
import { buildHeaderMutation } from './header-mutation.ts';
import { buildRouteAction } from './route-action.ts';
import { buildRouteMatch } from './route-match.ts';
import { memo } from './build-memo.ts';

/** Each IR route's JSON, per form (build-memo.ts). */
const envoyRoutes = new WeakMap<RouteIR, JsonObject>();
const grpcRoutes = new WeakMap<RouteIR, JsonObject>();

export interface RouteOptions {
  /**
   * The form proxyless gRPC clients accept (they reject a whole route configuration over one
   * unsupported part): segment-aware prefixes as regexes, the session config wrapped as optional,
   * and only forwarding routes, since gRPC can neither redirect nor answer directly.
   */
  grpcClient?: boolean;
}

export function buildRouteConfiguration(listener: ListenerIR | TlsChainIR, opts: RouteOptions = {}): JsonObject {
  return {
    name: listener.name,
    virtual_hosts: listener.virtualHosts.map((vhost) => buildVirtualHost(vhost, opts)),
  };
}

/** Every route configuration a listener needs: its own, or one per HTTPS filter chain. */
export function buildListenerRouteConfigurations(listener: ListenerIR, opts: RouteOptions = {}): JsonObject[] {
  return listener.tls ? listener.tls.chains.map((c) => buildRouteConfiguration(c, opts)) : [buildRouteConfiguration(listener, opts)];
}

function buildVirtualHost(vhost: VirtualHostIR, opts: RouteOptions): JsonObject {
  if (vhost.misdirected) {
    // 421 Misdirected Request: the client reused a TLS connection for a host another filter chain
    // serves; it retries on a new connection whose SNI picks the right chain.
    return { name: vhost.name, domains: [...vhost.domains], routes: [{ name: 'misdirected', match: { prefix: '/' }, direct_response: { status: 421 } }] };
  }
  const routes = opts.grpcClient ? vhost.routes.filter((r) => r.action.type === 'forward') : vhost.routes;
  const cache = opts.grpcClient ? grpcRoutes : envoyRoutes;
  return { name: vhost.name, domains: [...vhost.domains], routes: routes.map((r) => memo(cache, r, (x) => buildRoute(x, opts))) };
}

export function buildRoute(route: RouteIR, opts: RouteOptions = {}): JsonObject {
  const out: JsonObject = {
    name: route.name,
    match: buildRouteMatch(route.match, opts),
    ...buildRouteAction(route),
    ...buildHeaderMutation(route.requestHeaders, 'request'),
    ...buildHeaderMutation(route.responseHeaders, 'response'),
  };
  const perFilter: JsonObject = {};
  // gRPC clients do no CORS and have no cors filter: the policy is left out of their form.
  if (route.cors && !opts.grpcClient) {
    const filter = buildCorsPerRoute(route.cors);
    perFilter[filter.name] = filter.config;
  }
  if (route.session && route.action.type === 'forward') {
    const filter = buildStatefulSessionPerRoute(route.session);
    // gRPC does not implement the filter: FilterConfig.is_optional lets it skip the entry.
    const config = opts.grpcClient ? typed(EnvoyType.filterConfig, { config: filter.config, is_optional: true }) : filter.config;
    perFilter[filter.name] = config;
  }
  if (Object.keys(perFilter).length > 0) out['typed_per_filter_config'] = perFilter;
  return out;
}
