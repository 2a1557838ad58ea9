import { describe, expect, it } from 'vitest';
import type { RouteIR, RouteMatchIR } from '../ir/ir.ts';
import { compareRoutePrecedence, sortByPrecedence, translatePath, type RankedRoute } from './route-matches.ts';

function ranked(name: string, match: Partial<RouteMatchIR>, opts: { created?: string; ns?: string; route?: string; rule?: number; m?: number } = {}): RankedRoute {
  const route: RouteIR = {
    name,
    source: { kind: 'HTTPRoute', namespace: opts.ns ?? 'default', name: opts.route ?? 'r', ruleIndex: opts.rule ?? 0, matchIndex: opts.m ?? 0 },
    match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], ...match },
    action: { type: 'direct-response', status: 200 },
  };
  return { route, created: opts.created ?? '' };
}

const names = (rs: RankedRoute[]) => sortByPrecedence([...rs]).map((r) => r.name);

describe('route precedence', () => {
  it('puts Exact before RegularExpression before PathPrefix, whatever the lengths', () => {
    const rs = [
      ranked('prefix-long', { path: { type: 'PathPrefix', value: '/a/very/long/prefix' } }),
      ranked('regex', { path: { type: 'RegularExpression', value: '/.*' } }),
      ranked('exact-short', { path: { type: 'Exact', value: '/' } }),
    ];
    expect(names(rs)).toEqual(['exact-short', 'regex', 'prefix-long']);
  });

  it('orders PathPrefix by length, longest first', () => {
    const rs = [ranked('root', {}), ranked('api', { path: { type: 'PathPrefix', value: '/api' } }), ranked('api-v1', { path: { type: 'PathPrefix', value: '/api/v1' } })];
    expect(names(rs)).toEqual(['api-v1', 'api', 'root']);
  });

  it('then prefers a method, then more headers, then more query params', () => {
    const h = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `h${i}`, type: 'Exact' as const, value: 'x' }));
    const q = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `q${i}`, type: 'Exact' as const, value: 'x' }));
    const rs = [
      ranked('q2', { queryParams: q(2) }),
      ranked('h1', { headers: h(1) }),
      ranked('method', { method: 'GET' }),
      ranked('h2', { headers: h(2) }),
      ranked('h1q1', { headers: h(1), queryParams: q(1) }),
      ranked('plain', {}),
    ];
    expect(names(rs)).toEqual(['method', 'h2', 'h1q1', 'h1', 'q2', 'plain']);
  });

  it('breaks ties by the oldest route, unknown creation time last, then namespace/name, then rule and match order', () => {
    const rs = [
      ranked('no-time-b', {}, { route: 'b' }),
      ranked('young', {}, { created: '2026-03-01T00:00:00Z', route: 'z' }),
      ranked('old', {}, { created: '2026-01-01T00:00:00Z', route: 'zz' }),
      ranked('no-time-a-rule1', {}, { route: 'a', rule: 1 }),
      ranked('no-time-a-rule0-m1', {}, { route: 'a', rule: 0, m: 1 }),
      ranked('no-time-a-rule0-m0', {}, { route: 'a', rule: 0, m: 0 }),
      ranked('other-ns', {}, { ns: 'aaa', route: 'z' }),
    ];
    expect(names(rs)).toEqual(['old', 'young', 'other-ns', 'no-time-a-rule0-m0', 'no-time-a-rule0-m1', 'no-time-a-rule1', 'no-time-b']);
  });

  it('is a total order (antisymmetric)', () => {
    const a = ranked('a', { path: { type: 'Exact', value: '/x' } });
    const b = ranked('b', { path: { type: 'Exact', value: '/y' } }, { route: 's' });
    expect(Math.sign(compareRoutePrecedence(a, b))).toBe(-Math.sign(compareRoutePrecedence(b, a)));
  });

  it('ignores one trailing slash on a PathPrefix, but not on "/" or Exact', () => {
    expect(translatePath({ type: 'PathPrefix', value: '/api/' })).toEqual({ type: 'PathPrefix', value: '/api' });
    expect(translatePath({ type: 'PathPrefix', value: '/' })).toEqual({ type: 'PathPrefix', value: '/' });
    expect(translatePath({ type: 'Exact', value: '/api/' })).toEqual({ type: 'Exact', value: '/api/' });
  });

  it('ranks gRPC matches before HTTP ones (they only take gRPC requests), whatever their paths', () => {
    const rs = [
      ranked('http-exact', { path: { type: 'Exact', value: '/a' } }, { created: '2026-01-01T00:00:00Z' }),
      ranked('grpc', { grpc: true }, { created: '2026-02-01T00:00:00Z' }),
    ];
    expect(names(rs)).toEqual(['grpc', 'http-exact']);
  });

  it('ranks GRPCRoute matches by service characters, then method characters', () => {
    const g = (name: string, path: RouteMatchIR['path'], service: number, method: number): RankedRoute => ({ ...ranked(name, { path, grpc: true }), grpcMethod: { service, method } });
    const rs = [
      g('method-only', { type: 'RegularExpression', value: '/[^/]+/Check' }, 0, 5),
      g('service-only', { type: 'PathPrefix', value: '/helloworld.Greeter' }, 18, 0),
      g('both', { type: 'Exact', value: '/helloworld.Greeter/Check' }, 18, 5),
      g('any', { type: 'PathPrefix', value: '/' }, 0, 0),
    ];
    expect(names(rs)).toEqual(['both', 'service-only', 'method-only', 'any']);
  });
});
