// Entry point of sticky-session resolution: every way of asking for stickiness → one StickyDecision
// per route rule.
//
// 1. Every dialect reader turns its objects into intents (what is asked, what it targets) and a
//    record per object for status.
// 2. Policies of one class on one target conflict when their settings differ: the oldest wins, the
//    others are Conflicted there.
// 3. For each rule, the intents that reach it (rule's own sessionPersistence, its route, its backend
//    Services, its listeners, its Gateway) are ranked — most specific first, then Gateway API >
//    SessionPolicy > vendor, then oldest — and each aspect (session, strict, draining, balancer) is
//    taken from the first intent that sets it.
// 4. Session names default per rule; rules on one listener set that still end up with the same name
//    are reported.
import type { HashKeyIR, LoadBalancerIR, SessionIR } from '../../ir/ir.ts';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { parseSessionPersistence } from '../../k8s/session-persistence.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { defaultCookieName, defaultHeaderName } from './default-session-name.ts';
import { sessionFromGatewayApi } from './gateway-api-session.ts';
import { policyStatus } from './policy-record.ts';
import { readBackendTrafficPolicies } from './read-backend-traffic-policies.ts';
import { readFsmPolicies } from './read-fsm-policies.ts';
import { readGlooOptions } from './read-gloo-options.ts';
import { readIstioPolicies } from './read-istio-policies.ts';
import { readKgatewayPolicies } from './read-kgateway-policies.ts';
import { readKongPolicies } from './read-kong-policies.ts';
import { readSessionPolicies } from './read-session-policies.ts';
import { StickyContext, type StickyIntentInput } from './sticky-context.ts';
import type { StickyIntent, StickyTarget } from './sticky-intent.ts';
import { DEFAULT_HASH_KEYS, DEFAULT_KEEP_SESSIONS_ON_DRAINING, DEFAULT_RING_HASH } from './defaults.ts';
import {
  DIALECT_RANK,
  LEVEL_RANK,
  describeOrigin,
  describeTarget,
  isHashing,
  settingsKey,
} from './sticky-intent.ts';
import type { StickyDecision, StickyProblem, StickyResolver, StickyRuleInput } from './sticky-resolver.ts';

const READERS = [readBackendTrafficPolicies, readSessionPolicies, readFsmPolicies, readKongPolicies, readGlooOptions, readIstioPolicies, readKgatewayPolicies];

function targetKey(t: StickyTarget): string {
  switch (t.level) {
    case 'rule':
      return `rule|${t.route.kind}|${t.route.namespace}|${t.route.name}|${t.ruleName}`;
    case 'route':
      return `route|${t.route.kind}|${t.route.namespace}|${t.route.name}`;
    case 'service':
      return `service|${t.namespace}|${t.name}`;
    case 'listener':
      return `listener|${t.gateway.namespace}|${t.gateway.name}|${t.listener}`;
    case 'gateway':
      return `gateway|${t.gateway.namespace}|${t.gateway.name}`;
  }
}

/** Oldest wins among policies of one class on one target; identical settings apply together. */
function resolveConflicts(intents: StickyIntentInput[]): StickyIntent[] {
  const groups = new Map<string, StickyIntentInput[]>();
  for (const i of intents) {
    const port = i.target.level === 'service' && i.target.port !== undefined ? `|${i.target.port}` : '';
    const key = `${i.conflictClass}|${targetKey(i.target)}${port}`;
    const g = groups.get(key) ?? [];
    g.push(i);
    groups.set(key, g);
  }
  const out: StickyIntent[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => (a.age < b.age ? -1 : a.age > b.age ? 1 : 0));
    const winner = group[0];
    const twins: StickyIntent['twins'] = [];
    for (const other of group.slice(1)) {
      if (!other.record || other.record === winner.record) continue;
      if (settingsKey(other) === settingsKey(winner)) {
        twins.push(other.record);
        other.record.targets.push(other.target);
      } else {
        other.record.conflicts.push(
          `${describeTarget(other.target)} is also targeted by older ${winner.record ? `${winner.record.ref.kind} ${winner.record.ref.namespace}/${winner.record.ref.name}` : describeOrigin(winner.origin)} with different settings; the older one wins`,
        );
      }
    }
    winner.record?.targets.push(winner.target);
    out.push(twins.length > 0 ? { ...winner, twins } : winner);
  }
  return out;
}

