// The metadata every object of a fleet shares: its name and namespace, Tether's labels plus the
// Gateway's spec.infrastructure labels and annotations, and an ownerReference to the Gateway so
// that deleting the Gateway lets Kubernetes' garbage collector remove the fleet.
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { ObjectMeta } from '../k8s/kube-object.ts';
import { fleetLabels, fleetName } from './fleet-names.ts';

export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

export function gatewayOwnerReference(gw: Gateway, uid: string): OwnerReference {
  return { apiVersion: GATEWAY_API_VERSION, kind: 'Gateway', name: gw.meta.name, uid, controller: true, blockOwnerDeletion: true };
}

/** Labels of the fleet's objects (and pods): the Gateway's infrastructure labels, then Tether's, which win. */
export function objectLabels(gw: Gateway): Record<string, string> {
  return { ...gw.infrastructure.labels, ...fleetLabels(gw.meta.name) };
}

export function fleetMeta(gw: Gateway, uid: string, extra: { annotations?: Record<string, string> } = {}): ObjectMeta {
  const annotations = { ...gw.infrastructure.annotations, ...extra.annotations };
  return {
    name: fleetName(gw.meta.name),
    namespace: gw.meta.namespace,
    labels: objectLabels(gw),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ownerReferences: [gatewayOwnerReference(gw, uid)],
  };
}
