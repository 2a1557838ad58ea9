// Tether SessionPolicy → intents at the level its targetRef names (rule, route, Service, listener,
// Gateway). It is the only dialect that sets every aspect: session, strict, draining, fallback.
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isSessionPolicy, parseSessionPolicy, type SessionPolicyTarget } from '../../k8s/policies/session-policy.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';
import type { StickyTarget } from './sticky-target.ts';

function toTarget(t: SessionPolicyTarget, namespace: string): StickyTarget {
  switch (t.kind) {
    case 'Service':
      return { level: 'service', namespace, name: t.name };
    case 'Gateway':
      return t.sectionName !== undefined
        ? { level: 'listener', gateway: { namespace, name: t.name }, listener: t.sectionName }
        : { level: 'gateway', gateway: { namespace, name: t.name } };
    case 'HTTPRoute':
    case 'GRPCRoute': {
      const route = { kind: t.kind, namespace, name: t.name };
      return t.sectionName !== undefined ? { level: 'rule', route, ruleName: t.sectionName } : { level: 'route', route };
    }
  }
}

export function readSessionPolicies(objects: readonly KubeObject[], ctx: StickyContext): void {
  for (const o of objects) {
    if (!isSessionPolicy(o)) continue;
    const record = ctx.record(o, true);
    const spec = parseSessionPolicy(o);
    record.problems.push(...spec.problems);
    const namespace = o.metadata.namespace ?? 'default';
    const targets = spec.targets.map((t) => toTarget(t, namespace)).filter((t) => ctx.checkTarget(record, t));
    if (!record.valid) continue;
    for (const target of targets) {
      ctx.intents.push({
        target,
        dialect: 'session-policy',
        record,
        origin: { kind: 'SessionPolicy', namespace, name: o.metadata.name, field: spec.session ? 'spec.session' : 'spec' },
        ...(spec.session ? { session: spec.session } : {}),
        ...(spec.strict !== undefined ? { strict: spec.strict } : {}),
        ...(spec.draining !== undefined ? { draining: spec.draining } : {}),
        ...(spec.fallback ? { balancer: { loadBalancer: spec.fallback.loadBalancer, hashKeys: spec.fallback.hashKeys } } : {}),
        age: ageOf(o),
        conflictClass: 'session-policy',
      });
    }
  }
}
