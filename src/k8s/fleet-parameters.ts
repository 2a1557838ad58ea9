// FleetParameters (tether.dev/v1alpha1): how Tether provisions and configures the Envoy fleet of a
// Gateway. A GatewayClass's `spec.parametersRef` and a Gateway's `spec.infrastructure.parametersRef`
// name one; the Gateway's fields override the class's, field by field (see `mergeFleetParameters`).
// Everything here is optional: an unset field means Tether's default (`FLEET_DEFAULTS`).
export const FLEET_PARAMETERS_GROUP = 'tether.dev';
export const FLEET_PARAMETERS_KIND = 'FleetParameters';

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface Autoscaling {
  minReplicas: number;
  maxReplicas: number;
  /** Average CPU utilisation the HorizontalPodAutoscaler aims for, in percent. */
  targetCPUUtilizationPercentage?: number;
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

export interface FleetService {
  type?: ServiceType;
  annotations?: Record<string, string>;
  externalTrafficPolicy?: 'Cluster' | 'Local';
  loadBalancerClass?: string;
}

export interface FleetScheduling {
  nodeSelector?: Record<string, string>;
  /** Kubernetes Toleration objects, passed through as written. */
  tolerations?: Record<string, unknown>[];
  /** A Kubernetes Affinity object, passed through as written. */
  affinity?: Record<string, unknown>;
}

export type AccessLogFormat = 'JSON' | 'Text' | 'Off';

/** What the served config (not the Deployment) takes from the parameters. */
export interface EdgeSettings {
  accessLog?: AccessLogFormat;
  /** HTTP connection manager `xff_num_trusted_hops`. */
  trustedHops?: number;
  /** Expect the PROXY protocol on every listener. */
  proxyProtocol?: boolean;
}

export interface FleetParameters {
  /** Fixed replica count; ignored (and reported) when `autoscaling` is set. */
  replicas?: number;
  autoscaling?: Autoscaling;
  image?: string;
  resources?: ResourceRequirements;
  service?: FleetService;
  scheduling?: FleetScheduling;
  /** Envoy's `--log-level`. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';
  edge?: EdgeSettings;
}
