import { describe, expect, it } from 'vitest';
import { formatSeconds, renderTable, statusEntry } from './output-format.ts';

describe('output format helpers', () => {
  it.each([
    [0, '0s'],
    [10, '10s'],
    [90, '1m30s'],
    [3600, '1h'],
    [86461, '24h1m1s'],
  ])('formatSeconds(%d) = %s', (s, text) => {
    expect(formatSeconds(s)).toBe(text);
  });

  it('aligns table columns and trims trailing space', () => {
    expect(renderTable(['A', 'BB'], [['long', 'x'], ['s', '']])).toBe('A     BB\nlong  x\ns\n');
  });

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
