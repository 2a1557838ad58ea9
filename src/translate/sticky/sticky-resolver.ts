// CONTRACT between route translation (translate/http-routes.ts and friends) and the sticky-session
// resolution (this folder). Route translation asks, once per route rule, "how is this rule sticky?"
// and gets one normalised answer; every dialect (Gateway API sessionPersistence, BackendLBPolicy,
// XBackendTrafficPolicy, Tether's SessionPolicy, vendor policies) is resolved here with its
// precedence applied. Policy objects' own statuses (ancestors: Accepted, Conflicted, overridden)
// come out of `statuses()` after every rule has been resolved.
//
// This file holds the types and the entry point; the implementation lives beside it.
import type { KubeObject } from '../../k8s/kube-object.ts';
import type { ParsedSessionPersistence } from '../../k8s/gateway-api/session-persistence.ts';
import type { HashKeyIR, LoadBalancerIR, PathMatchIR, SessionIR } from '../../ir/ir.ts';
import type { ObjectStatus } from '../../status/status.ts';

/** One route rule, as route translation sees it. */
export interface StickyRuleInput {
  route: { kind: 'HTTPRoute' | 'GRPCRoute'; namespace: string; name: string; generation?: number };
  ruleIndex: number;
  ruleName?: string;
  /** The rule's `sessionPersistence` (any of the three Gateway API shapes), parsed by the route parser, if any. */
  sessionPersistence?: ParsedSessionPersistence;
  /** The Gateway (and listener section names) the rule is being translated for. */
  gateway: { namespace: string; name: string };
  listenerNames: string[];
  /**
   * Optional: the hostnames the rule's routes serve on those listeners (the route/listener
   * intersection; empty or absent = any). Only used to narrow session-name collision reports to
   * rules that can share a virtual host.
   */
  hostnames?: string[];
  /** Optional: the rule's path matches, to report a cookie Path that misses them (cookie-path-reach.ts). */
  paths?: PathMatchIR[];
  /** The Services the rule's valid backendRefs point at (weight > 0). */
  backends: { namespace: string; name: string; port: number; weight: number }[];
}

export interface StickyDecision {
  /** Strong session (stateful_session) for the rule's routes. */
  session?: SessionIR;
  /** Hash keys for the route; present whenever `loadBalancer` hashes. */
  hashKeys?: HashKeyIR[];
  /** How the rule's cluster balances; round robin for a plain rule. */
  loadBalancer: LoadBalancerIR;
  /** Sticky clusters only: keep existing sessions on DRAINING endpoints. */
  keepSessionsOnDraining: boolean;
  /** True when the rule's backends must share one cluster (a session or hash is in force). */
  sticky: boolean;
  /**
   * Conditions to merge into the route's parent status: Accepted=False with reason UnsupportedValue
   * or Invalid... when the rule's own sessionPersistence is invalid (the rule is then dropped: the
   * caller must not emit its routes and reports PartiallyInvalid if other rules survive), or
   * informational messages (for example idleTimeout that Envoy cannot enforce) that keep the rule.
   */
  problems: StickyProblem[];
}

export interface StickyProblem {
  /** Drop the rule (invalid input) or keep it and report (unsupported but harmless). */
  severity: 'invalid' | 'unsupported';
  reason: string;
  /** Names the field, e.g. `spec.rules[1].sessionPersistence.idleTimeout`. */
  message: string;
}

export interface StickyResolver {
  resolve(input: StickyRuleInput): StickyDecision;
  /** Statuses of every policy object read (Gateway API policies, SessionPolicy, vendor kinds). */
  statuses(): ObjectStatus[];
}

export type CreateStickyResolver = (objects: readonly KubeObject[]) => StickyResolver;
