import { describe, expect, it } from 'vitest';
import type { IR } from '../ir/ir.ts';
import { ENVOY_REJECTED } from '../status/conditions.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../status/status.ts';
import type { StreamInfo } from '../xds/xds-events.ts';
import { TypeUrl } from '../xds/resource-types.ts';
import { NackStatus } from './nack-status.ts';

const ir: IR = {
  gateways: [{
    name: 'default/gw',
    listeners: [{ name: 'default/gw/8080', port: 8080, virtualHosts: [{ name: '*', domains: ['*'], routes: [{
      name: 'HTTPRoute/default/a/rule/0/match/0',
      source: { kind: 'HTTPRoute', namespace: 'default', name: 'a', ruleIndex: 0, matchIndex: 0 },
      match: { path: { type: 'PathPrefix', value: '/a' }, headers: [], queryParams: [] },
      action: { type: 'forward', clusters: [{ name: 'c1', weight: 1 }] },
    }] }] }],
    clusters: [],
  }],
};

const status: ObjectStatus = {
  ref: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default', name: 'a' },
  writable: true,
  status: { type: 'route', parents: [{ parentRef: { name: 'gw' }, controllerName: CONTROLLER_NAME, conditions: [] }] },
};

const stream = { id: 1, nodeId: 'envoy-1', gateway: 'default/gw', variant: 'envoy', protocol: 'sotw', peer: '', connectedAt: '', knownGateway: true } satisfies StreamInfo;
const nack = { at: '', nodeId: 'envoy-1', gateway: 'default/gw', typeUrl: TypeUrl.cluster, version: 'v2', nonce: '1', code: 3, message: 'bad', resourceNames: ['c1'] };

const rejected = (s: ObjectStatus[]): string[] =>
  s.flatMap((o) => (o.status.type === 'route' ? o.status.parents.flatMap((p) => p.conditions.filter((c) => c.type === ENVOY_REJECTED).map((c) => c.message)) : []));

describe('NackStatus', () => {
  it('turns a NACK into a route condition until another version of its type is ACKed, telling its listener each time', () => {
    const nacks = new NackStatus();
    let changes = 0;
    nacks.onChange(() => changes++);
    expect(rejected(nacks.decorate([status], ir))).toEqual([]);

    nacks.nacked({ stream, nack });
    expect(changes).toBe(1);
    expect(rejected(nacks.decorate([status], ir))).toEqual(['Envoy rejected Cluster c1: bad']);

    nacks.acked({ stream, typeUrl: TypeUrl.cluster, version: 'v3', latencyMs: 1 });
    expect(changes).toBe(2);
    expect(rejected(nacks.decorate([status], ir))).toEqual([]);
  });
});
