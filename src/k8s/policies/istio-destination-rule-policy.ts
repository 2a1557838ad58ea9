// Istio's two ways of asking for stickiness, as Istio users write them:
// - DestinationRule (networking.istio.io) trafficPolicy.loadBalancer.consistentHash (weak affinity:
//   ring hash or Maglev keyed on a header, cookie, query parameter or the client address), also
//   per port under portLevelSettings;
// - Service labels `istio.io/persistent-session: <cookie>[:<path>]` and
//   `istio.io/persistent-session-header: <header>` (strong sessions; Istio's stateful_session).
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { isToken } from '../http-token.ts';
import { MAX_RING_SIZE, RING_HASH_DEFAULTS } from '../ring-hash.ts';
import { MAX_MAGLEV_TABLE_SIZE, isPrime } from './session-policy.ts';

export const ISTIO_SESSION_LABEL = 'istio.io/persistent-session';
export const ISTIO_SESSION_HEADER_LABEL = 'istio.io/persistent-session-header';

export type IstioHashKey =
  | { type: 'header'; name: string }
  | { type: 'cookie'; name: string; path?: string; ttlSeconds?: number; attributes: { name: string; value: string }[] }
  | { type: 'query-parameter'; name: string }
  | { type: 'source-ip' };

export type IstioLoadBalancer =
  | { type: 'round-robin' | 'least-request' | 'random' }
  | { type: 'ring-hash'; minimumRingSize: number; maximumRingSize: number; key?: IstioHashKey }
  | { type: 'maglev'; tableSize: number; key?: IstioHashKey };

export interface DestinationRuleSpec {
  /** The Service the host names, when it names one in this cluster. */
  service?: { namespace: string; name: string };
  loadBalancer?: IstioLoadBalancer;
  ports: { port: number; loadBalancer: IstioLoadBalancer; field: string }[];
  problems: FieldProblem[];
}

export function isIstioDestinationRule(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === 'networking.istio.io' && o.kind === 'DestinationRule';
}

/** `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` → the Service; anything else → undefined. */
export function serviceOfHost(host: string, namespace: string): { namespace: string; name: string } | undefined {
  const parts = host.split('.');
  if (host.includes('*') || parts.some((p) => p === '')) return undefined;
  if (parts.length === 1) return { namespace, name: parts[0] };
  if (parts.length === 2) return { namespace: parts[1], name: parts[0] };
  if (parts.length === 3 && parts[2] === 'svc') return { namespace: parts[1], name: parts[0] };
  if (parts.length === 5 && parts[2] === 'svc' && parts[3] === 'cluster' && parts[4] === 'local') return { namespace: parts[1], name: parts[0] };
  return undefined;
}

function readLoadBalancer(r: ObjectReader): IstioLoadBalancer | undefined {
  r.unknownKeys(['simple', 'consistentHash', 'localityLbSetting', 'warmupDurationSecs', 'warmup']);
  for (const k of ['localityLbSetting', 'warmupDurationSecs', 'warmup']) if (r.has(k)) r.unsupported(k, 'not translated by Tether');
  if (r.has('simple') && r.has('consistentHash')) {
    r.invalid('consistentHash', 'set either simple or consistentHash');
    return undefined;
  }
  if (r.has('simple')) {
    const simple = r.enumOf('simple', ['UNSPECIFIED', 'ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH'] as const);
    if (simple === 'PASSTHROUGH') r.unsupported('simple', 'PASSTHROUGH (original destination) is not supported; round robin is used');
    if (simple === 'LEAST_REQUEST' || simple === 'LEAST_CONN') return { type: 'least-request' };
    if (simple === 'RANDOM') return { type: 'random' };
    return simple ? { type: 'round-robin' } : undefined;
  }
  const ch = r.child('consistentHash');
  if (!ch) return undefined;
  ch.unknownKeys(['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName', 'ringHash', 'maglev', 'minimumRingSize']);
  const keys = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'].filter((k) => ch.has(k));
  if (keys.length > 1) ch.invalid(keys[1], `set only one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName (got ${keys.join(', ')})`);
  let key: IstioHashKey | undefined;
  const header = ch.string('httpHeaderName');
  const query = ch.string('httpQueryParameterName');
  const cookie = ch.child('httpCookie');
  if (header !== undefined) {
    if (!isToken(header)) ch.invalid('httpHeaderName', `"${header}" is not a valid header name`);
    key = { type: 'header', name: header.toLowerCase() };
  } else if (query !== undefined) key = { type: 'query-parameter', name: query };
  else if (ch.bool('useSourceIp')) key = { type: 'source-ip' };
  else if (cookie) {
    cookie.unknownKeys(['name', 'path', 'ttl', 'attributes']);
    const name = cookie.string('name');
    if (!name || !isToken(name)) cookie.invalid('name', `"${name ?? ''}" is not a valid cookie name`);
    const path = cookie.string('path');
    const ttlSeconds = cookie.looseDuration('ttl');
    const attributes = cookie.list('attributes').map((a) => ({ name: a.string('name') ?? '', value: a.string('value') ?? '' }));
    key = { type: 'cookie', name: name ?? '', ...(path ? { path } : {}), ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), attributes };
  }
  const ring = ch.child('ringHash');
  const maglev = ch.child('maglev');
  if (ring && maglev) ch.invalid('maglev', 'set either ringHash or maglev');
  if (maglev) {
    maglev.unknownKeys(['tableSize']);
    const tableSize = maglev.int('tableSize', 1, MAX_MAGLEV_TABLE_SIZE) ?? 65537;
    if (!isPrime(tableSize)) maglev.invalid('tableSize', `must be a prime number (Envoy rejects ${tableSize})`);
    return { type: 'maglev', tableSize, ...(key ? { key } : {}) };
  }
  let minimumRingSize = ch.int('minimumRingSize', 1, MAX_RING_SIZE) ?? RING_HASH_DEFAULTS.minimumRingSize; // deprecated top-level form
  if (ring) {
    ring.unknownKeys(['minimumRingSize']);
    minimumRingSize = ring.int('minimumRingSize', 1, MAX_RING_SIZE) ?? minimumRingSize;
  }
  return { type: 'ring-hash', minimumRingSize, maximumRingSize: RING_HASH_DEFAULTS.maximumRingSize, ...(key ? { key } : {}) };
}

