// FSM SessionStickyPolicy → a cookie session per Service port: the cookie FSM's gateway sets,
// `cookieName` with a lifetime of `expires` seconds (Max-Age), so a client keeps its backend across
// requests for that long. Two policies with different settings for one port: the oldest wins.
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isFsmSessionStickyPolicy, parseFsmSessionStickyPolicy } from '../../k8s/policies/fsm-session-sticky-policy.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';

export function readFsmPolicies(objects: readonly KubeObject[], ctx: StickyContext): void {
  for (const o of objects) {
    if (!isFsmSessionStickyPolicy(o)) continue;
    const record = ctx.record(o, false);
    const spec = parseFsmSessionStickyPolicy(o);
    record.problems.push(...spec.problems);
    if (!spec.service || !ctx.checkTarget(record, { level: 'service', ...spec.service }) || !record.valid) continue;
    for (const p of spec.ports) {
      ctx.intents.push({
        target: { level: 'service', ...spec.service, port: p.port },
        dialect: 'vendor',
        record,
        origin: { kind: o.kind, namespace: spec.service.namespace, name: o.metadata.name, field: p.field },
        session: { type: 'cookie', name: p.cookieName, ttlSeconds: p.expires, attributes: [] },
        age: ageOf(o),
        conflictClass: 'fsm',
      });
    }
  }
}
