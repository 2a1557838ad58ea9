import { describe, expect, it } from 'vitest';
import { statusEntry } from './status-entry.ts';

describe('statusEntry', () => {
  it('prints a status with its identity first and the body as Kubernetes shows it', () => {
    const condition = { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: 'ok' };
    expect(
      statusEntry({
        ref: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'ns', name: 'r' },
        writable: true,
        status: { type: 'route', parents: [{ parentRef: { name: 'gw' }, controllerName: 'tether.dev/gateway-controller', conditions: [condition] }] },
      }),
    ).toEqual({ kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', namespace: 'ns', name: 'r', parents: [{ parentRef: { name: 'gw' }, controllerName: 'tether.dev/gateway-controller', conditions: [condition] }] });
    expect(statusEntry({ ref: { group: '', kind: 'Service', name: 's' }, writable: false, status: { type: 'conditions', conditions: [] } })).toEqual({ kind: 'Service', name: 's', conditions: [] });
  });
});
