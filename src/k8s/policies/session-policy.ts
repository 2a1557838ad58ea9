// Tether's own SessionPolicy (tether.dev/v1alpha1): strong sessions, strict mode, draining and the
// hash fallback, attachable to a Gateway (or one listener), a route (or one named rule) or a Service.
// CRD: k8s/crds/tether.dev_sessionpolicies.yaml. The checks here mirror that schema so objects read
// from files get the same answers as objects a cluster admitted.
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { isToken } from '../http-token.ts';
import { MAX_RING_SIZE, RING_HASH_DEFAULTS } from '../ring-hash.ts';

export const SESSION_POLICY_GROUP = 'tether.dev';
export const MAX_MAGLEV_TABLE_SIZE = 5000011;

export interface SessionPolicyTarget {
  kind: 'Gateway' | 'HTTPRoute' | 'GRPCRoute' | 'Service';
  name: string;
  /** A listener name (Gateway) or a rule name (routes). */
  sectionName?: string;
}

export type SessionPolicySession =
  | { type: 'cookie'; name?: string; path?: string; ttlSeconds?: number; envoyExpiry?: true; attributes: { name: string; value: string }[]; secure?: boolean; sameSite?: 'Strict' | 'Lax' | 'None' }
  | { type: 'header'; name?: string };

export type SessionPolicyHashKey =
  | { type: 'header'; name: string; terminal: boolean }
  | { type: 'cookie'; name: string; path?: string; ttlSeconds?: number; terminal: boolean }
  | { type: 'query-parameter'; name: string; terminal: boolean }
  | { type: 'source-ip'; terminal: boolean };

export interface SessionPolicySpec {
  targets: SessionPolicyTarget[];
  session?: SessionPolicySession;
  strict?: boolean;
  draining?: 'keep' | 'drop';
  fallback?: {
    loadBalancer: { type: 'ring-hash'; minimumRingSize: number; maximumRingSize: number } | { type: 'maglev'; tableSize: number };
    hashKeys: SessionPolicyHashKey[];
  };
  problems: FieldProblem[];
}

export function isSessionPolicy(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === SESSION_POLICY_GROUP && o.kind === 'SessionPolicy';
}

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

const TARGET_GROUPS: Record<SessionPolicyTarget['kind'], string> = {
  Gateway: 'gateway.networking.k8s.io',
  HTTPRoute: 'gateway.networking.k8s.io',
  GRPCRoute: 'gateway.networking.k8s.io',
  Service: '',
};
/** Attributes Envoy writes itself from other fields. */
const RESERVED_ATTRIBUTES = ['path', 'max-age', 'expires', 'httponly'];

function readTargets(r: ObjectReader): SessionPolicyTarget[] {
  const out: SessionPolicyTarget[] = [];
  const refs = r.list('targetRefs');
  if (refs.length === 0) r.invalid('targetRefs', 'must name 1 to 16 targets');
  if (refs.length > 16) r.invalid('targetRefs', `must name at most 16 targets, got ${refs.length}`);
  for (const t of refs) {
    t.unknownKeys(['group', 'kind', 'name', 'sectionName']);
    const kind = t.enumOf('kind', ['Gateway', 'HTTPRoute', 'GRPCRoute', 'Service'] as const);
    const name = t.string('name');
    const sectionName = t.string('sectionName');
    if (!name) t.invalid('name', 'is required');
    if (!kind) {
      if (!t.has('kind')) t.invalid('kind', 'is required (Gateway, HTTPRoute, GRPCRoute or Service)');
      continue;
    }
    const group = t.string('group') ?? TARGET_GROUPS[kind];
    if (group !== TARGET_GROUPS[kind]) t.invalid('group', `must be "${TARGET_GROUPS[kind]}" for kind ${kind}, got "${group}"`);
    if (kind === 'Service' && sectionName !== undefined) t.invalid('sectionName', 'cannot be set for a Service target');
    if (name) out.push({ kind, name, ...(sectionName !== undefined ? { sectionName } : {}) });
  }
  return out;
}

function readSession(r: ObjectReader): SessionPolicySession | undefined {
  const cookie = r.child('cookie');
  const header = r.child('header');
  r.unknownKeys(['cookie', 'header']);
  if (cookie && header) {
    r.invalid('header', 'set either cookie or header, not both');
    return undefined;
  }
  if (header) {
    header.unknownKeys(['name']);
    const name = header.string('name');
    if (name !== undefined && !isToken(name)) header.invalid('name', `"${name}" is not a valid header name`);
    return { type: 'header', ...(name !== undefined ? { name: name.toLowerCase() } : {}) };
  }
  if (!cookie) {
    r.invalid('cookie', 'session needs cookie or header');
    return undefined;
  }
  cookie.unknownKeys(['name', 'path', 'ttl', 'expiry', 'attributes', 'secure', 'sameSite']);
  const name = cookie.string('name');
  if (name !== undefined && (!isToken(name) || name.length > 256)) cookie.invalid('name', `"${name}" is not a valid cookie name (1 to 256 token characters)`);
  const path = cookie.string('path');
  if (path !== undefined && (!path.startsWith('/') || /[\s;,]/.test(path) || path.length > 1024)) cookie.invalid('path', `"${path}" is not a cookie path (must start with /, no spaces, ; or ,)`);
  const ttlSeconds = cookie.looseDuration('ttl');
  // Who enforces a ttl: Client (Max-Age only, the default) or Envoy (also an expiry Envoy checks).
  const expiry = cookie.string('expiry');
  if (expiry !== undefined && expiry !== 'Client' && expiry !== 'Envoy') cookie.invalid('expiry', `"${expiry}" is not one of Client, Envoy`);
  const attributes: { name: string; value: string }[] = [];
  for (const a of cookie.list('attributes')) {
    a.unknownKeys(['name', 'value']);
    const an = a.string('name');
    const av = a.string('value') ?? '';
    if (!an || !isToken(an)) a.invalid('name', `"${an ?? ''}" is not a valid attribute name`);
    else if (RESERVED_ATTRIBUTES.includes(an.toLowerCase())) a.invalid('name', `${an} is written by Envoy from the cookie's own fields (path, ttl); set those instead`);
    else if (/[;\r\n]/.test(av)) a.invalid('value', 'must not contain ; or line breaks');
    else attributes.push({ name: an, value: av });
  }
  // Secure and SameSite default by listener (Secure and SameSite=Lax on HTTPS); these fields, or the
  // same attributes in the list, choose them instead.
  const secure = cookie.bool('secure');
  const sameSite = cookie.enumOf('sameSite', ['Strict', 'Lax', 'None'] as const);
  return {
    type: 'cookie',
    ...(name !== undefined ? { name } : {}),
    path,
    ...(ttlSeconds !== undefined && ttlSeconds > 0 ? { ttlSeconds } : {}),
    ...(expiry === 'Envoy' && ttlSeconds !== undefined && ttlSeconds > 0 ? { envoyExpiry: true as const } : {}),
    attributes,
    ...(secure !== undefined ? { secure } : {}),
    ...(sameSite !== undefined ? { sameSite } : {}),
  };
}

