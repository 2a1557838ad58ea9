// What a provisioned fleet gets where its FleetParameters say nothing.
import type { ResourceRequirements, ServiceType } from '../k8s/fleet-parameters.ts';

export const FLEET_DEPLOYMENT_DEFAULTS = {
  replicas: 2,
  /** HorizontalPodAutoscaler target when autoscaling names none. */
  targetCPUUtilizationPercentage: 80,
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '512Mi' } } satisfies ResourceRequirements,
  serviceType: 'LoadBalancer' as ServiceType,
  logLevel: 'info',
  /** Envoy's admin port, on loopback only: probes and the preStop drain reach it from inside the container. */
  adminPort: 19000,
  /**
   * Shutdown: the preStop hook asks Envoy to drain its listeners and waits `drainSeconds` for
   * in-flight requests to finish (Envoy's --drain-time-s is set to the same), while the endpoint
   * removal spreads; the grace period leaves room for Envoy to exit after that.
   */
  drainSeconds: 15,
  terminationGracePeriodSeconds: 45,
  /** The envoy user of the Envoy image (k8s/static-fleet/envoy.yaml runs it the same way). */
  runAsUser: 101,
} as const;
