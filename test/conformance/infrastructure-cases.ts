// Conformance cases on what a Gateway asks of the infrastructure Tether provisions for it: static
// addresses, an address of a type with no value, and spec.infrastructure labels and annotations.
// Offline, each Gateway goes through Tether's own paths: translation gives its status, the fleet
// renderer (src/provision/render-fleet.ts) the objects Tether would apply, and the status the
// provisioner publishes is that status decorated (src/provision/fleet-status.ts) with what the
// cluster would report for the fleet: its Service as applied, with the load balancer status a test
// gives it, and a Deployment with ready replicas. What a real load balancer does with an address is
// only seen in a live cluster.
import { expect } from 'vitest';
import { parseGateway } from '../../src/k8s/gateway-api/gateway.ts';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import { decorateGatewayStatus, fleetState } from '../../src/provision/fleet-status.ts';
import { standardInstallFacts } from '../../src/provision/install-facts.ts';
import { renderFleet, type RenderedFleet } from '../../src/provision/render-fleet.ts';
import type { Condition, GatewayStatusAddress, ObjectStatus } from '../../src/status/status.ts';
import type { ConformanceCase } from './cases.ts';
import { condition, gateway, Scenario } from './scenario.ts';
import { expectObservedGeneration, gatewayBody, listenersOf } from './status-checks.ts';

const FACTS = standardInstallFacts({ namespace: 'tether-system', xdsPort: 18000, tls: true });
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** A Gateway of the shared class at `generation`, with the uid the API server would have given it. */
function provisionedGateway(name: string, spec: object, generation = 1): KubeObject {
  const g = gateway(name, [{ name: 'http', port: 8080, protocol: 'HTTP' }], spec);
  return { ...g, metadata: { ...g.metadata, uid: `uid-${name}`, generation } };
}

interface Provisioned {
  scenario: Scenario;
  fleet: RenderedFleet;
  /** The Gateway's status as the provisioner publishes it, given the load balancer's ingress. */
  status: (ingress: { ip?: string; hostname?: string }[]) => ObjectStatus;
}

/** Translates `gw` with the shared setting and renders its fleet with no FleetParameters. */
function provision(gw: KubeObject): Provisioned {
  const scenario = new Scenario([gw]);
  const fleet = renderFleet(parseGateway(gw), gw.metadata.uid ?? '', {}, FACTS);
  const rendered = (kind: string): KubeObject => {
    const o = fleet.objects.find((x) => x.kind === kind);
    if (!o) throw new Error(`the fleet has no ${kind}`);
    return o;
  };
  const translated = scenario.status('Gateway', gw.metadata.name);
  return {
    scenario,
    fleet,
    status: (ingress) => {
      const service = { ...rendered('Service'), status: { loadBalancer: { ingress } } };
      const deployment = { ...rendered('Deployment'), status: { readyReplicas: 2 } };
      return decorateGatewayStatus(translated, fleetState(fleet, service, deployment));
    },
  };
}

function body(s: ObjectStatus): { conditions: Condition[]; addresses: GatewayStatusAddress[] } {
  if (s.status.type !== 'gateway') throw new Error('not a Gateway status');
  return { conditions: s.status.conditions, addresses: s.status.addresses ?? [] };
}

function serviceSpec(fleet: RenderedFleet): Record<string, unknown> {
  return (fleet.objects.find((o) => o.kind === 'Service')?.spec ?? {}) as Record<string, unknown>;
}

function staticAddresses(): void {
  const name = 'static-addresses';
  const invalid = { type: 'example.com/not-a-real-type', value: 'no such address' };
  // The suite takes these two from its configuration: one the network cannot use, one it can.
  const unusable = { type: 'IPAddress', value: '203.0.113.77' };
  const usable = { type: 'IPAddress', value: '198.51.100.42' };

  // An address of a type Tether does not support: not accepted.
  const first = provision(provisionedGateway(name, { addresses: [invalid, unusable, usable] }, 1));
  const s1 = body(first.status([]));
  expect(condition(s1.conditions, 'Accepted')).toEqual({ status: 'False', reason: 'UnsupportedAddress' });
  expect(s1.conditions.find((c) => c.type === 'Accepted')?.message).toContain('spec.addresses[0]');
  expectObservedGeneration(s1.conditions, 1);

  // Without it: accepted. The first IP is the load balancer's, the other an external IP; the load
  // balancer cannot use its address and assigns none, so the Gateway is not programmed, and says which.
  const second = provision(provisionedGateway(name, { addresses: [unusable, usable] }, 2));
  expect(serviceSpec(second.fleet)).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: unusable.value, externalIPs: [usable.value] });
  const s2 = body(second.status([]));
  expect(condition(s2.conditions, 'Accepted')).toEqual({ status: 'True', reason: 'Accepted' });
  expect(condition(s2.conditions, 'Programmed')).toEqual({ status: 'False', reason: 'AddressNotUsable' });
  expect(s2.conditions.find((c) => c.type === 'Programmed')?.message).toContain(unusable.value);
  expectObservedGeneration(s2.conditions, 2);

  // Only the usable address: the load balancer assigns it; accepted, programmed, and it is the one address in status.
  const third = provision(provisionedGateway(name, { addresses: [usable] }, 3));
  expect(serviceSpec(third.fleet)).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: usable.value });
  expect(serviceSpec(third.fleet)['externalIPs']).toBeUndefined();
  const s3 = body(third.status([{ ip: usable.value }]));
  expect(condition(s3.conditions, 'Accepted')).toEqual({ status: 'True', reason: 'Accepted' });
  expect(condition(s3.conditions, 'Programmed')).toEqual({ status: 'True', reason: 'Programmed' });
  expectObservedGeneration(s3.conditions, 3);
  expect(s3.addresses).toEqual([{ type: 'IPAddress', value: usable.value }]);
  // The listener: accepted, refs resolved, HTTPRoute among its kinds, no routes.
  expect(listenersOf(third.scenario, name)).toEqual([['http', 0]]);
  const listener = gatewayBody(third.scenario, name).listeners[0];
  expect([condition(listener?.conditions ?? [], 'Accepted')?.status, condition(listener?.conditions ?? [], 'ResolvedRefs')?.status]).toEqual(['True', 'True']);
  // Every listener is bound on the address: the Service exposes its port, onto the port Envoy binds.
  const ports = serviceSpec(third.fleet)['ports'] as { port: number; targetPort: number }[];
  const bound = third.scenario.envoy(name).listeners.map((l) => (l['address'] as { socket_address: { port_value: number } }).socket_address.port_value);
  expect(ports.map((p) => p.port)).toEqual([8080]);
  expect(bound).toEqual(ports.map((p) => p.targetPort));
}

