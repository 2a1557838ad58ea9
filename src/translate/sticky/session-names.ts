// Session names: the default cookie and header names, distinct per route rule, and the report when
// rules that can serve the same requests still end up with one name. Envoy scopes a session by its
// name (the default cookie Path is `/`), so two rules sharing a name share — and clobber — each
// other's sessions.
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

function hostnamesOverlap(a?: string[], b?: string[]): boolean {
  if (!a || !b || a.length === 0 || b.length === 0) return true;
  const matches = (h: string, w: string) => h === w || (w.startsWith('*.') && h.endsWith(w.slice(1)));
  return a.some((x) => b.some((y) => x === '*' || y === '*' || matches(x, y) || matches(y, x)));
}

/** Which rules use which session name, per Gateway, to report rules that share one. */
export class SessionNameClaims {
  /** gateway ns/name → session type+name → claims. */
  private readonly claims = new Map<string, Map<string, SessionClaim[]>>();

  /** Records that `input`'s rule uses `session`; returns a problem for every other rule on a shared listener and host with the same name. */
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
}
