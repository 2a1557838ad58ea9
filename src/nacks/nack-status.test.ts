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
    listeners: [{ name: 'default/gw/8080', port: 8080, bindPort: 8080, virtualHosts: [{ name: '*', domains: ['*'], routes: [{
      name: 'HTTPRoute/default/a/rule/0/match/0',
      source: { kind: 'HTTPRoute', namespace: 'default', name: 'a', ruleIndex: 0, matchIndex: 0 },
      match: { path: { type: 'PathPrefix', value: '/a' }, headers: [], queryParams: [] },
      action: { type: 'forward', clusters: [{ name: 'c1', weight: 1 }] },
    }] }] }],
    clusters: [],
    edge: { accessLog: 'JSON', trustedHops: 0, proxyProtocol: false, escapedSlashes: 'UnescapeAndRedirect', headersWithUnderscores: 'Drop', drainTimeoutSeconds: 5, maxConnections: 50000 },
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
    const nacks = new NackStatus({ gatewayExists: () => true, coalesceMs: 0 });
    let changes = 0;
    nacks.onChange(() => changes++);
    expect(rejected(nacks.decorate([status], ir))).toEqual([]);

    nacks.nacked({ stream, nack });
    expect(changes).toBe(1);
    expect(rejected(nacks.decorate([status], ir))).toEqual(['Envoy envoy-1 rejected Cluster c1: bad']);

    nacks.acked({ stream, typeUrl: TypeUrl.cluster, version: 'v3', latencyMs: 1 });
    expect(changes).toBe(2);
    expect(rejected(nacks.decorate([status], ir))).toEqual([]);
  });
});

describe('NackStatus: what a client can make Tether write', () => {
  it('drops NACKs from streams of Gateways that do not exist, and of responses that carried nothing', () => {
    const nacks = new NackStatus({ gatewayExists: (gw) => gw === 'default/gw', coalesceMs: 0 });
    let changes = 0;
    nacks.onChange(() => changes++);
    nacks.nacked({ stream: { ...stream, gateway: 'attacker/made-up' }, nack: { ...nack, gateway: 'attacker/made-up' } });
    nacks.nacked({ stream, nack: { ...nack, resourceNames: [] } });
    expect(changes).toBe(0);
    expect(nacks.held).toBe(0);
  });

  it('strips control characters, caps the text, names the reporting node', () => {
    const nacks = new NackStatus({ gatewayExists: () => true, coalesceMs: 0 });
    nacks.nacked({ stream: { ...stream, nodeId: 'evil\n\u202enode' }, nack: { ...nack, message: `line1\r\nline2\u0000\u001b[31m${'x'.repeat(5000)}` } });
    const [message] = rejected(nacks.decorate([status], ir));
    expect(message.startsWith('Envoy evil node rejected Cluster c1: line1 line2 [31mxxx')).toBe(true);
    expect(message).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(message.length).toBeLessThan(1100);
  });

  it('coalesces: the fleet repeating a NACK of one version, with any text, makes one change; several changes in an interval one call', async () => {
    const nacks = new NackStatus({ gatewayExists: () => true, coalesceMs: 30 });
    let changes = 0;
    nacks.onChange(() => changes++);
    for (let i = 0; i < 300; i++) nacks.nacked({ stream: { ...stream, nodeId: `envoy-${i}` }, nack: { ...nack, message: `text ${i}` } });
    nacks.nacked({ stream, nack: { ...nack, typeUrl: TypeUrl.route, version: 'r1', resourceNames: ['default/gw/8080'] } });
    expect(changes).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(changes).toBe(1);
    expect(rejected(nacks.decorate([status], ir))[0]).toMatch(/^Envoy envoy-0 rejected Cluster c1: text 0; /);
    nacks.stop();
  });

  it('forgets the NACKs of a Gateway once it is gone from the IR', () => {
    const nacks = new NackStatus({ gatewayExists: () => true, coalesceMs: 0 });
    nacks.nacked({ stream, nack });
    expect(nacks.held).toBe(1);
    nacks.decorate([status], { gateways: [] });
    expect(nacks.held).toBe(0);
  });
});