function readFallback(r: ObjectReader): SessionPolicySpec['fallback'] {
  r.unknownKeys(['loadBalancer', 'hashKeys']);
  let loadBalancer: NonNullable<SessionPolicySpec['fallback']>['loadBalancer'] = { type: 'ring-hash', ...RING_HASH_DEFAULTS };
  const lb = r.child('loadBalancer');
  if (lb) {
    const type = lb.enumOf('type', ['RingHash', 'Maglev'] as const) ?? 'RingHash';
    if (type === 'RingHash') {
      lb.unknownKeys(['type', 'minimumRingSize', 'maximumRingSize']);
      const min = lb.int('minimumRingSize', 1, MAX_RING_SIZE) ?? RING_HASH_DEFAULTS.minimumRingSize;
      const max = lb.int('maximumRingSize', 1, MAX_RING_SIZE) ?? RING_HASH_DEFAULTS.maximumRingSize;
      if (min > max) lb.invalid('minimumRingSize', `must not exceed maximumRingSize (${min} > ${max})`);
      loadBalancer = { type: 'ring-hash', minimumRingSize: min, maximumRingSize: max };
    } else {
      lb.unknownKeys(['type', 'tableSize']);
      const size = lb.int('tableSize', 1, MAX_MAGLEV_TABLE_SIZE) ?? 65537;
      if (!isPrime(size)) lb.invalid('tableSize', `must be a prime number (Envoy rejects ${size})`);
      loadBalancer = { type: 'maglev', tableSize: size };
    }
  }
  const hashKeys: SessionPolicyHashKey[] = [];
  for (const k of r.list('hashKeys')) {
    k.unknownKeys(['header', 'cookie', 'queryParameter', 'sourceIP', 'terminal']);
    const terminal = k.bool('terminal') ?? false;
    const kinds = ['header', 'cookie', 'queryParameter', 'sourceIP'].filter((x) => k.has(x));
    if (kinds.length !== 1) {
      k.invalid(kinds[1] ?? 'header', `set exactly one of header, cookie, queryParameter, sourceIP (got ${kinds.length})`);
      continue;
    }
    const kind = kinds[0];
    if (kind === 'sourceIP') {
      hashKeys.push({ type: 'source-ip', terminal });
      continue;
    }
    const c = k.child(kind);
    if (!c) continue;
    c.unknownKeys(kind === 'cookie' ? ['name', 'path', 'ttl'] : ['name']);
    const name = c.string('name');
    if (!name || !isToken(name)) {
      c.invalid('name', `"${name ?? ''}" is not a valid ${kind === 'queryParameter' ? 'query parameter' : kind} name`);
      continue;
    }
    if (kind === 'header') hashKeys.push({ type: 'header', name: name.toLowerCase(), terminal });
    else if (kind === 'queryParameter') hashKeys.push({ type: 'query-parameter', name, terminal });
    else {
      const path = c.string('path');
      const ttlSeconds = c.looseDuration('ttl');
      hashKeys.push({ type: 'cookie', name, ...(path !== undefined ? { path } : {}), ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), terminal });
    }
  }
  return { loadBalancer, hashKeys };
}

export function parseSessionPolicy(o: KubeObject): SessionPolicySpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['targetRefs', 'session', 'strict', 'draining', 'fallback']);
  const out: SessionPolicySpec = { targets: readTargets(r), problems };
  const session = r.child('session');
  if (session) {
    const s = readSession(session);
    if (s) out.session = s;
  }
  const strict = r.bool('strict');
  if (strict !== undefined) out.strict = strict;
  const draining = r.enumOf('draining', ['keep', 'drop'] as const);
  if (draining !== undefined) out.draining = draining;
  const fallback = r.child('fallback');
  if (fallback) out.fallback = readFallback(fallback);
  const nothing = !out.session && out.strict === undefined && out.draining === undefined && !out.fallback;
  if (nothing && !problems.some((p) => p.severity === 'invalid')) {
    r.invalid('session', 'the policy sets nothing: give at least one of session, strict, draining, fallback');
  }
  return out;
}
