// Entry point of sticky-session resolution: every way of asking for stickiness → one StickyDecision
// per route rule.
//
// 1. Every dialect reader (read-*.ts) turns its objects into intents (what is asked, what it
//    targets) and a record per object for status (policy-record.ts).
// 2. intent-ranking.ts settles conflicts between policies of one class on one target and ranks the
//    intents that reach each rule.
// 3. choose-aspects.ts takes each aspect (session, strict, draining, balancer) from the first ranked
//    intent that sets it; defaults.ts fills in what none set.
// 4. session-names.ts reports rules of one Gateway that still end up with the same session name, and
//    cookie-path-reach.ts a cookie Path that misses the rule's paths.
import type { KubeObject } from '../../k8s/kube-object.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { chooseAspects } from './choose-aspects.ts';
import { cookiePathWarning } from './cookie-path-reach.ts';
import { applyStickyDefaults, type ChosenSettings } from './defaults.ts';
import { sessionFromGatewayApi } from './gateway-api-session.ts';
import { IntentRanking, type RankedIntent } from './intent-ranking.ts';
import { policyStatus } from './policy-record.ts';
import { readBackendTrafficPolicies } from './read-backend-traffic-policies.ts';
import { readFsmPolicies } from './read-fsm-policies.ts';
import { readGlooOptions } from './read-gloo-options.ts';
import { readIstioPolicies } from './read-istio-policies.ts';
import { readKgatewayPolicies } from './read-kgateway-policies.ts';
import { readKongPolicies } from './read-kong-policies.ts';
import { readSessionPolicies } from './read-session-policies.ts';
import { SessionNameClaims } from './session-names.ts';
import { StickyContext } from './sticky-context.ts';
import { describeOrigin } from './sticky-intent.ts';
import type { StickyDecision, StickyProblem, StickyResolver, StickyRuleInput } from './sticky-resolver.ts';

const READERS = [readBackendTrafficPolicies, readSessionPolicies, readFsmPolicies, readKongPolicies, readGlooOptions, readIstioPolicies, readKgatewayPolicies];

function ruleLabel(input: StickyRuleInput): string {
  return `${input.route.kind} ${input.route.namespace}/${input.route.name} rule ${input.ruleName ?? input.ruleIndex}`;
}

export function createStickyResolver(objects: readonly KubeObject[]): StickyResolver {
  const ctx = new StickyContext(objects);
  for (const read of READERS) read(objects, ctx);
  const ranking = new IntentRanking(ctx.intents);
  const claims = new SessionNameClaims();

  function resolve(input: StickyRuleInput): StickyDecision {
    const problems: StickyProblem[] = [];
    const label = ruleLabel(input);
    const rulePath = `spec.rules[${input.ruleIndex}].sessionPersistence`;
    const found: RankedIntent[] = [];

    if (input.sessionPersistence !== undefined) {
      const parsed = input.sessionPersistence;
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
    found.push(...ranking.candidates(input));
    for (const s of ctx.serviceProblems.size === 0 ? [] : new Set(input.backends.map((b) => `${b.namespace}/${b.name}`))) {
      for (const p of ctx.serviceProblems.get(s) ?? []) problems.push({ severity: 'unsupported', reason: 'UnsupportedValue', message: `Service ${s} ${p.field}: ${p.message}` });
    }

    // Every policy that reaches the rule names this Gateway among its ancestors.
    for (const { intent } of found) {
      for (const r of [intent.record, ...(intent.twins ?? [])]) r?.addGatewayAncestor(input.gateway);
    }

    const chosen = chooseAspects(found, label);
    const settings: ChosenSettings = {};
    const sessionChoice = chosen.session;
    if (sessionChoice?.intent.session) settings.session = { spec: sessionChoice.intent.session, origin: sessionChoice.intent.origin };
    if (chosen.strict?.intent.strict !== undefined) settings.strict = chosen.strict.intent.strict;
    if (chosen.draining?.intent.draining !== undefined) settings.draining = chosen.draining.intent.draining;
    if (chosen.balancer?.intent.balancer) settings.balancer = chosen.balancer.intent.balancer;
    const { session, loadBalancer, hashKeys, keepSessionsOnDraining, sticky } = applyStickyDefaults(settings, input);

    if (session && sessionChoice && sessionChoice.intent.target.level === 'service' && sessionChoice.coveredBackends < input.backends.length) {
      const message = `${describeOrigin(session.origin)} targets only some backends of ${label}; Tether applies its session to the whole rule (every backend of the split is sticky)`;
      problems.push({ severity: 'unsupported', reason: 'PartialSessionPolicy', message });
      sessionChoice.intent.record?.notes.add(`${message}.`);
    }
    if (!session && chosen.strict?.intent.strict) {
      for (const r of [chosen.strict.intent.record, ...(chosen.strict.intent.twins ?? [])]) r?.notes.add(`strict has no effect on ${label}: the rule has no session.`);
    }
    if (session) problems.push(...claims.claim(input, label, session));
    const pathWarning = session?.type === 'cookie' && input.paths ? cookiePathWarning(session.path, input.paths) : undefined;
    if (pathWarning) {
      problems.push({ severity: 'unsupported', reason: 'CookiePathMismatch', message: `${describeOrigin(session!.origin)}: ${pathWarning}` });
      sessionChoice?.intent.record?.notes.add(`${label}: ${pathWarning}.`);
    }

    const decision: StickyDecision = { loadBalancer, keepSessionsOnDraining, sticky, problems };
    if (session) decision.session = session;
    if (hashKeys) decision.hashKeys = hashKeys;
    return decision;
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
