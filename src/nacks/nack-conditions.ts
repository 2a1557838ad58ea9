// When Envoy rejects (NACKs) a resource built from a route, the route's owner should see it where
// they look: in the route's status. Given the rejections route-nacks.ts attributed (nack-status.ts), this
// adds a `tether.dev/EnvoyRejected` condition (True, with Envoy's error) to each of our parent
// entries of the routes named. Accepted stays as translation computed it: the route was valid
// Gateway API; Envoy refusing the result is a separate fact. Pure: returns new statuses.
import { describeRef, refKey, type ObjectRef } from '../k8s/kube-object.ts';
import { CONTROLLER_NAME, type Condition, type ObjectStatus } from '../status/status.ts';
import { ENVOY_REJECTED } from '../status/conditions.ts';

export interface RouteNack {
  /** The route the rejected resource was built from. */
  route: ObjectRef;
  /** Envoy's error_detail message. */
  message: string;
  /** The rejected resource (type and name), for the message. */
  resource?: string;
  /** The Envoy (node.id) that reported it. */
  node?: string;
}

/** Condition messages are capped at 32 KiB by the API server; Envoy errors can be long. */
const MAX_MESSAGE = 4096;

export function withNackConditions(statuses: readonly ObjectStatus[], nacks: readonly RouteNack[]): ObjectStatus[] {
  if (nacks.length === 0) return [...statuses];
  const byRoute = new Map<string, RouteNack[]>();
  for (const n of nacks) {
    const k = refKey(n.route);
    byRoute.set(k, [...(byRoute.get(k) ?? []), n]);
  }
  return statuses.map((s) => {
    const mine = byRoute.get(refKey(s.ref));
    if (!mine || s.status.type !== 'route') return s;
    const condition: Condition = {
      type: ENVOY_REJECTED,
      status: 'True',
      reason: 'EnvoyRejected',
      message: truncate(
        mine.map((n) => `Envoy${n.node ? ` ${n.node}` : ''} rejected ${n.resource ?? `the configuration built from ${describeRef(n.route)}`}: ${n.message}`).join('; '),
      ),
    };
    if (s.generation !== undefined) condition.observedGeneration = s.generation;
    return {
      ...s,
      status: {
        type: 'route',
        parents: s.status.parents.map((p) =>
          p.controllerName !== CONTROLLER_NAME
            ? p
            : { ...p, conditions: [...p.conditions.filter((c) => c.type !== ENVOY_REJECTED), condition] },
        ),
      },
    };
  });
}

function truncate(s: string): string {
  return s.length <= MAX_MESSAGE ? s : `${s.slice(0, MAX_MESSAGE - 1)}…`;
}
