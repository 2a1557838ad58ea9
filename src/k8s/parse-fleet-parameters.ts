// FleetParameters objects (tether.dev/v1alpha1) read into the typed contract of fleet-parameters.ts.
// CRD: k8s/crds/tether.dev_fleetparameters.yaml. The checks mirror that schema, so an object read
// from a file gets the same verdict as one a cluster admitted; unknown fields are reported, never
// dropped silently. Scheduling's tolerations and affinity are Kubernetes types passed through as
// written (the API server checks them when the provisioned Deployment is applied).
import type { KubeObject } from './kube-object.ts';
import { apiGroup } from './kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from './field-reader.ts';
import {
  FLEET_PARAMETERS_GROUP,
  FLEET_PARAMETERS_KIND,
  type AccessLogFormat,
  type EdgeSettings,
  type EscapedSlashesAction,
  type FleetParameters,
  type FleetService,
  type HeadersWithUnderscoresAction,
  type ResourceRequirements,
  type ServiceType,
} from './fleet-parameters.ts';

export interface ParsedFleetParameters {
  namespace: string;
  name: string;
  parameters: FleetParameters;
  /** `invalid` ones make the object unusable: a reference to it is InvalidParameters. */
  problems: FieldProblem[];
}

export const MAX_REPLICAS = 1000;
export const MAX_TRUSTED_HOPS = 16;
export const MAX_CONNECTIONS = 10_000_000;
export const MAX_DRAIN_TIMEOUT_SECONDS = 3600;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const ACCESS_LOG_FORMATS: readonly AccessLogFormat[] = ['JSON', 'Text', 'Off'];
const ESCAPED_SLASHES: readonly EscapedSlashesAction[] = ['UnescapeAndRedirect', 'UnescapeAndForward', 'KeepUnchanged', 'Reject'];
const UNDERSCORES: readonly HeadersWithUnderscoresAction[] = ['Drop', 'Reject', 'Allow'];
/** A Kubernetes resource quantity (`100m`, `128Mi`, `1.5`, `2e3`). */
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$/;

export function isFleetParameters(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === FLEET_PARAMETERS_GROUP && o.kind === FLEET_PARAMETERS_KIND;
}

export function parseFleetParameters(o: KubeObject): ParsedFleetParameters {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  if (o['spec'] !== undefined && !isRecord(o['spec'])) problems.push({ severity: 'invalid', field: 'spec', message: 'must be an object' });
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['replicas', 'autoscaling', 'image', 'resources', 'service', 'scheduling', 'logLevel', 'edge']);
  const p: FleetParameters = {};
  const replicas = int(r, 'replicas', 0, MAX_REPLICAS);
  if (replicas !== undefined) p.replicas = replicas;
  const autoscaling = r.child('autoscaling');
  if (autoscaling) {
    autoscaling.unknownKeys(['minReplicas', 'maxReplicas', 'targetCPUUtilizationPercentage']);
    const min = int(autoscaling, 'minReplicas', 1, MAX_REPLICAS);
    const max = int(autoscaling, 'maxReplicas', 1, MAX_REPLICAS);
    const cpu = int(autoscaling, 'targetCPUUtilizationPercentage', 1, 100);
    if (!autoscaling.has('minReplicas')) autoscaling.invalid('minReplicas', 'is required');
    if (!autoscaling.has('maxReplicas')) autoscaling.invalid('maxReplicas', 'is required');
    if (min !== undefined && max !== undefined) {
      if (min > max) autoscaling.invalid('minReplicas', `must not exceed maxReplicas (${min} > ${max})`);
      else p.autoscaling = { minReplicas: min, maxReplicas: max, ...(cpu !== undefined ? { targetCPUUtilizationPercentage: cpu } : {}) };
    }
    if (replicas !== undefined) r.unsupported('replicas', 'is ignored: autoscaling is set and the autoscaler owns the replica count');
  }
  const image = r.string('image');
  if (image !== undefined) {
    if (image.length === 0 || /\s/.test(image)) r.invalid('image', 'must be a non-empty image reference without spaces');
    else p.image = image;
  }
  const resources = r.child('resources');
  if (resources) {
    resources.unknownKeys(['requests', 'limits']);
    const out: ResourceRequirements = {};
    for (const key of ['requests', 'limits'] as const) {
      const m = readQuantities(resources, key);
      if (m) out[key] = m;
    }
    p.resources = out;
  }
  const service = r.child('service');
  if (service) p.service = readService(service);
  const scheduling = r.child('scheduling');
  if (scheduling) {
    scheduling.unknownKeys(['nodeSelector', 'tolerations', 'affinity']);
    const nodeSelector = readStringMap(scheduling, 'nodeSelector');
    const tolerations = scheduling.list('tolerations').map((t) => ({ ...t.obj }));
    const affinity = scheduling.child('affinity');
    p.scheduling = {
      ...(nodeSelector ? { nodeSelector } : {}),
      ...(scheduling.has('tolerations') ? { tolerations } : {}),
      ...(affinity ? { affinity: { ...affinity.obj } } : {}),
    };
  }
  const logLevel = r.enumOf('logLevel', LOG_LEVELS);
  if (logLevel !== undefined) p.logLevel = logLevel;
  const edge = r.child('edge');
  if (edge) p.edge = readEdge(edge);
  return { namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, parameters: p, problems };
}

