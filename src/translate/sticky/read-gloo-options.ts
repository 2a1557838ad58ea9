// Gloo options → intents:
// - HttpListenerOption statefulSession: a strong session (cookie with ttl, ttl 0s = session cookie;
//   or header) plus `strict`, for every route of the targeted Gateway, or of one listener when the
//   targetRef names a sectionName. Rules never share a session in Tether, but here the user chose
//   one name for the whole Gateway, as Gloo does: the collision report says so.
// - RouteOption lbHash.hashPolicies: hash keys (and a ring-hash cluster) for the targeted HTTPRoute,
//   or one rule by sectionName.
import type { KubeObject } from '../../k8s/kube-object.ts';
import { isGlooHttpListenerOption, isGlooRouteOption, parseHttpListenerOption, parseRouteOption } from '../../k8s/policies/gloo-option-policy.ts';
import type { StickyContext } from './sticky-context.ts';
import { ageOf } from './sticky-context.ts';
import type { SessionSpec } from './sticky-intent.ts';
import type { StickyTarget } from './sticky-target.ts';
import { DEFAULT_RING_HASH } from './defaults.ts';

export function readGlooOptions(objects: readonly KubeObject[], ctx: StickyContext): void {
  for (const o of objects) {
    if (isGlooHttpListenerOption(o)) {
      const record = ctx.record(o, false);
      const spec = parseHttpListenerOption(o);
      record.problems.push(...spec.problems);
      const targets: StickyTarget[] = spec.targets.map((t) =>
        t.sectionName !== undefined
          ? { level: 'listener', gateway: { namespace: t.namespace, name: t.name }, listener: t.sectionName }
          : { level: 'gateway', gateway: { namespace: t.namespace, name: t.name } },
      );
      const found = targets.filter((t) => ctx.checkTarget(record, t));
      if (!record.valid) continue;
      if (!spec.statefulSession) {
        if (spec.strict !== undefined) record.problems.push({ severity: 'unsupported', field: 'spec.options.statefulSession.strict', message: 'strict has no effect without cookieBased or headerBased' });
        continue;
      }
      const s = spec.statefulSession;
      const session: SessionSpec =
        s.type === 'cookie'
          ? { type: 'cookie', name: s.name, path: s.path, ...(s.ttlSeconds > 0 ? { ttlSeconds: s.ttlSeconds } : {}), attributes: [] }
          : { type: 'header', name: s.name };
      for (const target of found) {
        ctx.intents.push({
          target,
          dialect: 'vendor',
          record,
          origin: { kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, field: 'spec.options.statefulSession' },
          session,
          strict: spec.strict ?? false,
          age: ageOf(o),
          conflictClass: 'gloo-listener',
        });
      }
    } else if (isGlooRouteOption(o)) {
      const record = ctx.record(o, false);
      const spec = parseRouteOption(o);
      record.problems.push(...spec.problems);
      const targets: StickyTarget[] = spec.targets.map((t) => {
        const route = { kind: 'HTTPRoute' as const, namespace: t.namespace, name: t.name };
        return t.sectionName !== undefined ? { level: 'rule', route, ruleName: t.sectionName } : { level: 'route', route };
      });
      const found = targets.filter((t) => ctx.checkTarget(record, t));
      if (!record.valid || !spec.hashPolicies) continue;
      if (spec.hashPolicies.length === 0) {
        record.notes.add('lbHash has no usable hash policy: the client address is hashed.');
      }
      for (const target of found) {
        ctx.intents.push({
          target,
          dialect: 'vendor',
          record,
          origin: { kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, field: 'spec.options.lbHash' },
          balancer: { loadBalancer: DEFAULT_RING_HASH, hashKeys: spec.hashPolicies },
          age: ageOf(o),
          conflictClass: 'gloo-route',
        });
      }
    }
  }
}
