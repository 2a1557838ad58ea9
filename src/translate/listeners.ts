// A Gateway's listeners: which can carry routes, which kinds and namespaces they allow, and their
// conflicts. Tether serves HTTP and HTTPS (TLS terminated, listener-tls.ts); TLS, TCP and UDP
// listeners are reported (Accepted=False, UnsupportedProtocol), never dropped silently.
import type { Gateway, Listener, RouteGroupKind } from '../k8s/gateway-api/gateway.ts';
import { GATEWAY_API_GROUP } from '../k8s/gateway-api/gateway.ts';
import { selectorMatches } from '../k8s/label-selector.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import type { Condition, ListenerStatus } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import type { SecretIR, TlsParametersIR } from '../ir/ir.ts';
import { NO_TLS_INPUTS, resolveListenerTls, type TlsInputs } from './listener-tls.ts';
import { resolveFrontendValidation } from './frontend-validation.ts';

/** Route kinds an HTTP listener serves. */
export const HTTP_ROUTE_KINDS: readonly RouteGroupKind[] = [
  { group: GATEWAY_API_GROUP, kind: 'HTTPRoute' },
  { group: GATEWAY_API_GROUP, kind: 'GRPCRoute' },
];

export interface ListenerState {
  listener: Listener;
  /** Accepted, not conflicted: its port gets an Envoy listener and routes attached to it are served. */
  usable: boolean;
  supportedKinds: RouteGroupKind[];
  /** Routes (not rules) Accepted through this listener. */
  attachedRoutes: number;
  conditions: Condition[];
  /** HTTPS: the certificates and parameters its filter chain serves. */
  tls?: { secrets: SecretIR[]; parameters: TlsParametersIR };
}

export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>>;

export function translateListeners(gateway: Gateway, tlsInputs: TlsInputs = NO_TLS_INPUTS): ListenerState[] {
  const gen = gateway.meta.generation;
  const conflicts = findConflicts(gateway.listeners);
  const seenNames = new Set<string>();
  return gateway.listeners.map((l) => {
    const problems = l.problems.map(formatProblem);
    if (seenNames.has(l.name)) problems.push(`spec.listeners[${l.index}].name: duplicate listener name ${JSON.stringify(l.name)}`);
    seenNames.add(l.name);
    const isHTTPS = l.protocol === 'HTTPS';
    const isHTTP = l.protocol === 'HTTP' || isHTTPS;
    if (l.protocol === 'HTTP' && l.hasTls) problems.push(`spec.listeners[${l.index}].tls: must not be set for protocol HTTP`);
    const tls = isHTTPS ? resolveListenerTls(gateway.meta.namespace, l, tlsInputs) : undefined;
    if (tls) problems.push(...tls.invalid);
    const notes = tls ? tls.unsupported : [];
    // Client certificate validation is judged after the listener's own fields: its reason
    // (NoValidCACertificate) applies only to a listener that is otherwise valid.
    const unverifiable = isHTTPS ? resolveFrontendValidation(gateway, l, tlsInputs) : undefined;

    // supportedKinds: the allowed kinds this listener can serve; anything else is InvalidRouteKinds.
    let supportedKinds: RouteGroupKind[] = [];
    const invalidKinds: string[] = [];
    if (isHTTP) {
      if (l.allowedKinds.length === 0) supportedKinds = HTTP_ROUTE_KINDS.map((k) => ({ ...k }));
      for (const k of l.allowedKinds) {
        if (HTTP_ROUTE_KINDS.some((s) => s.group === k.group && s.kind === k.kind)) {
          if (!supportedKinds.some((s) => s.group === k.group && s.kind === k.kind)) supportedKinds.push({ ...k });
        } else invalidKinds.push(`${k.group}/${k.kind}`);
      }
    }

    const conflict = conflicts.get(l.index);
    const conditions: Condition[] = [];
    let accepted = true;
    if (!isHTTP) {
      accepted = false;
      const why = l.protocol === 'TLS' ? 'TLS passthrough and TLSRoute are not implemented; ' : '';
      conditions.push(condition(ConditionType.Accepted, false, Reason.UnsupportedProtocol, `spec.listeners[${l.index}].protocol: ${JSON.stringify(l.protocol)} is not supported; ${why}Tether serves HTTP and HTTPS listeners`, gen));
    } else if (problems.length > 0 || unverifiable) {
      accepted = false;
      const reason = problems.length === 0 && unverifiable ? unverifiable.acceptedReason : Reason.UnsupportedValue;
      conditions.push(condition(ConditionType.Accepted, false, reason, [...problems, ...(unverifiable ? [unverifiable.problem] : [])].join('; '), gen));
    } else {
      conditions.push(condition(ConditionType.Accepted, true, Reason.Accepted, notes.length > 0 ? `Listener is valid; ${notes.join('; ')}` : 'Listener is valid', gen));
    }
    if (conflict) conditions.push(condition(ConditionType.Conflicted, true, conflict.reason, conflict.message, gen));
    else conditions.push(condition(ConditionType.Conflicted, false, Reason.NoConflicts, 'No conflicts', gen));
    // CA references are reported even though the listener is not accepted (Gateway API asks for
    // ResolvedRefs=False on every listener they apply to).
    const refFailure = (accepted ? tls?.refFailure : undefined) ?? unverifiable?.refFailure;
    if (refFailure) {
      conditions.push(condition(ConditionType.ResolvedRefs, false, refFailure.reason, refFailure.message, gen));
    } else if (invalidKinds.length > 0) {
      conditions.push(condition(ConditionType.ResolvedRefs, false, Reason.InvalidRouteKinds, `spec.listeners[${l.index}].allowedRoutes.kinds: ${invalidKinds.join(', ')} not supported (supported: HTTPRoute, GRPCRoute)`, gen));
    } else {
      const warnings = tls?.warnings ?? [];
      conditions.push(condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, warnings.length > 0 ? `All references resolved; ${warnings.join('; ')}` : 'All references resolved', gen));
    }
    // A listener whose certificates do not resolve is not served: Envoy would refuse its filter chain.
    // Routes still attach to it and count in attachedRoutes (routes.ts says why).
    const usable = accepted && !conflict && !refFailure;
    conditions.push(
      usable
        ? condition(ConditionType.Programmed, true, Reason.Programmed, 'Listener is programmed', gen)
        : condition(ConditionType.Programmed, false, Reason.Invalid, notServedMessage(accepted ? refFailure?.reason : undefined, problems.length === 0 ? unverifiable : undefined), gen),
    );
    const state: ListenerState = { listener: l, usable, supportedKinds, attachedRoutes: 0, conditions };
    if (tls && usable) state.tls = { secrets: tls.secrets, parameters: tls.parameters };
    return state;
  });
}

