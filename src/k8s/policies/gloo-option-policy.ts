// Gloo Gateway (gateway.solo.io/v1) options as their users write them:
// - HttpListenerOption: spec.targetRefs → a Gateway (sectionName = a listener), and
//   spec.options.statefulSession {cookieBased.cookie{name, path, ttl} | headerBased.headerName, strict}:
//   a strong session for every route of that Gateway or listener;
// - RouteOption: spec.targetRefs → an HTTPRoute (sectionName = a rule), and
//   spec.options.lbHash.hashPolicies[] {header | cookie{name, path, ttl} | sourceIp, terminal}.
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { isToken } from '../http-token.ts';

export interface GlooTarget {
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
}

export type GlooStatefulSession =
  | { type: 'cookie'; name: string; path?: string; ttlSeconds: number }
  | { type: 'header'; name: string };

export type GlooHashPolicy =
  | { type: 'header'; name: string; terminal: boolean }
  | { type: 'cookie'; name: string; path?: string; ttlSeconds?: number; terminal: boolean }
  | { type: 'source-ip'; terminal: boolean };

export interface HttpListenerOptionSpec {
  targets: GlooTarget[];
  statefulSession?: GlooStatefulSession;
  strict?: boolean;
  problems: FieldProblem[];
}

export interface RouteOptionSpec {
  targets: GlooTarget[];
  hashPolicies?: GlooHashPolicy[];
  problems: FieldProblem[];
}

export function isGlooHttpListenerOption(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === 'gateway.solo.io' && o.kind === 'HttpListenerOption';
}

export function isGlooRouteOption(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === 'gateway.solo.io' && o.kind === 'RouteOption';
}

function readTargets(r: ObjectReader, namespace: string, kinds: string[]): GlooTarget[] {
  const refs = [...r.list('targetRefs'), ...(r.child('targetRef') ? [r.child('targetRef') as ObjectReader] : [])];
  if (refs.length === 0) r.invalid('targetRefs', 'must name a target');
  const out: GlooTarget[] = [];
  for (const t of refs) {
    t.unknownKeys(['group', 'kind', 'name', 'namespace', 'sectionName']);
    const group = t.string('group') ?? 'gateway.networking.k8s.io';
    const kind = t.string('kind') ?? '';
    const name = t.string('name');
    const ns = t.string('namespace') ?? namespace;
    const sectionName = t.string('sectionName');
    if (group !== 'gateway.networking.k8s.io' || !kinds.includes(kind)) {
      t.invalid('kind', `must be a gateway.networking.k8s.io ${kinds.join(' or ')}, got ${group}/${kind}`);
      continue;
    }
    if (!name) {
      t.invalid('name', 'is required');
      continue;
    }
    if (ns !== namespace) t.unsupported('namespace', `targets in another namespace (${ns}) are not applied; Gloo only attaches options in the target's namespace`);
    else out.push({ kind, namespace, name, ...(sectionName !== undefined ? { sectionName } : {}) });
  }
  return out;
}

export function parseHttpListenerOption(o: KubeObject): HttpListenerOptionSpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['targetRefs', 'targetRef', 'options']);
  const out: HttpListenerOptionSpec = { targets: readTargets(r, o.metadata.namespace ?? 'default', ['Gateway']), problems };
  const options = r.child('options');
  if (!options) return out;
  options.unknownKeys(['statefulSession'], 'this Gloo listener option is not translated by Tether');
  const ss = options.child('statefulSession');
  if (!ss) return out;
  ss.unknownKeys(['cookieBased', 'headerBased', 'strict']);
  const strict = ss.bool('strict');
  if (strict !== undefined) out.strict = strict;
  const cookieBased = ss.child('cookieBased');
  const headerBased = ss.child('headerBased');
  if (cookieBased && headerBased) ss.invalid('headerBased', 'set either cookieBased or headerBased, not both');
  else if (cookieBased) {
    cookieBased.unknownKeys(['cookie']);
    const c = cookieBased.child('cookie');
    if (!c) cookieBased.invalid('cookie', 'is required');
    else {
      c.unknownKeys(['name', 'path', 'ttl']);
      const name = c.string('name');
      if (!name || !isToken(name)) c.invalid('name', `"${name ?? ''}" is not a valid cookie name`);
      // An empty path means the default, as an absent one does.
      const path = c.string('path') || undefined;
      if (path !== undefined && !path.startsWith('/')) c.invalid('path', `"${path}" must start with /`);
      const ttl = c.looseDuration('ttl');
      if (ttl === undefined && !c.has('ttl')) c.invalid('ttl', 'is required (0s for a session cookie)');
      if (name && isToken(name)) out.statefulSession = { type: 'cookie', name, ...(path !== undefined ? { path } : {}), ttlSeconds: ttl ?? 0 };
    }
  } else if (headerBased) {
    headerBased.unknownKeys(['headerName']);
    const name = headerBased.string('headerName');
    if (!name || !isToken(name)) headerBased.invalid('headerName', `"${name ?? ''}" is not a valid header name`);
    else out.statefulSession = { type: 'header', name: name.toLowerCase() };
  } else ss.invalid('cookieBased', 'set cookieBased or headerBased');
  return out;
}

export function parseRouteOption(o: KubeObject): RouteOptionSpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['targetRefs', 'targetRef', 'options']);
  const out: RouteOptionSpec = { targets: readTargets(r, o.metadata.namespace ?? 'default', ['HTTPRoute']), problems };
  const options = r.child('options');
  if (!options) return out;
  options.unknownKeys(['lbHash'], 'this Gloo route option is not translated by Tether');
  const lbHash = options.child('lbHash');
  if (!lbHash) return out;
  lbHash.unknownKeys(['hashPolicies']);
  const policies: GlooHashPolicy[] = [];
  for (const h of lbHash.list('hashPolicies')) {
    h.unknownKeys(['header', 'cookie', 'sourceIp', 'terminal']);
    const terminal = h.bool('terminal') ?? false;
    const set = ['header', 'cookie', 'sourceIp'].filter((k) => h.has(k));
    if (set.length !== 1) {
      h.invalid(set[1] ?? 'header', `set exactly one of header, cookie, sourceIp (got ${set.length})`);
      continue;
    }
    if (set[0] === 'header') {
      const name = h.string('header');
      if (name && isToken(name)) policies.push({ type: 'header', name: name.toLowerCase(), terminal });
      else h.invalid('header', `"${name ?? ''}" is not a valid header name`);
    } else if (set[0] === 'sourceIp') {
      if (h.bool('sourceIp')) policies.push({ type: 'source-ip', terminal });
    } else {
      const c = h.child('cookie');
      if (!c) continue;
      c.unknownKeys(['name', 'path', 'ttl']);
      const name = c.string('name');
      if (!name || !isToken(name)) {
        c.invalid('name', `"${name ?? ''}" is not a valid cookie name`);
        continue;
      }
      const path = c.string('path');
      const ttlSeconds = c.looseDuration('ttl');
      policies.push({ type: 'cookie', name, ...(path ? { path } : {}), ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), terminal });
    }
  }
  out.hashPolicies = policies;
  return out;
}
