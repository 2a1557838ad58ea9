// RequestRedirect's port, placed per listener. Gateway API: a written port wins; without one, a
// written scheme brings its well-known port (http 80, https 443) and no scheme keeps the listener's
// port. Location leaves a port out when it is the default for the redirect's scheme, so the IR carries
// a port only when Location must show it. Envoy then writes exactly that: the HTTP connection
// manager strips any port from Host before routing (src/envoy/listener.ts), so a redirect without
// `port_redirect` names the host alone, and with one Envoy appends it.
import type { RedirectActionIR } from '../ir/ir.ts';
import type { Listener } from '../k8s/gateway-api/gateway.ts';
import type { RankedRoute } from './route-matches.ts';

export type Scheme = 'http' | 'https';

const DEFAULT_PORT: Record<Scheme, number> = { http: 80, https: 443 };

/** The scheme a request arrives with on this listener (HTTPS and TLS terminate TLS). */
export function listenerScheme(listener: Pick<Listener, 'protocol'>): Scheme {
  return listener.protocol === 'HTTPS' || listener.protocol === 'TLS' ? 'https' : 'http';
}

export interface WrittenRedirectPort {
  scheme?: Scheme;
  port?: number;
}

/** The port Location carries, or undefined when it is the default for the redirect's scheme. */
export function redirectPort(written: WrittenRedirectPort, listener: Pick<Listener, 'protocol' | 'port'>): number | undefined {
  const scheme = written.scheme ?? listenerScheme(listener);
  const port = written.port ?? (written.scheme !== undefined ? DEFAULT_PORT[written.scheme] : listener.port);
  return port === DEFAULT_PORT[scheme] ? undefined : port;
}

/** The routes of one rule as served on one listener: redirects get that listener's port. */
export function placeRedirects(routes: readonly RankedRoute[], written: WrittenRedirectPort, listener: Pick<Listener, 'protocol' | 'port'>): RankedRoute[] {
  const port = redirectPort(written, listener);
  return routes.map((r) => {
    if (r.route.action.type !== 'redirect') return r;
    const a = r.route.action;
    if (a.port === port) return r;
    // Same key order as a redirect emitted with its port, so outputs read alike.
    const action: RedirectActionIR = { type: 'redirect', statusCode: a.statusCode };
    if (a.scheme !== undefined) action.scheme = a.scheme;
    if (a.hostname !== undefined) action.hostname = a.hostname;
    if (port !== undefined) action.port = port;
    if (a.path !== undefined) action.path = a.path;
    return { ...r, route: { ...r.route, action } };
  });
}
