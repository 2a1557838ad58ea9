// Gateways of Tether's classes: their listeners' states now, their status once routes have been
// attached (attachedRoutes counts accepted routes). Gateways of other classes are listed as ignored.
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { ObjectRef } from '../k8s/kube-object.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import type { ObjectStatus } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import { listenerStatus, translateListeners, type ListenerState } from './listeners.ts';
import { NO_TLS_INPUTS, type TlsInputs } from './listener-tls.ts';
import { gatewayName } from './names.ts';
import { resolveGatewayParameters, type FleetParametersIndex, type ParametersVerdict } from './fleet-parameters.ts';
import type { FleetParameters } from '../k8s/fleet-parameters.ts';

export interface GatewayState {
  gateway: Gateway;
  /** `namespace/name`: the GatewayIR name and Envoy's node.cluster. */
  key: string;
  listeners: ListenerState[];
  /** Why the Gateway as a whole is not accepted (its listeners are then not served). */
  rejected?: { reason: string; message: string };
  /** Its class's FleetParameters with its own over them ({} when rejected); edge settings come from here. */
  parameters: FleetParameters;
  /** Fields of those parameters that are not applied, for the status message. */
  parameterNotes: string[];
}

export interface GatewaySelection {
  /** Ours, by `namespace/name`. */
  ours: Map<string, GatewayState>;
  /** Every Gateway's `namespace/name`, ours or not, to tell "not ours" from "not found". */
  all: Set<string>;
  ignored: { ref: ObjectRef; reason: string }[];
}

/** What selectGateways needs besides the Gateways: Tether's classes and the parameters they name. */
export interface GatewayClassInputs {
  ours: ReadonlySet<string>;
  parameters?: ReadonlyMap<string, ParametersVerdict>;
  fleetParameters?: FleetParametersIndex;
}

const NO_PARAMETERS: ParametersVerdict = { ok: true, parameters: {}, notes: [] };

export function selectGateways(gateways: readonly Gateway[], classes: GatewayClassInputs, tlsInputs: TlsInputs = NO_TLS_INPUTS): GatewaySelection {
  const ourClasses = classes.ours;
  const out: GatewaySelection = { ours: new Map(), all: new Set(), ignored: [] };
  for (const g of gateways) {
    const key = gatewayName(g.meta);
    out.all.add(key);
    if (!ourClasses.has(g.gatewayClassName)) {
      out.ignored.push({ ref: g.meta.ref, reason: `gatewayClassName ${JSON.stringify(g.gatewayClassName)} is not a GatewayClass of tether.dev/gateway-controller` });
      continue;
    }
    const state: GatewayState = { gateway: g, key, listeners: translateListeners(g, tlsInputs), parameters: {}, parameterNotes: [] };
    const verdict = resolveGatewayParameters(g, classes.parameters?.get(g.gatewayClassName) ?? NO_PARAMETERS, classes.fleetParameters ?? new Map());
    // Gateway API: a parametersRef whose referent cannot be found, is of an unsupported kind or is
    // invalid rejects the Gateway (Accepted=False, InvalidParameters); its class's likewise.
    const rejected = verdict.ok ? undefined : { reason: Reason.InvalidParameters, message: verdict.message };
    if (verdict.ok) {
      state.parameters = verdict.parameters;
      state.parameterNotes = verdict.notes;
    }
    if (rejected) {
      state.rejected = rejected;
      const gen = g.meta.generation;
      for (const l of state.listeners) {
        l.usable = false;
        l.conditions = l.conditions.map((c) => (c.type === ConditionType.Programmed ? condition(ConditionType.Programmed, false, Reason.Invalid, 'Listener is not served: the Gateway is not accepted', gen) : c));
      }
    }
    out.ours.set(key, state);
  }
  return out;
}

/** True when at least one listener is served: the Gateway gets an IR entry. */
export function isServed(state: GatewayState): boolean {
  return state.listeners.some((l) => l.usable);
}

export function gatewayStatus(state: GatewayState): ObjectStatus {
  const g = state.gateway;
  const gen = g.meta.generation;
  const invalid = state.listeners.filter((l) => !l.usable).map((l) => l.listener.name);
  const notes = [...g.problems, ...g.ignored].map(formatProblem);
  notes.push(...state.parameterNotes);
  if (g.addresses.length > 0) notes.push('spec.addresses is not supported: each Envoy fleet binds its own addresses');
  const suffix = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  const conditions = [];
  if (state.rejected) {
    conditions.push(condition(ConditionType.Accepted, false, state.rejected.reason, `${state.rejected.message}${suffix}`, gen));
  } else if (state.listeners.length === 0) {
    conditions.push(condition(ConditionType.Accepted, false, Reason.ListenersNotValid, `No listeners${suffix}`, gen));
  } else if (invalid.length === state.listeners.length) {
    conditions.push(condition(ConditionType.Accepted, false, Reason.ListenersNotValid, `No listener can be served: ${invalid.join(', ')}${suffix}`, gen));
  } else if (invalid.length > 0) {
    conditions.push(condition(ConditionType.Accepted, true, Reason.ListenersNotValid, `Listeners not served: ${invalid.join(', ')}${suffix}`, gen));
  } else {
    conditions.push(condition(ConditionType.Accepted, true, Reason.Accepted, `Gateway is accepted${suffix}`, gen));
  }
  conditions.push(
    isServed(state)
      ? condition(ConditionType.Programmed, true, Reason.Programmed, `Configuration served to Envoy fleet ${state.key}`, gen)
      : condition(ConditionType.Programmed, false, Reason.Invalid, state.rejected ? 'The Gateway is not accepted' : 'No listener can be served', gen),
  );
  return {
    ref: g.meta.ref,
    ...(gen !== undefined ? { generation: gen } : {}),
    writable: true,
    status: { type: 'gateway', conditions, listeners: state.listeners.map(listenerStatus) },
  };
}
