// Gateway API, ListenerStatus.attachedRoutes: attachment depends only on the listener's
// allowedRoutes and the route's parentRefs, never on the listener's own conditions; the count holds
// the routes whose Accepted condition is True. So a listener whose certificates do not resolve
// (ResolvedRefs=False, not programmed) or that is not accepted still counts the accepted routes
// attached to it, and a route that is not accepted is counted nowhere.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/kube-object.ts';
import type { ObjectStatus } from '../status/status.ts';
import { translate } from './translate.ts';

const gatewayClass: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } };
const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'default' }, spec: { ports: [{ port: 8080 }] } };
const gateway: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    gatewayClassName: 'tether',
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP' },
      // Its Secret does not exist: ResolvedRefs=False (InvalidCertificateRef), not programmed.
      { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'nowhere' }] } },
      // A TLS option Tether cannot use: Accepted=False.
      { name: 'bad-option', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'nowhere' }], options: { 'tether.dev/min-tls-version': '1.0' } } },
    ],
  },
};
const route = (name: string, parentRef: Record<string, unknown>, rule: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'default' },
  spec: { parentRefs: [{ name: 'web', ...parentRef }], rules: [{ backendRefs: [{ name: 'app', port: 8080 }], ...rule }] },
});

const objects: KubeObject[] = [
  gatewayClass,
  service,
  gateway,
  route('whole-gateway', {}),
  route('https-only', { sectionName: 'https' }),
  route('bad-option-only', { sectionName: 'bad-option' }),
  // Its only rule cannot be served: Accepted=False, counted nowhere.
  route('not-accepted', { sectionName: 'https' }, { filters: [{ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Nope', name: 'x' } }] }),
];

function listeners(statuses: readonly ObjectStatus[]): Record<string, { attachedRoutes: number; conditions: Record<string, string> }> {
  const g = statuses.find((s) => s.ref.kind === 'Gateway');
  if (g?.status.type !== 'gateway') throw new Error('no Gateway status');
  return Object.fromEntries(g.status.listeners.map((l) => [l.name, { attachedRoutes: l.attachedRoutes, conditions: Object.fromEntries(l.conditions.map((c) => [c.type, `${c.status}/${c.reason}`])) }]));
}

function accepted(statuses: readonly ObjectStatus[], name: string): string | undefined {
  const r = statuses.find((s) => s.ref.kind === 'HTTPRoute' && s.ref.name === name);
  if (r?.status.type !== 'route') throw new Error(`no status for route ${name}`);
  return r.status.parents[0]?.conditions.find((c) => c.type === 'Accepted')?.status;
}

describe('attachedRoutes on listeners whose certificates do not resolve', () => {
  const { statuses, ir } = translate(objects, { certificates: new Map(), now: '2030-01-01T00:00:00.000Z' });
  const l = listeners(statuses);

  it('counts the accepted routes attached to an unresolved or unaccepted listener, which is not served', () => {
    expect(l['https']?.conditions).toMatchObject({ Accepted: 'True/Accepted', ResolvedRefs: 'False/InvalidCertificateRef', Programmed: 'False/Invalid' });
    expect(l['https']?.attachedRoutes).toBe(2); // whole-gateway, https-only
    expect(l['bad-option']?.conditions).toMatchObject({ Accepted: 'False/UnsupportedValue', Programmed: 'False/Invalid' });
    expect(l['bad-option']?.attachedRoutes).toBe(2); // whole-gateway, bad-option-only
    expect(l['http']?.attachedRoutes).toBe(1); // whole-gateway
    // Neither HTTPS port reaches Envoy.
    expect(ir.gateways[0]?.listeners.map((x) => x.port)).toEqual([80]);
  });

  it('accepts a route attached only to such a listener, and counts a route that is not accepted nowhere', () => {
    expect(accepted(statuses, 'https-only')).toBe('True');
    expect(accepted(statuses, 'bad-option-only')).toBe('True');
    expect(accepted(statuses, 'not-accepted')).toBe('False');
  });
});
