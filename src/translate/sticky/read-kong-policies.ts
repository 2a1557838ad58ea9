// Kong KongUpstreamPolicy, found through each Service's `konghq.com/upstream-policy` annotation:
// - sticky-sessions → a cookie session (stickySessions.cookie / cookiePath), sessions kept on
//   draining pods (Kong's drain support keeps terminating pods for existing sessions);
// - consistent-hashing → ring hash (slots → minimum ring size, Kong's default 10000) with hashOn
//   then hashOnFallback as hash keys (the first terminal, so the fallback only hashes when it is missing);
// - round-robin / least-connections → round robin / least request; latency (EWMA) → least request,
//   reported as an approximation.
import type { HashKeyIR } from '../../ir/ir.ts';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { apiGroup } from '../../k8s/kube-object.ts';
import { KONG_UPSTREAM_POLICY_ANNOTATION, isKongUpstreamPolicy, parseKongUpstreamPolicy, type KongHash } from '../../k8s/policies/kong-upstream-policy.ts';
import { DEFAULT_COOKIE_PATH, DEFAULT_RING_HASH } from './defaults.ts';
import type { PolicyRecord } from './policy-record.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';
import type { BalancerSpec, SessionSpec } from './sticky-intent.ts';

const KONG_DEFAULT_SLOTS = 10000;

function hashKey(h: KongHash, terminal: boolean, field: string, record: PolicyRecord): HashKeyIR | undefined {
  switch (h.on) {
    case 'ip':
      return { type: 'source-ip', terminal };
    case 'header':
      return { type: 'header', name: h.name, terminal };
    case 'cookie':
      // Kong creates the cookie when the client has none; a ttl of 0 makes Envoy do the same (a session cookie).
      return { type: 'cookie', name: h.name, path: h.path ?? DEFAULT_COOKIE_PATH, ttlSeconds: 0, terminal };
    case 'queryArg':
      return { type: 'query-parameter', name: h.name, terminal };
    case 'none':
      return undefined;
    case 'consumer':
    case 'path':
    case 'uriCapture':
      record.problems.push({ severity: 'unsupported', field, message: `hashing on ${h.on} is not supported by Tether (Envoy hashes headers, cookies, query parameters or the client address)` });
      return undefined;
  }
}

export function readKongPolicies(objects: readonly KubeObject[], ctx: StickyContext): void {
  const policies = new Map<string, { obj: KubeObject; record: PolicyRecord; intent?: { session?: SessionSpec; balancer?: BalancerSpec; draining?: 'keep' } }>();
  for (const o of objects) {
    if (!isKongUpstreamPolicy(o)) continue;
    const record = ctx.record(o, false);
    const spec = parseKongUpstreamPolicy(o);
    record.problems.push(...spec.problems);
    const entry: { obj: KubeObject; record: PolicyRecord; intent?: { session?: SessionSpec; balancer?: BalancerSpec; draining?: 'keep' } } = { obj: o, record };
    policies.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, entry);
    if (!record.valid) continue;
    const algorithm = spec.algorithm ?? 'round-robin';
    if (algorithm === 'sticky-sessions' && spec.stickySessions) {
      entry.intent = {
        session: { type: 'cookie', name: spec.stickySessions.cookie, path: spec.stickySessions.cookiePath, attributes: [] },
        draining: 'keep',
      };
      if (spec.slots !== undefined) {
        entry.intent.balancer = { loadBalancer: { type: 'ring-hash', minimumRingSize: spec.slots, maximumRingSize: DEFAULT_RING_HASH.maximumRingSize }, hashKeys: [] };
      }
    } else if (algorithm === 'consistent-hashing') {
      const keys: HashKeyIR[] = [];
      const second = spec.hashOnFallback ? hashKey(spec.hashOnFallback, false, 'spec.hashOnFallback', record) : undefined;
      const first = spec.hashOn ? hashKey(spec.hashOn, second !== undefined, 'spec.hashOn', record) : undefined;
      if (first) keys.push(first);
      if (second) keys.push(second);
      if (keys.length === 0) record.notes.add('consistent-hashing without a usable hash input: the client address is hashed.');
      entry.intent = { balancer: { loadBalancer: { type: 'ring-hash', minimumRingSize: spec.slots ?? KONG_DEFAULT_SLOTS, maximumRingSize: DEFAULT_RING_HASH.maximumRingSize }, hashKeys: keys } };
    } else if (algorithm === 'least-connections' || algorithm === 'latency') {
      if (algorithm === 'latency') {
        record.problems.push({ severity: 'unsupported', field: 'spec.algorithm', message: 'latency (EWMA) balancing has no Envoy equivalent; least request is used instead' });
      }
      entry.intent = { balancer: { loadBalancer: { type: 'least-request' }, hashKeys: [] } };
    } else {
      entry.intent = { balancer: { loadBalancer: { type: 'round-robin' }, hashKeys: [] } };
    }
  }
  const referenced = new Set<PolicyRecord>();
  for (const svc of ctx.services.values()) {
    const name = svc.metadata.annotations?.[KONG_UPSTREAM_POLICY_ANNOTATION];
    if (name === undefined || apiGroup(svc.apiVersion) !== '') continue;
    const namespace = svc.metadata.namespace ?? 'default';
    const entry = policies.get(`${namespace}/${name.trim()}`);
    if (!entry) {
      ctx.serviceProblem(namespace, svc.metadata.name, `metadata.annotations["${KONG_UPSTREAM_POLICY_ANNOTATION}"]`, `names KongUpstreamPolicy ${namespace}/${name} which does not exist`);
      continue;
    }
    referenced.add(entry.record);
    const target = { level: 'service' as const, namespace, name: svc.metadata.name };
    entry.record.fallbackAncestor ??= { group: '', kind: 'Service', namespace, name: svc.metadata.name };
    if (!entry.intent) continue;
    ctx.intents.push({
      target,
      dialect: 'vendor',
      record: entry.record,
      origin: { kind: 'KongUpstreamPolicy', namespace, name, field: 'spec' },
      ...entry.intent,
      age: ageOf(entry.obj),
      conflictClass: 'kong',
    });
  }
  for (const { record } of policies.values()) {
    if (!referenced.has(record)) record.notes.add(`No Service names it in the ${KONG_UPSTREAM_POLICY_ANNOTATION} annotation.`);
  }
}
