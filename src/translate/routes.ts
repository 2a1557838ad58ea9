// What HTTPRoute and GRPCRoute translation share once their rules are prepared: attach the route to
// its parents, ask the sticky resolver about each rule for each Gateway, put the rules' routes into
// the Gateway's virtual hosts, count attached routes, and write status.parents. A bad rule drops
// only itself (PartiallyInvalid); a bad route never touches another route.
import type { FieldProblem } from '../k8s/field-reader.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import type { ObjectRef } from '../k8s/kube-object.ts';
import type { ParsedMeta } from '../k8s/object-meta.ts';
import { CONTROLLER_NAME, type Condition, type ObjectStatus } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import type { StickyResolver, StickyRuleInput } from './sticky/sticky-resolver.ts';
import type { ClusterCatalog } from './cluster-catalog.ts';
import type { RouteSink } from './gateway-ir-builder.ts';
import type { GatewaySelection } from './gateways.ts';
import type { ListenerState, NamespaceLabels } from './listeners.ts';
import { attachToParent, type AttachableRoute, type ParentAttachment } from './route-attachment.ts';
import { emitRule, explainUnexpressible, type PreparedRule } from './route-rules.ts';
import { placeRedirects } from './redirect-port.ts';
import type { RankedRoute } from './route-matches.ts';
import { describeSetCookie, servedCookie } from './sticky/served-cookie.ts';

export interface RouteContext {
  gateways: GatewaySelection;
  namespaceLabels: NamespaceLabels;
  resolver: StickyResolver;
  catalog: ClusterCatalog;
  /** Builders of the served Gateways, by `namespace/name`. */
  builders: Map<string, RouteSink>;
}

export interface TranslatableRoute extends AttachableRoute {
  meta: ParsedMeta;
  problems: FieldProblem[];
}

export type RouteOutcome = { type: 'status'; status: ObjectStatus } | { type: 'ignored'; ref: ObjectRef; reason: string };

/** What one Gateway made of the route's rules. */
interface GatewayVerdict {
  served: number;
  dropped: { reason: string; message: string }[];
  notes: string[];
  /** How each session cookie looks on each listener (served-cookie.ts): stated, not a reservation. */
  cookies: Set<string>;
}

