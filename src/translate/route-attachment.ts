// Attaching a route to its parents: each parentRef picks listeners of a Gateway (by sectionName and
// port), which must allow the route's kind and namespace, and whose hostname must intersect the
// route's hostnames. The outcome per parentRef is either the listeners (with the hostnames served
// through each) or the reason it failed: NoMatchingParent, NotAllowedByListeners,
// NoMatchingListenerHostname.
import type { ParentReference, RouteCommon } from '../k8s/gateway-api/route-common.ts';
import { GATEWAY_API_GROUP } from '../k8s/gateway-api/gateway.ts';
import { Reason } from '../status/conditions.ts';
import type { GatewaySelection, GatewayState } from './gateways.ts';
import { allowsNamespace, type ListenerState, type NamespaceLabels } from './listeners.ts';
import { intersectHostnames } from './hostnames.ts';
import { gatewayName } from './names.ts';

export interface AttachedListener {
  state: ListenerState;
  /** Virtual host names the route's rules go into on this listener. */
  hostnames: string[];
}

export type ParentAttachment =
  | { type: 'attached'; parentRef: ParentReference; gateway: GatewayState; listeners: AttachedListener[] }
  | { type: 'failed'; parentRef: ParentReference; gateway?: GatewayState; reason: string; message: string }
  /** The parent is not a Gateway of Tether's: another controller reports on it. */
  | { type: 'not-ours'; parentRef: ParentReference };

export interface AttachableRoute extends RouteCommon {
  kind: 'HTTPRoute' | 'GRPCRoute';
  meta: { namespace: string };
}

export function attachToParent(route: AttachableRoute, ref: ParentReference, gateways: GatewaySelection, labels: NamespaceLabels): ParentAttachment {
  if (ref.group !== GATEWAY_API_GROUP || ref.kind !== 'Gateway') return { type: 'not-ours', parentRef: ref };
  const key = gatewayName(ref);
  const gateway = gateways.ours.get(key);
  if (!gateway) {
    if (gateways.all.has(key)) return { type: 'not-ours', parentRef: ref };
    return { type: 'failed', parentRef: ref, reason: Reason.NoMatchingParent, message: `Gateway ${key} not found` };
  }
  if (gateway.rejected) return { type: 'failed', parentRef: ref, gateway, reason: Reason.NoMatchingParent, message: `Gateway ${key} is not accepted (${gateway.rejected.reason})` };
  let candidates = gateway.listeners;
  if (ref.sectionName !== undefined) candidates = candidates.filter((l) => l.listener.name === ref.sectionName);
  if (ref.port !== undefined) candidates = candidates.filter((l) => l.listener.port === ref.port);
  if (candidates.length === 0) {
    const which = [ref.sectionName !== undefined ? `named ${JSON.stringify(ref.sectionName)}` : '', ref.port !== undefined ? `on port ${ref.port}` : ''].filter(Boolean).join(' ');
    return { type: 'failed', parentRef: ref, gateway, reason: Reason.NoMatchingParent, message: `Gateway ${key} has no listener ${which}` };
  }
  const kindOk: ListenerState[] = [];
  for (const l of candidates) if (l.supportedKinds.some((k) => k.group === GATEWAY_API_GROUP && k.kind === route.kind)) kindOk.push(l);
  if (kindOk.length === 0) {
    return { type: 'failed', parentRef: ref, gateway, reason: Reason.NotAllowedByListeners, message: `No listener of Gateway ${key} (${names(candidates)}) allows ${route.kind}` };
  }
  const nsOk: ListenerState[] = [];
  for (const l of kindOk) if (allowsNamespace(l, gateway.gateway.meta.namespace, route.meta.namespace, labels)) nsOk.push(l);
  if (nsOk.length === 0) {
    return { type: 'failed', parentRef: ref, gateway, reason: Reason.NotAllowedByListeners, message: `Listeners ${names(kindOk)} of Gateway ${key} do not allow routes from namespace ${route.meta.namespace}` };
  }
  const listeners: AttachedListener[] = [];
  for (const state of nsOk) {
    const hostnames = intersectHostnames(state.listener.hostname, route.hostnames);
    if (hostnames.length > 0) listeners.push({ state, hostnames });
  }
  if (listeners.length === 0) {
    return {
      type: 'failed',
      parentRef: ref,
      gateway,
      reason: Reason.NoMatchingListenerHostname,
      message: `spec.hostnames (${route.hostnames.join(', ')}) match no hostname of listeners ${nsOk.map((l) => `${l.listener.name} (${l.listener.hostname ?? 'any'})`).join(', ')}`,
    };
  }
  return { type: 'attached', parentRef: ref, gateway, listeners };
}

function names(states: readonly ListenerState[]): string {
  return states.map((s) => s.listener.name).join(', ');
}
