// GatewayClasses: only those naming Tether's controller are ours. Each gets Accepted and
// SupportedVersion; the others are listed as ignored (another controller owns them).
import type { GatewayClass } from '../k8s/gateway-api/gateway-class.ts';
import type { ObjectRef } from '../k8s/kube-object.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import { SUPPORTED_FEATURES } from './supported-features.ts';
import { resolveClassParameters, type FleetParametersIndex, type ParametersVerdict } from './fleet-parameters.ts';

export interface GatewayClassResult {
  /** Names of the classes Tether controls (accepted or not: a class with invalid parameters rejects its Gateways). */
  ours: Set<string>;
  /** The parameters each of Tether's classes names (its Gateways merge their own over them). */
  parameters: Map<string, ParametersVerdict>;
  statuses: ObjectStatus[];
  ignored: { ref: ObjectRef; reason: string }[];
}

export function translateGatewayClasses(classes: readonly GatewayClass[], fleetParameters: FleetParametersIndex = new Map()): GatewayClassResult {
  const out: GatewayClassResult = { ours: new Set(), parameters: new Map(), statuses: [], ignored: [] };
  for (const gc of classes) {
    if (gc.controllerName !== CONTROLLER_NAME) {
      out.ignored.push({ ref: gc.meta.ref, reason: `controllerName ${JSON.stringify(gc.controllerName)} is not ${CONTROLLER_NAME}` });
      continue;
    }
    const gen = gc.meta.generation;
    const parameters = resolveClassParameters(gc, fleetParameters);
    let message = parameters.ok ? `Handled by ${CONTROLLER_NAME}` : parameters.message;
    if (parameters.ok && gc.parametersRef) message += `; parameters from ${gc.parametersRef.kind} ${gc.parametersRef.namespace}/${gc.parametersRef.name}`;
    if (parameters.ok && parameters.notes.length > 0) message += `; ${parameters.notes.join('; ')}`;
    if (gc.problems.length > 0) message += `; ${gc.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
    // A class whose parameters cannot be used stays Tether's: its Gateways are then rejected with
    // the same reason rather than served with values nobody asked for.
    out.ours.add(gc.meta.name);
    out.parameters.set(gc.meta.name, parameters);
    out.statuses.push({
      ref: gc.meta.ref,
      ...(gen !== undefined ? { generation: gen } : {}),
      writable: true,
      status: {
        type: 'conditions',
        conditions: [
          parameters.ok ? condition(ConditionType.Accepted, true, Reason.Accepted, message, gen) : condition(ConditionType.Accepted, false, Reason.InvalidParameters, message, gen),
          condition(ConditionType.SupportedVersion, true, Reason.SupportedVersion, 'Gateway API v1 (standard channel) is supported', gen),
        ],
        supportedFeatures: [...SUPPORTED_FEATURES],
      },
    });
  }
  return out;
}
