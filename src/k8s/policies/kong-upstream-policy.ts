// Kong KongUpstreamPolicy (configuration.konghq.com/v1beta1), attached by the Service annotation
// `konghq.com/upstream-policy: <name>`. The CRD's CEL rules are checked here.
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';

export const KONG_UPSTREAM_POLICY_ANNOTATION = 'konghq.com/upstream-policy';

export type KongHash =
  | { on: 'ip' }
  | { on: 'none' }
  | { on: 'consumer' | 'path' }
  | { on: 'header'; name: string }
  | { on: 'cookie'; name: string; path?: string }
  | { on: 'queryArg'; name: string }
  | { on: 'uriCapture'; name: string };

export interface KongUpstreamPolicySpec {
  algorithm?: 'round-robin' | 'consistent-hashing' | 'least-connections' | 'latency' | 'sticky-sessions';
  slots?: number;
  hashOn?: KongHash;
  hashOnFallback?: KongHash;
  stickySessions?: { cookie: string; cookiePath?: string };
  problems: FieldProblem[];
}

export function isKongUpstreamPolicy(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === 'configuration.konghq.com' && o.kind === 'KongUpstreamPolicy';
}

function readHash(r: ObjectReader, fallback: boolean): KongHash | undefined {
  r.unknownKeys(['input', 'header', 'cookie', 'cookiePath', 'queryArg', 'uriCapture']);
  const set = ['input', 'header', 'cookie', 'queryArg', 'uriCapture'].filter((k) => r.has(k));
  if (set.length > 1) {
    r.invalid(set[1], `only one of input, header, cookie, queryArg, uriCapture can be set (got ${set.join(', ')})`);
    return undefined;
  }
  if (r.has('cookie') !== r.has('cookiePath')) r.invalid(r.has('cookie') ? 'cookiePath' : 'cookie', 'cookie and cookiePath must be set together');
  if (fallback && r.has('cookie')) r.invalid('cookie', 'hashOnFallback cannot hash on a cookie');
  const input = r.enumOf('input', ['ip', 'consumer', 'path', 'none'] as const);
  if (input === 'ip' || input === 'none' || input === 'consumer' || input === 'path') return { on: input };
  const header = r.string('header');
  if (header !== undefined) return { on: 'header', name: header.toLowerCase() };
  const cookie = r.string('cookie');
  if (cookie !== undefined) {
    const path = r.string('cookiePath');
    return { on: 'cookie', name: cookie, ...(path !== undefined ? { path } : {}) };
  }
  const queryArg = r.string('queryArg');
  if (queryArg !== undefined) return { on: 'queryArg', name: queryArg };
  const uriCapture = r.string('uriCapture');
  if (uriCapture !== undefined) return { on: 'uriCapture', name: uriCapture };
  return undefined;
}

export function parseKongUpstreamPolicy(o: KubeObject): KongUpstreamPolicySpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['algorithm', 'slots', 'hashOn', 'hashOnFallback', 'stickySessions', 'healthchecks']);
  if (r.has('healthchecks')) r.unsupported('healthchecks', 'Kong health checks are not translated (Tether routes on Kubernetes readiness)');
  const out: KongUpstreamPolicySpec = { problems };
  const algorithm = r.enumOf('algorithm', ['round-robin', 'consistent-hashing', 'least-connections', 'latency', 'sticky-sessions'] as const);
  if (algorithm) out.algorithm = algorithm;
  const slots = r.int('slots', 10, 65536);
  if (slots !== undefined) out.slots = slots;
  const hashOn = r.child('hashOn');
  if (hashOn) {
    const h = readHash(hashOn, false);
    if (h) out.hashOn = h;
    if (algorithm !== 'consistent-hashing' && algorithm !== 'sticky-sessions') r.invalid('hashOn', 'requires algorithm consistent-hashing or sticky-sessions');
  }
  const fb = r.child('hashOnFallback');
  if (fb) {
    const h = readHash(fb, true);
    if (h) out.hashOnFallback = h;
    if (algorithm !== 'consistent-hashing') r.invalid('hashOnFallback', 'requires algorithm consistent-hashing');
    if (out.hashOn?.on === 'cookie') r.invalid('hashOnFallback', 'cannot be set when hashOn.cookie is set');
  }
  const sticky = r.child('stickySessions');
  if (sticky) {
    sticky.unknownKeys(['cookie', 'cookiePath']);
    const cookie = sticky.string('cookie');
    if (!cookie) sticky.invalid('cookie', 'is required');
    else {
      const cookiePath = sticky.string('cookiePath');
      out.stickySessions = { cookie, ...(cookiePath !== undefined ? { cookiePath } : {}) };
    }
    if (algorithm !== 'sticky-sessions') r.invalid('stickySessions', 'requires algorithm sticky-sessions');
    if (out.hashOn && out.hashOn.on !== 'none') r.invalid('hashOn', 'must be {input: none} with stickySessions');
  } else if (algorithm === 'sticky-sessions') r.invalid('stickySessions', 'is required with algorithm sticky-sessions');
  return out;
}
