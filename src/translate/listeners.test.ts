import { describe, expect, it } from 'vitest';
import { parseGateway } from '../k8s/gateway-api/gateway.ts';
import { translateListeners } from './listeners.ts';

function states(listeners: unknown[]) {
  const g = parseGateway({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'ns' }, spec: { gatewayClassName: 'tether', listeners } });
  return Object.fromEntries(
    translateListeners(g).map((s) => [s.listener.name, { usable: s.usable, kinds: s.supportedKinds.map((k) => k.kind), ...Object.fromEntries(s.conditions.map((c) => [c.type, `${c.status}/${c.reason}`])) }]),
  );
}

describe('listener conditions', () => {
  it('accepts and programs a plain HTTP listener with both route kinds', () => {
    expect(states([{ name: 'h', port: 80, protocol: 'HTTP' }])).toEqual({
      h: { usable: true, kinds: ['HTTPRoute', 'GRPCRoute'], Accepted: 'True/Accepted', Conflicted: 'False/NoConflicts', ResolvedRefs: 'True/ResolvedRefs', Programmed: 'True/Programmed' },
    });
  });

  it('reports unsupported protocols instead of dropping them', () => {
    const s = states([
      { name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } },
      { name: 'tcp', port: 5432, protocol: 'TCP' },
      { name: 'custom', port: 7000, protocol: 'example.com/FOO' },
    ]);
    for (const name of ['tls', 'tcp', 'custom']) expect(s[name]).toMatchObject({ usable: false, kinds: [], Accepted: 'False/UnsupportedProtocol', Programmed: 'False/Invalid' });
  });

  it('marks hostname and protocol conflicts on every listener involved', () => {
    const s = states([
      { name: 'a', port: 80, protocol: 'HTTP', hostname: 'x.example.com' },
      { name: 'b', port: 80, protocol: 'HTTP', hostname: 'x.example.com' },
      { name: 'c', port: 80, protocol: 'HTTP' },
      { name: 'd', port: 81, protocol: 'HTTP' },
      { name: 'e', port: 81, protocol: 'HTTPS' },
    ]);
    expect(s.a).toMatchObject({ usable: false, Conflicted: 'True/HostnameConflict' });
    expect(s.b).toMatchObject({ usable: false, Conflicted: 'True/HostnameConflict' });
    expect(s.c).toMatchObject({ usable: true, Conflicted: 'False/NoConflicts' });
    expect(s.d).toMatchObject({ usable: false, Conflicted: 'True/ProtocolConflict' });
    expect(s.e).toMatchObject({ usable: false, Conflicted: 'True/ProtocolConflict' });
  });

  it('keeps the kinds it supports and reports the others as InvalidRouteKinds', () => {
    const s = states([{ name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }, { kind: 'TCPRoute' }] } }]);
    expect(s.h).toMatchObject({ usable: true, kinds: ['HTTPRoute'], ResolvedRefs: 'False/InvalidRouteKinds' });
  });

  it('refuses malformed listeners naming the field, and duplicate names', () => {
    const s = states([
      { name: 'h', port: 80, protocol: 'HTTP' },
      { name: 'h', port: 81, protocol: 'HTTP' },
      { name: 'bad', port: 0, protocol: 'HTTP' },
    ]);
    expect(s.bad).toMatchObject({ usable: false, Accepted: 'False/UnsupportedValue' });
    const g = parseGateway({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'ns' }, spec: { gatewayClassName: 'tether', listeners: [{ name: 'h', port: 80, protocol: 'HTTP' }, { name: 'h', port: 81, protocol: 'HTTP' }] } });
    const [first, second] = translateListeners(g);
    expect(first?.usable).toBe(true);
    expect(second?.usable).toBe(false);
    expect(second?.conditions.find((c) => c.type === 'Accepted')?.message).toContain('spec.listeners[1].name: duplicate listener name');
  });
});
