// Conformance cases on hostnames: several listeners sharing a port told apart by hostname, each
// request served only by the most specific listener that matches it (listener isolation), and the
// intersection of route and listener hostnames.
import { expect } from 'vitest';
import type { ConformanceCase } from './cases.ts';
import { reached } from './base-setting.ts';
import { gateway, httpListener, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectRouteAccepted, listenersOf, routeCondition } from './status-checks.ts';

const prefixTo = (path: string, service: string) => ({ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: service, port: 8080 }] });
const listener = (name: string, hostname?: string, from = 'Same') => ({ ...httpListener(80, { allowedRoutes: { namespaces: { from } } }), name, ...(hostname ? { hostname } : {}) });

const ISOLATED = [
  ['empty-hostname', undefined],
  ['wildcard-example-com', '*.example.com'],
  ['wildcard-foo-example-com', '*.foo.example.com'],
  ['abc-foo-example-com', 'abc.foo.example.com'],
] as const;

/** One Gateway, four listeners on port 80 from least to most specific; one route per listener, with `hostnames` when given. */
function isolation(gw: string, hostnames?: string[]): void {
  const s = new Scenario([
    gateway(gw, ISOLATED.map(([name, host]) => listener(name, host, 'All'))),
    ...ISOLATED.map(([section]) => route('HTTPRoute', `to-${section}`, { parentRefs: [{ name: gw, sectionName: section }], ...(hostnames ? { hostnames } : {}), rules: [prefixTo(`/${section}`, 'infra-backend-v1')] })),
  ]);
  expectGatewayReady(s, gw);
  for (const [section] of ISOLATED) expectRouteAccepted(s, 'HTTPRoute', `to-${section}`, { gateway: gw, sectionName: section });
  expect(listenersOf(s, gw)).toEqual(ISOLATED.map(([name]) => [name, 1]));
  // Each host reaches only the routes of the most specific listener matching it.
  const hosts: [string, string][] = [
    ['bar.com', 'empty-hostname'],
    ['bar.example.com', 'wildcard-example-com'],
    ['bar.foo.example.com', 'wildcard-foo-example-com'],
    ['abc.foo.example.com', 'abc-foo-example-com'],
  ];
  for (const [host, owner] of hosts) {
    for (const [section] of ISOLATED) {
      expect(reached(s.request({ host, path: `/${section}` }, gw)), `${host}/${section}`).toBe(section === owner ? 'infra-backend-v1' : 404);
    }
  }
}

function listenerIsolation(): void {
  isolation('http-listener-isolation');
  // Route hostnames naming the other listeners' hosts do not pull those hosts over.
  isolation('http-listener-isolation-with-hostname-intersection', ['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com']);
}

function listenerHostnameMatching(): void {
  const gw = 'httproute-listener-hostname-matching';
  const parent = (sectionName: string) => ({ name: gw, sectionName });
  const s = new Scenario([
    gateway(gw, [listener('listener-1', 'bar.com'), listener('listener-2', 'foo.bar.com'), listener('listener-3', '*.bar.com'), listener('listener-4', '*.foo.com')]),
    route('HTTPRoute', 'backend-v1', { parentRefs: [parent('listener-1')], rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8080 }] }] }),
    route('HTTPRoute', 'backend-v2', { parentRefs: [parent('listener-2')], rules: [{ backendRefs: [{ name: 'infra-backend-v2', port: 8080 }] }] }),
    route('HTTPRoute', 'backend-v3', { parentRefs: [parent('listener-3'), parent('listener-4')], rules: [{ backendRefs: [{ name: 'infra-backend-v3', port: 8080 }] }] }),
  ]);
  expectGatewayReady(s, gw);
  expectRouteAccepted(s, 'HTTPRoute', 'backend-v1', { gateway: gw, sectionName: 'listener-1' });
  expectRouteAccepted(s, 'HTTPRoute', 'backend-v2', { gateway: gw, sectionName: 'listener-2' });
  expectRouteAccepted(s, 'HTTPRoute', 'backend-v3', { gateway: gw, sectionName: 'listener-3' });
  expectRouteAccepted(s, 'HTTPRoute', 'backend-v3', { gateway: gw, sectionName: 'listener-4' });
  const b = (host: string) => reached(s.request({ host, path: '/' }, gw));
  expect(['bar.com', 'foo.bar.com', 'baz.bar.com', 'boo.bar.com', 'multiple.prefixes.bar.com', 'multiple.prefixes.foo.com', 'foo.com', 'no.matching.host'].map(b)).toEqual([
    'infra-backend-v1',
    'infra-backend-v2',
    'infra-backend-v3',
    'infra-backend-v3',
    'infra-backend-v3',
    'infra-backend-v3',
    404,
    404,
  ]);
}

