// Istio → intents:
// - DestinationRule consistentHash → ring hash (minimumRingSize, default 1024) or Maglev (tableSize)
//   keyed on the header / cookie / query parameter / client address it names, for the Service its
//   host names (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`); portLevelSettings win for their port;
//   `simple` → round robin, least request or random. Two DestinationRules for one host: the oldest
//   wins (as in Istio).
// - Service labels istio.io/persistent-session (`cookie[:path]`, a session cookie) and
//   istio.io/persistent-session-header → a strong session; sessions stay on draining pods, which is
//   what Istio does for these Services.
import type { HashKeyIR } from '../../ir/ir.ts';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isIstioDestinationRule, parseDestinationRule, parseIstioSessionLabels, type IstioLoadBalancer } from '../../k8s/policies/istio-destination-rule-policy.ts';
import type { PolicyRecord } from './policy-record.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';
import type { BalancerSpec } from './sticky-intent.ts';

function balancerOf(lb: IstioLoadBalancer, field: string, record: PolicyRecord): BalancerSpec {
  if (lb.type !== 'ring-hash' && lb.type !== 'maglev') return { loadBalancer: { type: lb.type }, hashKeys: [] };
  const hashKeys: HashKeyIR[] = [];
  const k = lb.key;
  if (k?.type === 'cookie') {
    if (k.attributes.length > 0) {
      record.problems.push({ severity: 'unsupported', field: `${field}.consistentHash.httpCookie.attributes`, message: 'attributes of a generated hash cookie are not translated' });
    }
    hashKeys.push({ type: 'cookie', name: k.name, ...(k.path ? { path: k.path } : {}), ...(k.ttlSeconds !== undefined ? { ttlSeconds: k.ttlSeconds } : {}), terminal: false });
  } else if (k) hashKeys.push({ ...k, terminal: false });
  return {
    loadBalancer: lb.type === 'maglev' ? { type: 'maglev', tableSize: lb.tableSize } : { type: 'ring-hash', minimumRingSize: lb.minimumRingSize, maximumRingSize: lb.maximumRingSize },
    hashKeys,
  };
}

export function readIstioPolicies(objects: readonly KubeObject[], ctx: StickyContext): void {
  for (const o of objects) {
    if (!isIstioDestinationRule(o)) continue;
    const record = ctx.record(o, false);
    const spec = parseDestinationRule(o);
    record.problems.push(...spec.problems);
    if (!spec.service || !ctx.checkTarget(record, { level: 'service', ...spec.service }) || !record.valid) continue;
    const base = { dialect: 'vendor' as const, record, age: ageOf(o), conflictClass: 'istio-destination-rule' };
    const origin = { kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name };
    if (spec.loadBalancer) {
      const field = 'spec.trafficPolicy.loadBalancer';
      ctx.intents.push({ ...base, target: { level: 'service', ...spec.service }, origin: { ...origin, field }, balancer: balancerOf(spec.loadBalancer, field, record) });
    }
    for (const p of spec.ports) {
      ctx.intents.push({ ...base, target: { level: 'service', ...spec.service, port: p.port }, origin: { ...origin, field: p.field }, balancer: balancerOf(p.loadBalancer, p.field, record) });
    }
    if (!spec.loadBalancer && spec.ports.length === 0) record.notes.add('It sets no load balancer, so it makes nothing sticky.');
  }
  for (const svc of ctx.services.values()) {
    const labels = parseIstioSessionLabels(svc);
    if (!labels) continue;
    const record = ctx.record(svc, false);
    record.problems.push(...labels.problems);
    const target = { level: 'service' as const, namespace: svc.metadata.namespace ?? 'default', name: svc.metadata.name };
    ctx.checkTarget(record, target);
    if (!record.valid || !labels.session) continue;
    const s = labels.session;
    ctx.intents.push({
      target,
      dialect: 'vendor',
      record,
      origin: { kind: 'Service', namespace: target.namespace, name: target.name, field: 'metadata.labels' },
      session: s.type === 'cookie' ? { type: 'cookie', name: s.name, path: s.path, attributes: [] } : { type: 'header', name: s.name },
      draining: 'keep',
      age: ageOf(svc),
      conflictClass: 'istio-labels',
    });
  }
}
