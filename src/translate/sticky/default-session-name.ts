// Default cookie and header names, distinct per route rule: Envoy scopes a session by its name (the
// cookie Path is `/`), so two rules sharing a name would share — and clobber — each other's sessions.
import type { RouteKind } from './sticky-intent.ts';

export interface RuleIdentity {
  route: { kind: RouteKind; namespace: string; name: string };
  ruleIndex: number;
  ruleName?: string;
}

/** The rule part of a default name: the rule's name when set, else `r<index>`. */
function ruleSuffix(rule: RuleIdentity): string {
  return rule.ruleName ?? `r${rule.ruleIndex}`;
}

/** Keep only RFC 6265 token characters (namespaces and names are DNS labels, so this rarely bites). */
function sanitise(s: string): string {
  return s.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, '_');
}

function stem(rule: RuleIdentity): string {
  const kind = rule.route.kind === 'GRPCRoute' ? 'grpc-' : '';
  return sanitise(`${kind}${rule.route.namespace}.${rule.route.name}.${ruleSuffix(rule)}`);
}

/** `tether-<ns>.<route>.<rule>` (GRPCRoute: `tether-grpc-…`). */
export function defaultCookieName(rule: RuleIdentity): string {
  return `tether-${stem(rule)}`;
}

/** `x-tether-session-<ns>.<route>.<rule>`, lower case. */
export function defaultHeaderName(rule: RuleIdentity): string {
  return `x-tether-session-${stem(rule)}`.toLowerCase();
}