function hostnameIntersection(): void {
  const gw = 'httproute-hostname-intersection';
  const all = 'httproute-hostname-intersection-all';
  const r = (name: string, hostnames: string[], path: string, service: string, parent = gw) => route('HTTPRoute', name, { parentRefs: [{ name: parent }], hostnames, rules: [prefixTo(path, service)] });
  const s = new Scenario([
    gateway(gw, [listener('listener-1', 'very.specific.com'), listener('listener-2', '*.wildcard.io'), listener('listener-3', '*.anotherwildcard.io')]),
    gateway(all, [listener('listener-1')]),
    r('specific-matches-specific', ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], '/s1', 'infra-backend-v1'),
    r('specific-matches-wildcard', ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'], '/s2', 'infra-backend-v2'),
    r('wildcard-matches-specific', ['non.matching.com', '*.specific.com'], '/s3', 'infra-backend-v3'),
    r('wildcard-matches-wildcard', ['*.anotherwildcard.io'], '/s4', 'infra-backend-v1'),
    r('no-intersecting-hosts', ['specific.but.wrong.com', 'wildcard.io'], '/s5', 'infra-backend-v2'),
    route('HTTPRoute', 'intersection-all', { parentRefs: [{ name: all }], hostnames: ['first.com', 'sub.first.com', 'second.com', 'sub.second.com'], rules: [{ backendRefs: [{ name: 'infra-backend-v2', port: 8080 }] }] }),
  ]);
  expectGatewayReady(s, gw);
  expectGatewayReady(s, all);
  for (const name of ['specific-matches-specific', 'specific-matches-wildcard', 'wildcard-matches-specific', 'wildcard-matches-wildcard']) expectRouteAccepted(s, 'HTTPRoute', name, { gateway: gw });
  expect(routeCondition(s, 'HTTPRoute', 'no-intersecting-hosts', { gateway: gw }, 'Accepted')).toEqual({ status: 'False', reason: 'NoMatchingListenerHostname' });
  // Only accepted routes count: listener-1 has the routes for very.specific.com and *.specific.com.
  expect(listenersOf(s, gw)).toEqual([
    ['listener-1', 2],
    ['listener-2', 1],
    ['listener-3', 1],
  ]);
  const b = (host: string, path: string) => reached(s.request({ host, path, port: 80 }, gw));
  // The port in Host plays no part in matching hostnames.
  expect([b('very.specific.com', '/s1'), b('very.specific.com:1234', '/s1')]).toEqual(['infra-backend-v1', 'infra-backend-v1']);
  expect([b('non.matching.com', '/s1'), b('foo.nonmatchingwildcard.io', '/s1'), b('foo.wildcard.io', '/s1'), b('very.specific.com', '/non-matching-prefix')]).toEqual([404, 404, 404, 404]);
  expect([b('foo.wildcard.io', '/s2'), b('bar.wildcard.io', '/s2'), b('foo.bar.wildcard.io', '/s2')]).toEqual(['infra-backend-v2', 'infra-backend-v2', 'infra-backend-v2']);
  expect([b('non.matching.com', '/s2'), b('wildcard.io', '/s2'), b('very.specific.com', '/s2'), b('foo.wildcard.io', '/non-matching-prefix')]).toEqual([404, 404, 404, 404]);
  expect(b('very.specific.com', '/s3')).toBe('infra-backend-v3');
  expect([b('non.matching.com', '/s3'), b('foo.specific.com', '/s3'), b('foo.wildcard.io', '/s3'), b('very.specific.com', '/non-matching-prefix')]).toEqual([404, 404, 404, 404]);
  expect([b('foo.anotherwildcard.io', '/s4'), b('bar.anotherwildcard.io', '/s4'), b('foo.bar.anotherwildcard.io', '/s4')]).toEqual(['infra-backend-v1', 'infra-backend-v1', 'infra-backend-v1']);
  expect([b('anotherwildcard.io', '/s4'), b('foo.wildcard.io', '/s4'), b('very.specific.com', '/s4'), b('foo.anotherwildcard.io', '/non-matching-prefix')]).toEqual([404, 404, 404, 404]);
  expect([b('specific.but.wrong.com', '/s5'), b('wildcard.io', '/s5')]).toEqual([404, 404]);
  // A listener without hostname: the route's own hostnames, exactly.
  expectRouteAccepted(s, 'HTTPRoute', 'intersection-all', { gateway: all });
  const a = (host: string) => reached(s.request({ host, path: '/' }, all));
  expect(['first.com', 'sub.first.com', 'second.com', 'sub.second.com', 'third.com', 'sub.third.com'].map(a)).toEqual(['infra-backend-v2', 'infra-backend-v2', 'infra-backend-v2', 'infra-backend-v2', 404, 404]);
}

export const HOSTNAME_CASES: ConformanceCase[] = [
  { test: 'GatewayHTTPListenerIsolation', features: ['Gateway', 'GatewayHTTPListenerIsolation', 'HTTPRoute'], outcome: { type: 'checked', run: listenerIsolation } },
  { test: 'HTTPRouteListenerHostnameMatching', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: listenerHostnameMatching } },
  { test: 'HTTPRouteHostnameIntersection', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: hostnameIntersection } },
];