function notServedMessage(refFailureReason: string | undefined, unverifiable: { field: string } | undefined): string {
  if (unverifiable) return `Listener is not served rather than served without the client certificate checks ${unverifiable.field} asks for`;
  if (refFailureReason) return `Listener is not served: its certificates do not resolve (${refFailureReason})`;
  return 'Listener is not served';
}

/**
 * Listeners on one port must speak one protocol (else ProtocolConflict for all of them), and no
 * two may share a hostname there (else HostnameConflict for each of those). Neither is served.
 */
function findConflicts(listeners: readonly Listener[]): Map<number, { reason: string; message: string }> {
  const out = new Map<number, { reason: string; message: string }>();
  const byPort = new Map<number, Listener[]>();
  for (const l of listeners) {
    if (l.port === 0) continue;
    const list = byPort.get(l.port);
    if (list) list.push(l);
    else byPort.set(l.port, [l]);
  }
  for (const [port, list] of byPort) {
    const protocols = new Set(list.map((l) => l.protocol));
    if (protocols.size > 1) {
      for (const l of list) out.set(l.index, { reason: Reason.ProtocolConflict, message: `Listeners on port ${port} use different protocols (${[...protocols].sort().join(', ')})` });
      continue;
    }
    const byHost = new Map<string, Listener[]>();
    for (const l of list) {
      const h = l.hostname ?? '';
      const hl = byHost.get(h);
      if (hl) hl.push(l);
      else byHost.set(h, [l]);
    }
    for (const [host, hl] of byHost) {
      if (hl.length < 2) continue;
      const names = hl.map((l) => l.name).join(', ');
      for (const l of hl) out.set(l.index, { reason: Reason.HostnameConflict, message: `Listeners ${names} share port ${port} and ${host ? `hostname ${host}` : 'no hostname'}` });
    }
  }
  return out;
}

/** Whether a route in `namespace` may attach to the listener (allowedRoutes.namespaces). */
export function allowsNamespace(state: ListenerState, gatewayNamespace: string, namespace: string, labels: NamespaceLabels): boolean {
  const a = state.listener.allowedNamespaces;
  switch (a.from) {
    case 'All':
      return true;
    case 'Same':
      return namespace === gatewayNamespace;
    case 'Selector':
      return selectorMatches(a.selector, labels(namespace));
    case 'None':
      return false;
  }
}

export function listenerStatus(state: ListenerState): ListenerStatus {
  return { name: state.listener.name, supportedKinds: state.supportedKinds, attachedRoutes: state.attachedRoutes, conditions: state.conditions };
}
