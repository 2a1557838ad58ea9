// GatewayClasses: only those naming Tether's controller are ours. Each gets Accepted and
// SupportedVersion; the others are listed as ignored (another controller owns them).
import type { GatewayClass } from '../k8s/gateway-api/gateway-class.ts';
import type { ObjectRef } from '../k8s/kube-object.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import { SUPPORTED_FEATURES } from './supported-features.ts';

export interface GatewayClassResult {
  /** Names of the classes Tether controls (and accepted). */
  ours: Set<string>;
  statuses: ObjectStatus[];
  ignored: { ref: ObjectRef; reason: string }[];
}

export function translateGatewayClasses(classes: readonly GatewayClass[]): GatewayClassResult {
  const out: GatewayClassResult = { ours: new Set(), statuses: [], ignored: [] };
  for (const gc of classes) {
    if (gc.controllerName !== CONTROLLER_NAME) {
      out.ignored.push({ ref: gc.meta.ref, reason: `controllerName ${JSON.stringify(gc.controllerName)} is not ${CONTROLLER_NAME}` });
      continue;
    }
    const gen = gc.meta.generation;
    let message = `Handled by ${CONTROLLER_NAME}`;
    if (gc.parametersRef) message += `; spec.parametersRef (${gc.parametersRef.kind} ${gc.parametersRef.name}) is not read: Tether takes no class parameters`;
    if (gc.problems.length > 0) message += `; ${gc.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
    out.ours.add(gc.meta.name);
    out.statuses.push({
      ref: gc.meta.ref,
      ...(gen !== undefined ? { generation: gen } : {}),
      writable: true,
      status: {
        type: 'conditions',
        conditions: [
          condition(ConditionType.Accepted, true, Reason.Accepted, message, gen),
          condition(ConditionType.SupportedVersion, true, Reason.SupportedVersion, 'Gateway API v1 (standard channel) is supported', gen),
        ],
        supportedFeatures: [...SUPPORTED_FEATURES],
      },
    });
  }
  return out;
}
