import { describe, expect, it } from 'vitest';
import { parseGateway } from '../k8s/gateway-api/gateway.ts';
import { parseHTTPRoute } from '../k8s/gateway-api/http-route.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { NAMESPACE_NAME_LABEL } from '../k8s/namespace.ts';
import { selectGateways } from './gateways.ts';
import { attachToParent } from './route-attachment.ts';

const gateway = parseGateway({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'web', namespace: 'infra' },
  spec: {
    gatewayClassName: 'tether',
    listeners: [
      { name: 'same', port: 80, protocol: 'HTTP', hostname: '*.example.com' },
      { name: 'all', port: 81, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'selected', port: 82, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { env: 'prod' } } } } },
      { name: 'grpc-only', port: 83, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] } },
      { name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } },
    ],
  },
});
const other = parseGateway({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'theirs', namespace: 'infra' }, spec: { gatewayClassName: 'other', listeners: [{ name: 'h', port: 80, protocol: 'HTTP' }] } });
const gateways = selectGateways([gateway, other], { ours: new Set(['tether']) });
const labels = (ns: string): Record<string, string> => (ns === 'prod-ns' ? { env: 'prod', [NAMESPACE_NAME_LABEL]: ns } : { [NAMESPACE_NAME_LABEL]: ns });

function attach(namespace: string, parentRef: Record<string, unknown>, hostnames: string[] = []) {
  const o: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace }, spec: { parentRefs: [{ namespace: 'infra', ...parentRef }], hostnames } };
  const route = parseHTTPRoute(o);
  const ref = route.parentRefs[0];
  if (!ref) throw new Error('test route has no parentRef');
  return attachToParent(route, ref, gateways, labels);
}

const summary = (a: ReturnType<typeof attach>) =>
  a.type === 'attached' ? { type: a.type, listeners: a.listeners.map((l) => [l.state.listener.name, l.hostnames]) } : a.type === 'failed' ? { type: a.type, reason: a.reason } : { type: a.type };

describe('attaching routes to parents', () => {
  it('attaches through every listener that allows the route, with the hostnames served there', () => {
    expect(summary(attach('infra', { name: 'web' }, ['a.example.com', 'b.example.org']))).toEqual({
      type: 'attached',
      listeners: [
        ['same', ['a.example.com']],
        ['all', ['a.example.com', 'b.example.org']],
      ],
    });
    expect(summary(attach('prod-ns', { name: 'web' }))).toEqual({ type: 'attached', listeners: [['all', ['*']], ['selected', ['*']]] });
  });

  it('reports NoMatchingParent for a missing Gateway, section or port', () => {
    expect(summary(attach('infra', { name: 'nope' }))).toEqual({ type: 'failed', reason: 'NoMatchingParent' });
    expect(summary(attach('infra', { name: 'web', sectionName: 'nope' }))).toEqual({ type: 'failed', reason: 'NoMatchingParent' });
    expect(summary(attach('infra', { name: 'web', port: 9999 }))).toEqual({ type: 'failed', reason: 'NoMatchingParent' });
  });

  it('reports NotAllowedByListeners for a namespace or kind the listeners refuse', () => {
    expect(summary(attach('dev', { name: 'web', sectionName: 'same' }))).toEqual({ type: 'failed', reason: 'NotAllowedByListeners' });
    expect(summary(attach('dev', { name: 'web', sectionName: 'selected' }))).toEqual({ type: 'failed', reason: 'NotAllowedByListeners' });
    expect(summary(attach('infra', { name: 'web', sectionName: 'grpc-only' }))).toEqual({ type: 'failed', reason: 'NotAllowedByListeners' });
    expect(summary(attach('infra', { name: 'web', sectionName: 'tls' }))).toEqual({ type: 'failed', reason: 'NotAllowedByListeners' });
  });

  it('reports NoMatchingListenerHostname when no hostname intersects', () => {
    expect(summary(attach('infra', { name: 'web', sectionName: 'same' }, ['example.com']))).toEqual({ type: 'failed', reason: 'NoMatchingListenerHostname' });
  });

  it('leaves parents of other controllers alone', () => {
    expect(summary(attach('infra', { name: 'theirs' }))).toEqual({ type: 'not-ours' });
    expect(summary(attach('infra', { name: 'svc', kind: 'Service', group: '' }))).toEqual({ type: 'not-ours' });
  });
});