function readService(r: ObjectReader): FleetService {
  r.unknownKeys(['type', 'annotations', 'externalTrafficPolicy', 'loadBalancerClass']);
  const out: FleetService = {};
  const type = r.enumOf('type', SERVICE_TYPES);
  if (type !== undefined) out.type = type;
  const annotations = readStringMap(r, 'annotations');
  if (annotations) out.annotations = annotations;
  const etp = r.enumOf('externalTrafficPolicy', ['Cluster', 'Local'] as const);
  if (etp !== undefined) {
    // The API server refuses externalTrafficPolicy on a ClusterIP Service.
    if ((type ?? 'ClusterIP') === 'ClusterIP') r.invalid('externalTrafficPolicy', 'needs service type NodePort or LoadBalancer');
    else out.externalTrafficPolicy = etp;
  }
  const lbClass = r.string('loadBalancerClass');
  if (lbClass !== undefined) {
    // The API server allows loadBalancerClass only on LoadBalancer Services.
    if (type !== 'LoadBalancer') r.invalid('loadBalancerClass', 'needs service type LoadBalancer');
    else if (lbClass.length === 0) r.invalid('loadBalancerClass', 'must not be empty');
    else out.loadBalancerClass = lbClass;
  }
  return out;
}

function readEdge(r: ObjectReader): EdgeSettings {
  r.unknownKeys(['accessLog', 'trustedHops', 'proxyProtocol', 'escapedSlashes', 'headersWithUnderscores', 'drainTimeout', 'maxConnections']);
  const out: EdgeSettings = {};
  const accessLog = r.enumOf('accessLog', ACCESS_LOG_FORMATS);
  if (accessLog !== undefined) out.accessLog = accessLog;
  const hops = int(r, 'trustedHops', 0, MAX_TRUSTED_HOPS);
  if (hops !== undefined) out.trustedHops = hops;
  const proxyProtocol = r.bool('proxyProtocol');
  if (proxyProtocol !== undefined) out.proxyProtocol = proxyProtocol;
  const slashes = r.enumOf('escapedSlashes', ESCAPED_SLASHES);
  if (slashes !== undefined) out.escapedSlashes = slashes;
  const underscores = r.enumOf('headersWithUnderscores', UNDERSCORES);
  if (underscores !== undefined) out.headersWithUnderscores = underscores;
  const drain = r.gatewayDuration('drainTimeout');
  if (drain !== undefined) {
    if (drain > MAX_DRAIN_TIMEOUT_SECONDS) r.invalid('drainTimeout', `must be at most 1h, got ${r.obj['drainTimeout'] as string}`);
    else out.drainTimeoutSeconds = drain;
  }
  const max = int(r, 'maxConnections', 1, MAX_CONNECTIONS);
  if (max !== undefined) out.maxConnections = max;
  return out;
}

function readStringMap(r: ObjectReader, key: string): Record<string, string> | undefined {
  const m = r.child(key);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.obj)) {
    if (typeof v === 'string') out[k] = v;
    else m.invalid(k, `must be a string, got ${JSON.stringify(v)}`);
  }
  return out;
}

function readQuantities(r: ObjectReader, key: string): Record<string, string> | undefined {
  const m = r.child(key);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.obj)) {
    const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
    if (typeof text === 'string' && QUANTITY.test(text)) out[k] = text;
    else m.invalid(k, `${JSON.stringify(v)} is not a resource quantity (e.g. 100m, 128Mi)`);
  }
  return out;
}

/** An integer as the CRD types it: unlike ObjectReader.int, a string of digits is refused (so is the API server). */
function int(r: ObjectReader, key: string, min: number, max: number): number | undefined {
  const v = r.obj[key];
  if (typeof v === 'string') {
    r.invalid(key, `must be an integer, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return r.int(key, min, max);
}
