// Session names: the default cookie and header names, distinct per route rule, and the report when
// two rules of one Gateway still end up with one name. Envoy scopes a session by its name (the
// default cookie Path is `/`), so two rules sharing a name share — and clobber — each other's
// sessions. As the Gateway API session persistence proposal has it, names are unique per Gateway
// (whatever the listener or hostname: a browser sends a cookie to every port of a host) and the
// oldest keeps the name: routes are translated oldest first (translate.ts), so the first claim
// stands and every later rule with the same name is reported.
import type { SessionIR } from '../../ir/ir.ts';
import { describeOrigin } from './sticky-intent.ts';
import type { StickyProblem, StickyRuleInput } from './sticky-resolver.ts';
import type { RouteKind } from './sticky-target.ts';

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

interface SessionClaim {
  ruleKey: string;
  label: string;
  listenerNames: string[];
  hostnames?: string[];
  origin: string;
}

/** Which rules use which session name, per Gateway, to report rules that share one. */
export class SessionNameClaims {
  /** gateway ns/name → session type+name → claims. */
  private readonly claims = new Map<string, Map<string, SessionClaim[]>>();

  /** Records that `input`'s rule uses `session`; returns a problem for every older rule of the Gateway with the same name. */
  claim(input: StickyRuleInput, label: string, session: SessionIR): StickyProblem[] {
    const gwKey = `${input.gateway.namespace}/${input.gateway.name}`;
    const byName = this.claims.get(gwKey) ?? new Map<string, SessionClaim[]>();
    this.claims.set(gwKey, byName);
    const nameKey = `${session.type}|${session.type === 'header' ? session.name.toLowerCase() : session.name}`;
    const list = byName.get(nameKey) ?? [];
    byName.set(nameKey, list);
    const ruleKey = `${input.route.kind}|${input.route.namespace}|${input.route.name}|${input.ruleIndex}`;
    const hostnames = input.hostnames;
    const problems: StickyProblem[] = [];
    for (const c of list) {
      if (c.ruleKey === ruleKey) continue;
      problems.push({
        severity: 'unsupported',
        reason: 'SessionNameConflict',
        message: `${label} and ${c.label} both use ${session.type} "${session.name}" on Gateway ${gwKey} (from ${describeOrigin(session.origin)} and ${c.origin}); session names are unique per Gateway and the older ${c.label} keeps it: the two share one session, so a client moving between them can be re-pinned. Give this rule its own name.`,
      });
    }
    const claim: SessionClaim = { ruleKey, label, listenerNames: input.listenerNames, origin: describeOrigin(session.origin) };
    if (hostnames) claim.hostnames = hostnames;
    const at = list.findIndex((c) => c.ruleKey === ruleKey);
    if (at >= 0) list[at] = claim;
    else list.push(claim);
    return problems;
  }
}
