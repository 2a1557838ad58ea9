// BackendLBPolicy / XBackendTrafficPolicy → Service-level session intents (GEP-1619: a route rule's
// own sessionPersistence overrides them; that is applied at resolution, by precedence).
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isBackendTrafficPolicy, parseBackendTrafficPolicy } from '../../k8s/policies/backend-traffic-policy.ts';
import { sessionFromGatewayApi } from './gateway-api-session.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';

export function readBackendTrafficPolicies(objects: readonly KubeObject[], ctx: StickyContext): void {
  for (const o of objects) {
    if (!isBackendTrafficPolicy(o)) continue;
    const record = ctx.record(o, true);
    const spec = parseBackendTrafficPolicy(o);
    record.problems.push(...spec.problems);
    const namespace = o.metadata.namespace ?? 'default';
    const targets = spec.services.map((name) => ({ level: 'service' as const, namespace, name }));
    const found = targets.filter((t) => ctx.checkTarget(record, t));
    if (!record.valid || !spec.sessionPersistence) {
      if (record.valid) record.notes.add('It sets no sessionPersistence, so it makes nothing sticky.');
      continue;
    }
    const { session, problems } = sessionFromGatewayApi(spec.sessionPersistence, 'spec.sessionPersistence');
    record.problems.push(...problems);
    for (const target of found) {
      ctx.intents.push({
        target,
        dialect: 'gateway-api',
        record,
        origin: { kind: o.kind, namespace, name: o.metadata.name, field: 'spec.sessionPersistence' },
        session,
        age: ageOf(o),
        conflictClass: 'gateway-api-backend-policy',
      });
    }
  }
}