const TRAFFIC_POLICY_OTHER = ['connectionPool', 'outlierDetection', 'tls', 'tunnel', 'proxyProtocol', 'retryBudget'];

export function parseDestinationRule(o: KubeObject): DestinationRuleSpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['host', 'trafficPolicy', 'subsets', 'exportTo', 'workloadSelector']);
  if (r.has('subsets')) r.unsupported('subsets', 'subsets are not translated (Gateway API routes name Services, not subsets)');
  if (r.has('workloadSelector')) r.unsupported('workloadSelector', 'not translated (Tether applies DestinationRules to the gateway)');
  const out: DestinationRuleSpec = { ports: [], problems };
  const host = r.string('host');
  if (!host) r.invalid('host', 'is required');
  else {
    const svc = serviceOfHost(host, o.metadata.namespace ?? 'default');
    if (!svc) r.unsupported('host', `"${host}" does not name a Kubernetes Service (name, name.namespace or name.namespace.svc.cluster.local); not applied`);
    else out.service = svc;
  }
  const tp = r.child('trafficPolicy');
  if (!tp) return out;
  tp.unknownKeys(['loadBalancer', 'portLevelSettings', ...TRAFFIC_POLICY_OTHER]);
  for (const k of TRAFFIC_POLICY_OTHER) if (tp.has(k)) tp.unsupported(k, 'not translated by Tether');
  const lb = tp.child('loadBalancer');
  if (lb) {
    const l = readLoadBalancer(lb);
    if (l) out.loadBalancer = l;
  }
  for (const p of tp.list('portLevelSettings')) {
    p.unknownKeys(['port', 'loadBalancer', ...TRAFFIC_POLICY_OTHER]);
    for (const k of TRAFFIC_POLICY_OTHER) if (p.has(k)) p.unsupported(k, 'not translated by Tether');
    const port = p.child('port')?.int('number', 1, 65535);
    const plb = p.child('loadBalancer');
    const l = plb ? readLoadBalancer(plb) : undefined;
    if (port === undefined) p.invalid('port', 'port.number is required');
    else if (l) out.ports.push({ port, loadBalancer: l, field: `${p.path}.loadBalancer` });
  }
  return out;
}

export interface IstioSessionLabels {
  session?: { type: 'cookie'; name: string; path?: string } | { type: 'header'; name: string };
  problems: FieldProblem[];
}

/** The persistent-session labels of a Service (undefined when it has neither). */
export function parseIstioSessionLabels(svc: KubeObject): IstioSessionLabels | undefined {
  const labels = svc.metadata.labels ?? {};
  const cookie = labels[ISTIO_SESSION_LABEL];
  const header = labels[ISTIO_SESSION_HEADER_LABEL];
  if (cookie === undefined && header === undefined) return undefined;
  const problems: FieldProblem[] = [];
  const out: IstioSessionLabels = { problems };
  if (cookie !== undefined) {
    const field = `metadata.labels["${ISTIO_SESSION_LABEL}"]`;
    // Label values cannot hold '/', so Istio's `name:path` form only ever has a bare path like `name:`.
    const [name, ...rest] = cookie.split(':');
    const path = rest.length > 0 && rest.join(':') !== '' ? rest.join(':') : undefined;
    if (!name || !isToken(name)) problems.push({ severity: 'invalid', field, message: `"${name}" is not a valid cookie name` });
    else out.session = { type: 'cookie', name, ...(path !== undefined ? { path: path.startsWith('/') ? path : `/${path}` } : {}) };
    if (header !== undefined) {
      problems.push({ severity: 'unsupported', field: `metadata.labels["${ISTIO_SESSION_HEADER_LABEL}"]`, message: 'ignored: the cookie label wins when both are set (as in Istio)' });
    }
  } else if (header !== undefined) {
    const field = `metadata.labels["${ISTIO_SESSION_HEADER_LABEL}"]`;
    if (!isToken(header)) problems.push({ severity: 'invalid', field, message: `"${header}" is not a valid header name` });
    else out.session = { type: 'header', name: header.toLowerCase() };
  }
  return out;
}
