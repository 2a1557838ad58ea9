// The fleet's ServiceAccount, PodDisruptionBudget and (with autoscaling) HorizontalPodAutoscaler.
import type { FleetParameters } from '../k8s/fleet-parameters.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { FLEET_DEPLOYMENT_DEFAULTS } from './fleet-defaults.ts';
import { fleetMeta } from './fleet-meta.ts';
import { fleetName, fleetSelector } from './fleet-names.ts';

/** Its own account, with no token mounted (render-deployment.ts): Envoy talks to Tether, not to the API server. */
export function renderServiceAccount(gw: Gateway, uid: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: fleetMeta(gw, uid), automountServiceAccountToken: false };
}

/**
 * At most one pod of the fleet evicted at a time (node drains, cluster upgrades). maxUnavailable
 * rather than minAvailable, so a one-replica fleet does not block a drain forever.
 */
export function renderDisruptionBudget(gw: Gateway, uid: string): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: fleetMeta(gw, uid),
    spec: { maxUnavailable: 1, selector: { matchLabels: fleetSelector(gw.meta.name) } },
  };
}

export function renderAutoscaler(gw: Gateway, uid: string, autoscaling: NonNullable<FleetParameters['autoscaling']>): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: fleetMeta(gw, uid),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: fleetName(gw.meta.name) },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage ?? FLEET_DEPLOYMENT_DEFAULTS.targetCPUUtilizationPercentage },
          },
        },
      ],
    },
  };
}
