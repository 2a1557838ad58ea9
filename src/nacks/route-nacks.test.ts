import { describe, expect, it } from 'vitest';
import type { IR, RouteIR } from '../ir/ir.ts';
import { routeNacks } from './route-nacks.ts';
import { TypeUrl } from '../xds/resource-types.ts';

const route = (name: string, clusters: string[]): RouteIR => ({
  name: `HTTPRoute/default/${name}/rule/0/match/0`,
  source: { kind: 'HTTPRoute', namespace: 'default', name, ruleIndex: 0, matchIndex: 0 },
  match: { path: { type: 'PathPrefix', value: `/${name}` }, headers: [], queryParams: [] },
  action: { type: 'forward', clusters: clusters.map((c) => ({ name: c, weight: 1 })) },
});

const ir: IR = {
  gateways: [{
    name: 'default/gw',
    listeners: [{ name: 'default/gw/8080', port: 8080, bindPort: 8080, virtualHosts: [{ name: '*', domains: ['*'], routes: [route('a', ['c1']), route('b', ['c1', 'c2']), route('c', ['c3'])] }] }],
    clusters: [],
    edge: { accessLog: 'JSON', trustedHops: 0, proxyProtocol: false, escapedSlashes: 'UnescapeAndRedirect', headersWithUnderscores: 'Drop', drainTimeoutSeconds: 5, maxConnections: 50000 },
  }],
};

const names = (r: ReturnType<typeof routeNacks>): string[] => r.map((n) => n.route.name).sort();

describe('routeNacks', () => {
  it('blames the routes forwarding to a rejected cluster', () => {
    const r = routeNacks(ir, [{ gateway: 'default/gw', typeUrl: TypeUrl.cluster, message: 'bad thing', resourceNames: ['c1', 'c3'] }]);
    expect(names(r)).toEqual(['a', 'b', 'c']);
    expect(r.find((n) => n.route.name === 'b')).toMatchObject({ route: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }, resource: 'Cluster c1', message: 'bad thing' });
  });

  it('narrows to the cluster or route Envoy names in its message', () => {
    expect(names(routeNacks(ir, [{ gateway: 'default/gw', typeUrl: TypeUrl.cluster, message: 'cluster c2: invalid', resourceNames: ['c1', 'c2', 'c3'] }]))).toEqual(['b']);
    expect(names(routeNacks(ir, [{ gateway: 'default/gw', typeUrl: TypeUrl.route, message: 'route HTTPRoute/default/c/rule/0/match/0: bad regex', resourceNames: ['default/gw/8080'] }]))).toEqual(['c']);
  });

  it('blames every route of a rejected route configuration, and nothing for unknown Gateways', () => {
    expect(names(routeNacks(ir, [{ gateway: 'default/gw', typeUrl: TypeUrl.route, message: 'x', resourceNames: ['default/gw/8080'] }]))).toEqual(['a', 'b', 'c']);
    expect(routeNacks(ir, [{ gateway: 'other/gw', typeUrl: TypeUrl.route, message: 'x', resourceNames: [] }])).toEqual([]);
  });
});