export function translateRoute(route: TranslatableRoute, rules: readonly PreparedRule[], ctx: RouteContext): RouteOutcome {
  const attachments = route.parentRefs.map((ref) => attachToParent(route, ref, ctx.gateways, ctx.namespaceLabels));
  const ours = attachments.filter((a): a is Exclude<ParentAttachment, { type: 'not-ours' }> => a.type !== 'not-ours');
  if (ours.length === 0) {
    const reason = route.parentRefs.length === 0 ? 'spec.parentRefs is empty' : 'no parentRef names a Gateway of tether.dev/gateway-controller';
    return { type: 'ignored', ref: route.meta.ref, reason };
  }
  const gen = route.meta.generation;
  const routeProblems = route.problems.map(formatProblem);
  const routeRef: StickyRuleInput['route'] = { kind: route.kind, namespace: route.meta.namespace, name: route.meta.name };
  if (gen !== undefined) routeRef.generation = gen;

  // Per Gateway: the union of listeners (and hostnames) this route reaches through all its parentRefs.
  const perGateway = new Map<string, Map<ListenerState, Set<string>>>();
  for (const a of ours) {
    if (a.type !== 'attached') continue;
    let listeners = perGateway.get(a.gateway.key);
    if (!listeners) perGateway.set(a.gateway.key, (listeners = new Map()));
    for (const l of a.listeners) {
      const hosts = listeners.get(l.state) ?? new Set<string>();
      for (const h of l.hostnames) hosts.add(h);
      listeners.set(l.state, hosts);
    }
  }

  const verdicts = new Map<string, GatewayVerdict>();
  for (const [key, listeners] of perGateway) {
    const verdict: GatewayVerdict = { served: 0, dropped: [], notes: [], cookies: new Set() };
    verdicts.set(key, verdict);
    if (routeProblems.length > 0) continue;
    const gateway = ctx.gateways.ours.get(key);
    const builder = ctx.builders.get(key);
    if (!gateway) continue;
    const listenerNames = [...listeners.keys()].map((l) => l.listener.name).sort();
    const gatewayRef = { namespace: gateway.gateway.meta.namespace, name: gateway.gateway.meta.name };
    for (const rule of rules) {
      if (rule.problems.length > 0) {
        verdict.dropped.push({ reason: Reason.UnsupportedValue, message: rule.problems.join('; ') });
        continue;
      }
      const input: StickyRuleInput = { route: routeRef, ruleIndex: rule.index, gateway: gatewayRef, listenerNames, backends: [] };
      if (rule.name !== undefined) input.ruleName = rule.name;
      if (rule.sessionPersistence !== undefined) input.sessionPersistence = rule.sessionPersistence;
      input.paths = rule.matches.map((m) => m.path);
      for (const b of rule.backends.valid) if (b.weight > 0) input.backends.push({ namespace: b.namespace, name: b.name, port: b.port, weight: b.weight });
      const decision = ctx.resolver.resolve(input);
      const invalid = decision.problems.filter((p) => p.severity === 'invalid');
      for (const p of decision.problems) if (p.severity === 'unsupported') verdict.notes.push(p.message);
      if (invalid.length > 0) {
        verdict.dropped.push({ reason: invalid[0]?.reason ?? Reason.UnsupportedValue, message: invalid.map((p) => p.message).join('; ') });
        continue;
      }
      const unexpressible = explainUnexpressible(rule, decision);
      if (unexpressible) {
        verdict.dropped.push({ reason: Reason.UnsupportedValue, message: unexpressible });
        continue;
      }
      verdict.served++;
      verdict.notes.push(...rule.notes);
      if (!builder) continue;
      const emitted = emitRule({ kind: route.kind, namespace: route.meta.namespace, name: route.meta.name, created: route.meta.creationTimestamp }, rule, decision, ctx.catalog);
      const redirect = rule.redirect;
      for (const [state, hosts] of listeners) builder.addRoutes(state, hosts, redirect ? placeRedirects(emitted.routes, redirect, state.listener) : emitted.routes);
      for (const c of emitted.clusters) builder.addCluster(c);
      for (const c of cookieNotes(emitted.routes, [...listeners.keys()])) verdict.cookies.add(c);
    }
    // Gateway API, ListenerStatus.attachedRoutes: attachment rests on the listener's allowedRoutes
    // and the route's parentRefs alone, "Listener or Route status does not impact successful
    // attachment", and the count holds the routes whose Accepted condition is True. So every
    // listener the route reached counts it, including one whose certificates do not resolve
    // (ResolvedRefs=False, not served) or that is not accepted; a route with no servable rule
    // (Accepted=False) counts nowhere. Backed by attached-routes.test.ts.
    if (verdict.served > 0) for (const state of listeners.keys()) state.attachedRoutes++;
  }

  const resolvedRefs = resolvedRefsCondition(rules, gen);
  const parents = ours.map((a) => {
    const conditions: Condition[] = [];
    if (a.type === 'failed') {
      conditions.push(condition(ConditionType.Accepted, false, a.reason, a.message, gen));
    } else if (routeProblems.length > 0) {
      conditions.push(condition(ConditionType.Accepted, false, Reason.UnsupportedValue, routeProblems.join('; '), gen));
    } else {
      const v = verdicts.get(a.gateway.key) as GatewayVerdict;
      const notes = v.notes.length > 0 ? `; ${v.notes.join('; ')}` : '';
      if (v.served === 0) {
        conditions.push(condition(ConditionType.Accepted, false, v.dropped[0]?.reason ?? Reason.UnsupportedValue, `No rule can be served: ${v.dropped.map((d) => d.message).join('; ')}${notes}`, gen));
      } else {
        const cookies = [...v.cookies].map((c) => `. ${c}`).join('');
        conditions.push(condition(ConditionType.Accepted, true, Reason.Accepted, `Route is accepted${cookies}${notes}`, gen));
        if (v.dropped.length > 0) conditions.push(condition(ConditionType.PartiallyInvalid, true, Reason.UnsupportedValue, `Dropped Rule(s): ${v.dropped.map((d) => d.message).join('; ')}`, gen));
      }
    }
    conditions.push({ ...resolvedRefs });
    return { parentRef: a.parentRef.written, controllerName: CONTROLLER_NAME, conditions };
  });
  return {
    type: 'status',
    status: { ref: route.meta.ref, ...(gen !== undefined ? { generation: gen } : {}), writable: true, status: { type: 'route', parents } },
  };
}

function resolvedRefsCondition(rules: readonly PreparedRule[], gen: number | undefined): Condition {
  const problems = rules.flatMap((r) => r.backends.problems);
  const notes = rules.flatMap((r) => r.backends.notes);
  const noteText = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  if (problems.length === 0) return condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, `All references resolved${noteText}`, gen);
  return condition(ConditionType.ResolvedRefs, false, problems[0]?.reason ?? Reason.BackendNotFound, `${problems.map((p) => p.message).join('; ')}${noteText}`, gen);
}

/**
 * What each session cookie of a rule looks like on each listener that serves it (the summary table
 * shows the same): a rule on an HTTP and an HTTPS listener gets Secure only on the HTTPS one.
 */
function cookieNotes(routes: readonly RankedRoute[], states: readonly ListenerState[]): string[] {
  const out = new Set<string>();
  for (const { route } of routes) {
    const s = route.session;
    if (s?.type !== 'cookie') continue;
    for (const state of states) out.add(`Session cookie ${s.name} on listener ${state.listener.name}: ${describeSetCookie(servedCookie(s, state.tls !== undefined))}`);
  }
  return [...out];
}
