// What README.md ("Sticky sessions") promises about listeners: nothing sticky lives in them, so editing routes or
// sessions never changes a Listener (and never makes Envoy drain one), and the session filter is
// wired on every connection manager, disabled until a route turns it on.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { GatewayIR, RouteIR } from '../ir/ir.ts';
import { buildEnvoyResources } from './build-envoy-resources.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'build');
const load = (name: string): GatewayIR => parse(readFileSync(join(dir, `${name}.in.yaml`), 'utf8')) as GatewayIR;

function routesOf(gw: GatewayIR): RouteIR[] {
  return gw.listeners.flatMap((l) => l.virtualHosts.flatMap((v) => v.routes));
}

describe('listeners', () => {
  it('do not change when routes, sessions and hash keys change', () => {
    const before = load('cookie-session');
    const after = load('cookie-session');
    const [sticky, plain] = routesOf(after);
    sticky.session = { type: 'header', name: 'x-session', strict: true, origin: { kind: 'HTTPRoute', name: 'cart' } };
    sticky.hashKeys = [{ type: 'header', name: 'x-user', terminal: true }];
    plain.match.path = { type: 'Exact', value: '/elsewhere' };
    const a = buildEnvoyResources(before);
    const b = buildEnvoyResources(after);
    expect(b.routes).not.toEqual(a.routes);
    expect(b.listeners).toEqual(a.listeners);
  });

  it('carry the session filter disabled, before the router, even with no sticky route', () => {
    const hcm = JSON.stringify(buildEnvoyResources(load('plain-route')).listeners[0]);
    const session = hcm.indexOf('"name":"envoy.filters.http.stateful_session","disabled":true');
    expect(session).toBeGreaterThan(0);
    expect(hcm.indexOf('"name":"envoy.filters.http.router"')).toBeGreaterThan(session);
  });
});

describe('routes', () => {
  it('turn the session filter on for sticky routes only', () => {
    const { routes } = buildEnvoyResources(load('cookie-session'));
    const vhost = (routes[0]['virtual_hosts'] as { routes: Record<string, unknown>[] }[])[0];
    const [sticky, plain] = vhost.routes;
    expect(Object.keys(sticky['typed_per_filter_config'] as object)).toEqual(['envoy.filters.http.stateful_session']);
    expect(plain['typed_per_filter_config']).toBeUndefined();
  });
});
