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

/** What Envoy does with a path holding an escaped slash (`%2F`, `%5C`); docs/edge.md. */
export type EscapedSlashesAction = 'UnescapeAndRedirect' | 'UnescapeAndForward' | 'KeepUnchanged' | 'Reject';
/** What Envoy does with a request header whose name has an underscore; docs/edge.md. */
export type HeadersWithUnderscoresAction = 'Drop' | 'Reject' | 'Allow';

/** What the served config (not the Deployment) takes from the parameters. */
export interface EdgeSettings {
  accessLog?: AccessLogFormat;
  /** HTTP connection manager `xff_num_trusted_hops`. */
  trustedHops?: number;
  /** Expect the PROXY protocol on every listener. */
  proxyProtocol?: boolean;
  escapedSlashes?: EscapedSlashesAction;
  headersWithUnderscores?: HeadersWithUnderscoresAction;
  /** Seconds between HTTP/2 GOAWAY notices while a connection drains (HCM `drain_timeout`). */
  drainTimeoutSeconds?: number;
  /** Downstream connections one Envoy accepts in all (bootstrap overload manager). */
  maxConnections?: number;
}

/** Tether's edge defaults, what an unset `edge` field means; docs/edge.md says why each. */
export const EDGE_DEFAULTS: Readonly<Required<EdgeSettings>> = {
  accessLog: 'JSON',
  trustedHops: 0,
  proxyProtocol: false,
  escapedSlashes: 'UnescapeAndRedirect',
  headersWithUnderscores: 'Drop',
  drainTimeoutSeconds: 5,
  maxConnections: 50000,
};

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

/**
 * The Gateway's parameters over the class's, field by field: a field the Gateway sets wins; maps
 * and nested objects (service, scheduling, edge, resources, autoscaling) merge one level down, so a
 * Gateway can change `edge.trustedHops` and keep the class's `edge.accessLog`. Lists (tolerations)
 * and opaque objects (affinity) are replaced whole. Pure; neither argument is changed.
 */
export function mergeFleetParameters(base: FleetParameters | undefined, override: FleetParameters | undefined): FleetParameters {
  const out: FleetParameters = { ...base, ...override };
  for (const key of ['autoscaling', 'resources', 'service', 'scheduling', 'edge'] as const) {
    const merged = mergeObject(base?.[key], override?.[key]);
    if (merged !== undefined) (out as Record<string, unknown>)[key] = merged;
  }
  // A Gateway that asks for a fixed replica count turns off the class's autoscaling, and the reverse.
  if (override?.replicas !== undefined && override.autoscaling === undefined) delete out.autoscaling;
  if (override?.autoscaling !== undefined && override.replicas === undefined) delete out.replicas;
  return out;
}

function mergeObject<T extends object>(base: T | undefined, override: T | undefined): T | undefined {
  if (base === undefined) return override;
  if (override === undefined) return base;
  return { ...base, ...override };
}