/** An object that won an aspect: the policy by name, or the route rule's own field. */
function describeWinner(i: StickyIntent): string {
  return i.record ? `${i.record.ref.kind} ${i.record.ref.namespace ? `${i.record.ref.namespace}/` : ''}${i.record.ref.name}` : describeOrigin(i.origin);
}

function ruleLabel(input: StickyRuleInput): string {
  return `${input.route.kind} ${input.route.namespace}/${input.route.name} rule ${input.ruleName ?? input.ruleIndex}`;
}

interface SessionClaim {
  ruleKey: string;
  label: string;
  listenerNames: string[];
  hostnames?: string[];
  origin: string;
}

function hostnamesOverlap(a?: string[], b?: string[]): boolean {
  if (!a || !b || a.length === 0 || b.length === 0) return true;
  const matches = (h: string, w: string) => h === w || (w.startsWith('*.') && h.endsWith(w.slice(1)));
  return a.some((x) => b.some((y) => x === '*' || y === '*' || matches(x, y) || matches(y, x)));
}

export function createStickyResolver(objects: readonly KubeObject[]): StickyResolver {
  const ctx = new StickyContext(objects);
  for (const read of READERS) read(objects, ctx);
  const index = new Map<string, StickyIntent[]>();
  for (const i of resolveConflicts(ctx.intents)) {
    const key = targetKey(i.target);
    const list = index.get(key) ?? [];
    list.push(i);
    index.set(key, list);
  }
  /** gateway ns/name → session type+name → claims, for name-collision reports. */
  const claims = new Map<string, Map<string, SessionClaim[]>>();

  function candidates(input: StickyRuleInput): { intent: StickyIntent; coveredBackends: number }[] {
    if (index.size === 0) return []; // no policy of any dialect: the common case, kept cheap
    const { route, gateway } = input;
    const keys: string[] = [];
    if (input.ruleName !== undefined) keys.push(targetKey({ level: 'rule', route, ruleName: input.ruleName }));
    keys.push(targetKey({ level: 'route', route }));
    const services = [...new Set(input.backends.map((b) => `${b.namespace}|${b.name}`))];
    for (const s of services) keys.push(`service|${s}`);
    for (const l of input.listenerNames) keys.push(targetKey({ level: 'listener', gateway, listener: l }));
    keys.push(targetKey({ level: 'gateway', gateway }));
    const out: { intent: StickyIntent; coveredBackends: number }[] = [];
    for (const key of new Set(keys)) {
      for (const intent of index.get(key) ?? []) {
        const t = intent.target;
        let covered = input.backends.length;
        if (t.level === 'service') {
          covered = input.backends.filter((b) => b.namespace === t.namespace && b.name === t.name && (t.port === undefined || t.port === b.port)).length;
          if (covered === 0) continue;
        }
        out.push({ intent, coveredBackends: covered });
      }
    }
    out.sort((a, b) => {
      const x = a.intent;
      const y = b.intent;
      const portFirst = (t: StickyTarget) => (t.level === 'service' && t.port !== undefined ? 0 : 1);
      return (
        LEVEL_RANK[x.target.level] - LEVEL_RANK[y.target.level] ||
        DIALECT_RANK[x.dialect] - DIALECT_RANK[y.dialect] ||
        portFirst(x.target) - portFirst(y.target) ||
        (x.age < y.age ? -1 : x.age > y.age ? 1 : 0)
      );
    });
    return out;
  }

  function resolve(input: StickyRuleInput): StickyDecision {
    const problems: StickyProblem[] = [];
    const label = ruleLabel(input);
    const rulePath = `spec.rules[${input.ruleIndex}].sessionPersistence`;
    const found: { intent: StickyIntent; coveredBackends: number }[] = [];

    if (input.sessionPersistence !== undefined && input.sessionPersistence !== null) {
      const parsed = parseSessionPersistence(input.sessionPersistence, rulePath);
      const invalid = parsed.problems.filter((p) => p.severity === 'invalid');
      if (!parsed.spec || invalid.length > 0) {
        return {
          loadBalancer: { type: 'round-robin' },
          keepSessionsOnDraining: false,
          sticky: false,
          problems: invalid.map((p) => ({ severity: 'invalid', reason: 'UnsupportedValue', message: `${p.field}: ${p.message}` })),
        };
      }
      const { session, problems: notes } = sessionFromGatewayApi(parsed.spec, rulePath);
      for (const p of [...parsed.problems, ...notes]) problems.push({ severity: 'unsupported', reason: 'UnsupportedValue', message: `${p.field}: ${p.message}` });
      found.push({
        intent: {
          target: { level: 'rule', route: input.route, ruleName: input.ruleName ?? String(input.ruleIndex) },
          dialect: 'gateway-api',
          origin: { kind: input.route.kind, namespace: input.route.namespace, name: input.route.name, field: rulePath },
          session,
          age: '',
        },
        coveredBackends: input.backends.length,
      });
    }
    found.push(...candidates(input));
    for (const s of ctx.serviceProblems.size === 0 ? [] : new Set(input.backends.map((b) => `${b.namespace}/${b.name}`))) {
      for (const p of ctx.serviceProblems.get(s) ?? []) problems.push({ severity: 'unsupported', reason: 'UnsupportedValue', message: `Service ${s} ${p.field}: ${p.message}` });
    }

    // Every policy that reaches the rule names this Gateway among its ancestors.
    for (const { intent } of found) {
      for (const r of [intent.record, ...(intent.twins ?? [])]) r?.addGatewayAncestor(input.gateway);
    }

    type Aspect = 'session' | 'strict' | 'draining' | 'balancer';
    const chosen: Partial<Record<Aspect, { intent: StickyIntent; coveredBackends: number }>> = {};
    const sessionFound = found.find((f) => f.intent.session);
    for (const f of found) {
      const i = f.intent;
      const offers: Aspect[] = [];
      if (i.session) offers.push('session');
      if (i.strict !== undefined) offers.push('strict');
      if (i.draining !== undefined) offers.push('draining');
      if (i.balancer) offers.push('balancer');
      const used: Aspect[] = [];
      const lost: string[] = [];
      for (const a of offers) {
        if (a === 'balancer' && sessionFound && i.balancer && !isHashing(i.balancer.loadBalancer)) {
          lost.push(`${i.balancer.loadBalancer.type} on ${label} (a session is in force there, so its cluster balances by hash)`);
          continue;
        }
        const winner = chosen[a];
        if (!winner) {
          chosen[a] = f;
          used.push(a);
        } else if (!i.record || winner.intent.record !== i.record) lost.push(`${a} on ${label} by ${describeWinner(winner.intent)}`);
      }
      for (const r of [i.record, ...(i.twins ?? [])]) {
        if (!r) continue;
        if (used.length > 0) r.applied.add(`${label} (${used.join(', ')})`);
        for (const l of lost) r.overridden.add(l);
      }
    }

    const sessionChoice = chosen.session;
    let session: SessionIR | undefined;
    if (sessionChoice?.intent.session) {
      const s = sessionChoice.intent.session;
      const strict = chosen.strict?.intent.strict ?? false;
      const origin = { ...sessionChoice.intent.origin };
      session =
        s.type === 'cookie'
          ? { type: 'cookie', name: s.name ?? defaultCookieName(input), path: s.path, ...(s.ttlSeconds !== undefined ? { ttlSeconds: s.ttlSeconds } : {}), attributes: s.attributes.map((a) => ({ ...a })), strict, origin }
          : { type: 'header', name: (s.name ?? defaultHeaderName(input)).toLowerCase(), strict, origin };
      if (sessionChoice.intent.target.level === 'service' && sessionChoice.coveredBackends < input.backends.length) {
        const message = `${describeOrigin(origin)} targets only some backends of ${label}; Tether applies its session to the whole rule (every backend of the split is sticky)`;
        problems.push({ severity: 'unsupported', reason: 'PartialSessionPolicy', message });
        sessionChoice.intent.record?.notes.add(`${message}.`);
      }
    }
    if (!session && chosen.strict?.intent.strict) {
      for (const r of [chosen.strict.intent.record, ...(chosen.strict.intent.twins ?? [])]) r?.notes.add(`strict has no effect on ${label}: the rule has no session.`);
    }
    const balancer = chosen.balancer?.intent.balancer;
    let loadBalancer: LoadBalancerIR = balancer?.loadBalancer ?? { type: 'round-robin' };
    if (session && !isHashing(loadBalancer)) loadBalancer = DEFAULT_RING_HASH;
    const sticky = session !== undefined || isHashing(loadBalancer);
    let hashKeys: readonly HashKeyIR[] | undefined;
    if (isHashing(loadBalancer)) hashKeys = balancer && balancer.hashKeys.length > 0 ? balancer.hashKeys : DEFAULT_HASH_KEYS;

    if (session) problems.push(...claimName(input, label, session));

    // Fresh objects per decision: callers may keep or adjust them without touching other rules.
    const decision: StickyDecision = {
      loadBalancer: { ...loadBalancer },
      keepSessionsOnDraining: sticky && (chosen.draining ? chosen.draining.intent.draining === 'keep' : DEFAULT_KEEP_SESSIONS_ON_DRAINING),
      sticky,
      problems,
    };
    if (session) decision.session = session;
    if (hashKeys) decision.hashKeys = hashKeys.map((k) => ({ ...k }));
    return decision;
  }

  function claimName(input: StickyRuleInput, label: string, session: SessionIR): StickyProblem[] {
    const gwKey = `${input.gateway.namespace}/${input.gateway.name}`;
    const byName = claims.get(gwKey) ?? new Map<string, SessionClaim[]>();
    claims.set(gwKey, byName);
    const nameKey = `${session.type}|${session.type === 'header' ? session.name.toLowerCase() : session.name}`;
    const list = byName.get(nameKey) ?? [];
    byName.set(nameKey, list);
    const ruleKey = `${input.route.kind}|${input.route.namespace}|${input.route.name}|${input.ruleIndex}`;
    const hostnames = input.hostnames;
    const problems: StickyProblem[] = [];
    for (const c of list) {
      if (c.ruleKey === ruleKey) continue;
      if (!c.listenerNames.some((l) => input.listenerNames.includes(l)) || !hostnamesOverlap(c.hostnames, hostnames)) continue;
      problems.push({
        severity: 'unsupported',
        reason: 'SessionNameConflict',
        message: `${label} and ${c.label} both use ${session.type} "${session.name}" on Gateway ${gwKey} (from ${describeOrigin(session.origin)} and ${c.origin}); they share one session, so a client moving between them can be re-pinned. Give each rule its own name.`,
      });
    }
    const claim: SessionClaim = { ruleKey, label, listenerNames: input.listenerNames, origin: describeOrigin(session.origin) };
    if (hostnames) claim.hostnames = hostnames;
    const at = list.findIndex((c) => c.ruleKey === ruleKey);
    if (at >= 0) list[at] = claim;
    else list.push(claim);
    return problems;
  }

  return {
    resolve,
    statuses(): ObjectStatus[] {
      return ctx.records
        .map(policyStatus)
        .sort((a, b) => {
          const ka = `${a.ref.group}/${a.ref.kind}/${a.ref.namespace ?? ''}/${a.ref.name}`;
          const kb = `${b.ref.group}/${b.ref.kind}/${b.ref.namespace ?? ''}/${b.ref.name}`;
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        });
    },
  };
}
