// kgateway BackendConfigPolicy → the targeted Services' balancer: ringHash / maglev with their
// hashPolicies as hash keys (kgateway puts them on the cluster; Tether puts them on every route to
// the Service, which Envoy evaluates the same way), or round robin / least request / random.
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isKgatewayBackendConfigPolicy, parseBackendConfigPolicy } from '../../k8s/policies/kgateway-backend-config-policy.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';
import type { BalancerSpec } from './sticky-intent.ts';

export function readKgatewayPolicies(objects: readonly KubeObject[], ctx: StickyContext): void {
  for (const o of objects) {
    if (!isKgatewayBackendConfigPolicy(o)) continue;
    const record = ctx.record(o, false);
    const spec = parseBackendConfigPolicy(o);
    record.problems.push(...spec.problems);
    const namespace = o.metadata.namespace ?? 'default';
    const targets = spec.services.map((name) => ({ level: 'service' as const, namespace, name })).filter((t) => ctx.checkTarget(record, t));
    if (!record.valid) continue;
    const lb = spec.loadBalancer;
    if (!lb) {
      record.notes.add('It sets no loadBalancer, so it makes nothing sticky.');
      continue;
    }
    const balancer: BalancerSpec =
      lb.type === 'ring-hash'
        ? { loadBalancer: { type: 'ring-hash', minimumRingSize: lb.minimumRingSize, maximumRingSize: lb.maximumRingSize }, hashKeys: lb.hashPolicies }
        : lb.type === 'maglev'
          ? { loadBalancer: { type: 'maglev', tableSize: lb.tableSize }, hashKeys: lb.hashPolicies }
          : { loadBalancer: { type: lb.type }, hashKeys: [] };
    for (const target of targets) {
      ctx.intents.push({
        target,
        dialect: 'vendor',
        record,
        origin: { kind: o.kind, namespace, name: o.metadata.name, field: 'spec.loadBalancer' },
        balancer,
        age: ageOf(o),
        conflictClass: 'kgateway',
      });
    }
  }
}
