// What a provisioned fleet adds to its Gateway's status, computed from what the cluster reports
// about the fleet's Service and Deployment: status.addresses (the load balancer's IPs or hostnames;
// the cluster IP for other Service types), Programmed=False AddressNotAssigned until an address
// exists, Programmed=False AddressNotUsable while an address spec.addresses pins is not among the
// Service's (the load balancer gave others: it cannot or will not use that one), Programmed=False
// Pending until a replica is ready, and the fleet's problems. Translation
// computes the Gateway's status first; this only narrows it (a Gateway whose config is not
// served stays as translation said), so the one status writer writes one merged status.
import type { KubeObject } from '../k8s/kube-object.ts';
import { ConditionType, Reason, condition } from '../status/conditions.ts';
import type { Condition, GatewayStatusAddress, ObjectStatus } from '../status/status.ts';
import type { FleetProblem } from './fleet-problem.ts';
import type { RenderedFleet } from './render-fleet.ts';

/** What the cluster says about a fleet right now. */
export interface FleetObservation {
  /** `namespace/name` of the fleet's Service and Deployment. */
  fleet: string;
  serviceType?: string;
  /** Undefined until the Service exists. */
  addresses: GatewayStatusAddress[] | undefined;
  readyReplicas: number;
}

export interface FleetState {
  problems: readonly FleetProblem[];
  /** The IP addresses the Gateway's spec.addresses pins on its Service (none: any will do). */
  requested?: readonly string[];
  observation: FleetObservation;
}

const IP = /^[0-9.]+$|:/;

/** status.addresses from a Service as the API server returns it. */
export function serviceAddresses(service: KubeObject | undefined): GatewayStatusAddress[] | undefined {
  if (!service) return undefined;
  const spec = (service.spec ?? {}) as { type?: string; clusterIP?: string; externalIPs?: string[] };
  const status = (service.status ?? {}) as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
  const out: GatewayStatusAddress[] = [];
  const add = (a: GatewayStatusAddress): void => {
    if (!out.some((o) => o.value === a.value)) out.push(a);
  };
  for (const ip of spec.externalIPs ?? []) add({ type: 'IPAddress', value: ip });
  if ((spec.type ?? 'ClusterIP') === 'LoadBalancer') {
    for (const i of status.loadBalancer?.ingress ?? []) {
      if (i.ip) add({ type: 'IPAddress', value: i.ip });
      else if (i.hostname) add({ type: 'Hostname', value: i.hostname });
    }
  } else if (spec.clusterIP && spec.clusterIP !== 'None' && IP.test(spec.clusterIP)) {
    add({ type: 'IPAddress', value: spec.clusterIP });
  }
  return out;
}

export function readyReplicas(deployment: KubeObject | undefined): number {
  const n = (deployment?.status as { readyReplicas?: unknown } | undefined)?.readyReplicas;
  return typeof n === 'number' ? n : 0;
}

/**
 * A fleet's state from its rendering and the Service and Deployment the cluster reports for it
 * (undefined until they exist), plus problems found while applying it.
 */
export function fleetState(rendered: RenderedFleet, service: KubeObject | undefined, deployment: KubeObject | undefined, applyProblems: readonly FleetProblem[] = []): FleetState {
  return {
    problems: [...rendered.problems, ...applyProblems],
    requested: rendered.requestedAddresses,
    observation: {
      fleet: `${rendered.namespace}/${rendered.name}`,
      serviceType: (service?.spec as { type?: string } | undefined)?.type,
      addresses: serviceAddresses(service),
      readyReplicas: readyReplicas(deployment),
    },
  };
}

/** The note translation adds for spec.addresses, which a provisioned fleet does read. */
const ADDRESSES_NOTE = /; spec\.addresses is not supported: each Envoy fleet binds its own addresses/;

export function decorateGatewayStatus(status: ObjectStatus, state: FleetState): ObjectStatus {
  if (status.status.type !== 'gateway') return status;
  const gen = status.generation;
  const obs = state.observation;
  const unsupported = state.problems.filter((p) => p.reason === 'UnsupportedAddress').map((p) => p.message);
  const notes = state.problems.filter((p) => p.reason !== 'UnsupportedAddress').map((p) => p.message);
  const conditions: Condition[] = status.status.conditions.map((c) => {
    if (c.type === ConditionType.Accepted) {
      const message = c.message.replace(ADDRESSES_NOTE, '');
      if (unsupported.length > 0 && c.status === 'True') return condition(ConditionType.Accepted, false, Reason.UnsupportedAddress, `${unsupported.join('; ')}; ${message}`, gen);
      return { ...c, message };
    }
    if (c.type !== ConditionType.Programmed || c.status !== 'True') return c;
    const suffix = notes.length > 0 ? `; ${notes.join('; ')}` : '';
    if (obs.addresses === undefined || obs.addresses.length === 0) {
      const why = obs.addresses === undefined ? `its Service ${obs.fleet} does not exist yet` : obs.serviceType === 'LoadBalancer' ? `the load balancer of Service ${obs.fleet} has not assigned one yet` : `Service ${obs.fleet} has none`;
      return condition(ConditionType.Programmed, false, Reason.AddressNotAssigned, `No address: ${why}${suffix}`, gen);
    }
    const assigned = obs.addresses;
    const missing = (state.requested ?? []).filter((ip) => !assigned.some((a) => a.value === ip));
    if (missing.length > 0) {
      const have = assigned.map((a) => a.value).join(', ');
      return condition(
        ConditionType.Programmed,
        false,
        Reason.AddressNotUsable,
        `spec.addresses ${missing.join(', ')} not assigned to Service ${obs.fleet} (it has ${have}): the address must be one its load balancer can give (its address pool; a provider that honours spec.loadBalancerIP) and not in use, or be removed from spec.addresses${suffix}`,
        gen,
      );
    }
    if (obs.readyReplicas === 0) {
      return condition(ConditionType.Programmed, false, Reason.Pending, `Waiting for a ready Envoy in Deployment ${obs.fleet}${suffix}`, gen);
    }
    return { ...c, message: `${c.message}; ${obs.readyReplicas} ready in Deployment ${obs.fleet}${suffix}` };
  });
  return { ...status, status: { ...status.status, conditions, addresses: obs.addresses ?? [] } };
}
