import { describe, expect, it } from 'vitest';
import type { ObjectStatus } from '../status/status.ts';
import { decorateGatewayStatus, serviceAddresses, type FleetState } from './fleet-status.ts';

const translated = (programmed: 'True' | 'False' = 'True'): ObjectStatus => ({
  ref: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop', name: 'edge' },
  generation: 3,
  writable: true,
  status: {
    type: 'gateway',
    listeners: [],
    conditions: [
      { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Gateway is accepted; spec.addresses is not supported: each Envoy fleet binds its own addresses', observedGeneration: 3 },
      { type: 'Programmed', status: programmed, reason: programmed === 'True' ? 'Programmed' : 'Invalid', message: 'Configuration served to Envoy fleet shop/edge', observedGeneration: 3 },
    ],
  },
});

const state = (addresses: FleetState['observation']['addresses'], ready: number, problems: FleetState['problems'] = [], requested: string[] = []): FleetState => ({
  problems,
  requested,
  observation: { fleet: 'shop/tether-edge', serviceType: 'LoadBalancer', addresses, readyReplicas: ready },
});

const cond = (s: ObjectStatus, type: string) => (s.status.type === 'gateway' ? s.status.conditions.find((c) => c.type === type) : undefined);

describe('decorateGatewayStatus', () => {
  it('is AddressNotAssigned without an address, Pending without a ready replica, Programmed with both', () => {
    expect(cond(decorateGatewayStatus(translated(), state(undefined, 0)), 'Programmed')).toMatchObject({ status: 'False', reason: 'AddressNotAssigned', observedGeneration: 3 });
    expect(cond(decorateGatewayStatus(translated(), state([], 2)), 'Programmed')).toMatchObject({ status: 'False', reason: 'AddressNotAssigned', message: expect.stringContaining('load balancer') });
    const addr = [{ type: 'IPAddress' as const, value: '198.51.100.1' }];
    expect(cond(decorateGatewayStatus(translated(), state(addr, 0)), 'Programmed')).toMatchObject({ status: 'False', reason: 'Pending' });
    const ok = decorateGatewayStatus(translated(), state(addr, 1));
    expect(cond(ok, 'Programmed')).toMatchObject({ status: 'True', reason: 'Programmed' });
    expect(ok.status.type === 'gateway' && ok.status.addresses).toEqual(addr);
  });

  it('is AddressNotUsable while a pinned address is not among the Service\'s, Programmed once it is', () => {
    const usable = { type: 'IPAddress' as const, value: '198.51.100.1' };
    // The load balancer gave nothing yet: not assigned (it may still come).
    expect(cond(decorateGatewayStatus(translated(), state([], 1, [], ['203.0.113.9'])), 'Programmed')).toMatchObject({ status: 'False', reason: 'AddressNotAssigned' });
    // It gave another address (or only the external IPs): the pinned one is named.
    const s = decorateGatewayStatus(translated(), state([usable], 1, [], ['203.0.113.9', '198.51.100.1']));
    expect(cond(s, 'Programmed')).toMatchObject({ status: 'False', reason: 'AddressNotUsable', message: expect.stringMatching(/^spec\.addresses 203\.0\.113\.9 not assigned to Service shop\/tether-edge \(it has 198\.51\.100\.1\)/) });
    expect(s.status.type === 'gateway' && s.status.addresses).toEqual([usable]);
    expect(cond(decorateGatewayStatus(translated(), state([usable], 1, [], ['198.51.100.1'])), 'Programmed')).toMatchObject({ status: 'True', reason: 'Programmed' });
  });

  it('keeps a Gateway translation did not program as it was, and drops the note that addresses are not read', () => {
    const s = decorateGatewayStatus(translated('False'), state([{ type: 'IPAddress', value: '198.51.100.1' }], 1));
    expect(cond(s, 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(cond(s, 'Accepted')?.message).toBe('Gateway is accepted');
  });

  it('reports an unsupported address as Accepted=False UnsupportedAddress, other problems in Programmed', () => {
    const s = decorateGatewayStatus(
      translated(),
      state([{ type: 'IPAddress', value: '198.51.100.1' }], 1, [
        { reason: 'UnsupportedAddress', message: 'spec.addresses[0]: address type "NamedAddress" is not supported' },
        { reason: 'UnsupportedValue', message: 'replicas is not used' },
      ]),
    );
    expect(cond(s, 'Accepted')).toMatchObject({ status: 'False', reason: 'UnsupportedAddress', message: expect.stringContaining('spec.addresses[0]') });
    expect(cond(s, 'Programmed')?.message).toContain('replicas is not used');
  });
});

describe('serviceAddresses', () => {
  it('reads load balancer IPs and hostnames, the cluster IP of other types, and external IPs', () => {
    expect(serviceAddresses(undefined)).toBeUndefined();
    const svc = (spec: object, status: object = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec, status });
    expect(serviceAddresses(svc({ type: 'LoadBalancer', clusterIP: '10.96.0.1' }))).toEqual([]);
    expect(serviceAddresses(svc({ type: 'LoadBalancer', clusterIP: '10.96.0.1' }, { loadBalancer: { ingress: [{ ip: '198.51.100.1' }, { hostname: 'lb.example.com' }] } }))).toEqual([
      { type: 'IPAddress', value: '198.51.100.1' },
      { type: 'Hostname', value: 'lb.example.com' },
    ]);
    expect(serviceAddresses(svc({ type: 'ClusterIP', clusterIP: '10.96.0.1', externalIPs: ['203.0.113.1'] }))).toEqual([
      { type: 'IPAddress', value: '203.0.113.1' },
      { type: 'IPAddress', value: '10.96.0.1' },
    ]);
    expect(serviceAddresses(svc({ type: 'ClusterIP', clusterIP: 'None' }))).toEqual([]);
  });
});