function addressWithoutValue(): void {
  const name = 'address-without-value';
  const p = provision(provisionedGateway(name, { addresses: [{ type: 'IPAddress' }] }));
  // Nothing pinned on the Service: it gets an address as any other would.
  expect(p.fleet.problems).toEqual([]);
  expect(serviceSpec(p.fleet)['loadBalancerIP']).toBeUndefined();
  expect(serviceSpec(p.fleet)['externalIPs']).toBeUndefined();
  // Until the load balancer assigns one: not programmed, for want of an address.
  expect(condition(body(p.status([])).conditions, 'Programmed')).toEqual({ status: 'False', reason: 'AddressNotAssigned' });
  const assigned = body(p.status([{ ip: '192.0.2.15' }]));
  expect(condition(assigned.conditions, 'Accepted')).toEqual({ status: 'True', reason: 'Accepted' });
  expect(condition(assigned.conditions, 'Programmed')).toEqual({ status: 'True', reason: 'Programmed' });
  expectObservedGeneration(assigned.conditions, 1);
  // The suite waits for an address with a type.
  expect(assigned.addresses).toEqual([{ type: 'IPAddress', value: '192.0.2.15' }]);
}

function infrastructureMetadata(): void {
  const name = 'infrastructure-metadata';
  const labels = { 'example.com/team': 'checkout', tier: 'edge' };
  const annotations = { 'example.com/owner': 'platform', note: 'provisioned' };
  const p = provision(provisionedGateway(name, { infrastructure: { labels, annotations } }));
  const s = body(p.status([{ ip: '192.0.2.16' }]));
  expect(condition(s.conditions, 'Accepted')).toEqual({ status: 'True', reason: 'Accepted' });
  expect(s.conditions.find((c) => c.type === 'Accepted')?.message).not.toContain('infrastructure');
  expectObservedGeneration(s.conditions, 1);
  // The suite lists ServiceAccounts, Pods and Services by the Gateway's name label and expects the
  // labels and annotations on each: here every object Tether applies, and the pods' template.
  const carriers = [...p.fleet.objects.map((o) => [o.kind, o.metadata] as const)];
  const deployment = p.fleet.objects.find((o) => o.kind === 'Deployment') as { spec: { template: { metadata: KubeObject['metadata'] } } } | undefined;
  if (!deployment) throw new Error('the fleet has no Deployment');
  carriers.push(['Pod', deployment.spec.template.metadata]);
  expect(carriers.map(([kind]) => kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'PodDisruptionBudget', 'Pod']);
  for (const [kind, meta] of carriers) {
    expect(meta.labels, kind).toMatchObject({ ...labels, [GATEWAY_NAME_LABEL]: name });
    expect(meta.annotations, kind).toMatchObject(annotations);
  }
}

const LIVE_ADDRESS = 'a real load balancer assigning or refusing the address';

export const INFRASTRUCTURE_CASES: ConformanceCase[] = [
  {
    test: 'GatewayStaticAddresses',
    features: ['Gateway', 'GatewayStaticAddresses'],
    outcome: { type: 'checked', run: staticAddresses, limit: `${LIVE_ADDRESS}; the Service Tether applies and the status it derives from the Service's load balancer status are checked` },
  },
  {
    test: 'GatewayOptionalAddressValue',
    features: ['Gateway', 'GatewayAddressEmpty'],
    outcome: { type: 'checked', run: addressWithoutValue, limit: `${LIVE_ADDRESS}; the Service Tether applies and the status it derives from the Service's load balancer status are checked` },
  },
  {
    test: 'GatewayInfrastructure',
    features: ['Gateway', 'GatewayInfrastructurePropagation'],
    outcome: { type: 'checked', run: infrastructureMetadata, limit: 'the objects as the API server lists them and the pods the Deployment makes; the objects Tether applies and their pod template are checked' },
  },
];
