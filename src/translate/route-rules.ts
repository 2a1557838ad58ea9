// One route rule → Envoy-ready routes, once per Gateway. The Gateway-independent part (matches,
// filters, resolved backends) is prepared once per rule by http-routes.ts / grpc-routes.ts; here the
// sticky decision for the Gateway picks the clusters and session settings.
//
// Invalid backendRefs: Gateway API wants their share of the traffic answered with 500. Envoy's
// weighted_clusters cannot hold a direct response, so a rule whose backends are ALL invalid (or all
// weight 0) becomes a direct response 500, and a partially invalid rule keeps only its valid
// backends with their weights; the route's ResolvedRefs=False says which references were dropped.
// Weight-0 backends are left out of plain rules and kept in a sticky rule's cluster.
import type { ClusterIR, HeaderMutationIR, MirrorIR, RetryIR, WeightedClusterIR, RedirectActionIR, RouteActionIR, RouteIR, RouteMatchIR, RouteSource } from '../ir/ir.ts';
import type { StickyDecision } from './sticky/sticky-resolver.ts';
import type { BackendResolution, ResolvedBackend } from './backends.ts';
import type { HTTPCORS } from '../k8s/gateway-api/cors.ts';
import { routeName, type ClusterBackend } from './names.ts';
import type { ClusterCatalog } from './cluster-catalog.ts';
import type { GRPCMethodRank, RankedRoute } from './route-matches.ts';
import type { HTTPPathModifier, HTTPRouteRetry } from '../k8s/gateway-api/http-route.ts';
import type { ParsedSessionPersistence } from '../k8s/gateway-api/session-persistence.ts';

/** A rule after everything that does not depend on the Gateway. */
export interface PreparedRule {
  index: number;
  name?: string;
  /** `spec.rules[i]`. */
  field: string;
  /** One IR match per written match (a rule's matches are ORed). */
  matches: RouteMatchIR[];
  /** GRPCRoute: the precedence of each match's method match, parallel to `matches`. */
  grpcMethods?: GRPCMethodRank[];
  requestHeaders?: HeaderMutationIR;
  responseHeaders?: HeaderMutationIR;
  timeoutSeconds?: number;
  perTryTimeoutSeconds?: number;
  redirect?: { scheme?: 'http' | 'https'; hostname?: string; port?: number; path?: HTTPPathModifier; statusCode: RedirectActionIR['statusCode'] };
  rewrite?: { hostname?: string; path?: HTTPPathModifier };
  backends: BackendResolution;
  /** RequestMirror filters whose backend resolved. */
  mirrors: { backend: ResolvedBackend; fraction?: { numerator: number; denominator: number } }[];
  cors?: HTTPCORS;
  retry?: HTTPRouteRetry;
  /** Upstream speaks HTTP/2 (GRPCRoute). */
  http2: boolean;
  sessionPersistence?: ParsedSessionPersistence;
  /** Why the rule cannot be served (names the fields); non-empty drops the rule. */
  problems: string[];
  /** What the rule asks for that is not implemented but harmless to leave out; reported, rule kept. */
  notes: string[];
}

export interface RuleOwner {
  kind: 'HTTPRoute' | 'GRPCRoute';
  namespace: string;
  name: string;
  created: string;
}

export interface EmittedRule {
  routes: RankedRoute[];
  clusters: ClusterIR[];
}

/** Upstreams that announce HTTP/2 cleartext on their Service port. */
const H2_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'h2c', 'grpc']);

/**
 * What Envoy cannot express for this rule under this sticky decision, naming the fields: a sticky
 * rule's backends share one cluster (Envoy honours a session only inside the cluster it picked),
 * so header changes written for one of several backends have no place to go.
 */
export function explainUnexpressible(rule: PreparedRule, decision: StickyDecision): string | undefined {
  if (!decision.sticky) return undefined;
  const live = rule.backends.valid.filter((b) => b.weight > 0);
  const clusters = new Set(live.map((b) => `${b.namespace}/${b.name}/${b.port}`));
  if (clusters.size < 2) return undefined;
  const filtered = live.filter((b) => b.requestHeaders || b.responseHeaders).map((b) => `${b.field}.filters`);
  if (filtered.length === 0) return undefined;
  return `${filtered.join(', ')}: per-backend header changes cannot apply on a sticky rule with several backends, which share one cluster so sessions hold across them; move the changes to ${rule.field}.filters or make the rule non-sticky`;
}

type MergedBackend = ClusterBackend & { h2: boolean; requestHeaders?: HeaderMutationIR; responseHeaders?: HeaderMutationIR };

export function emitRule(owner: RuleOwner, rule: PreparedRule, decision: StickyDecision, catalog: ClusterCatalog): EmittedRule {
  const clusters: ClusterIR[] = [];
  let forward: WeightedClusterIR[] | undefined;
  let mirrors: MirrorIR[] | undefined;
  if (!rule.redirect) {
    // Backends naming the same Service port with the same filters are one cluster entry.
    const merged = new Map<string, MergedBackend>();
    for (const b of rule.backends.valid) {
      const base = `${b.namespace}/${b.name}/${b.port}`;
      const k = b.requestHeaders || b.responseHeaders ? `${base}/${filtersKey(b)}` : base;
      const seen = merged.get(k);
      if (seen) seen.weight += b.weight;
      else {
        const m: MergedBackend = { namespace: b.namespace, name: b.name, port: b.port, weight: b.weight, h2: H2_APP_PROTOCOLS.has(b.servicePort.appProtocol ?? '') };
        if (b.requestHeaders) m.requestHeaders = b.requestHeaders;
        if (b.responseHeaders) m.responseHeaders = b.responseHeaders;
        merged.set(k, m);
      }
    }
    const all = [...merged.values()];
    if (all.length > 1) all.sort((a, b) => (a.namespace !== b.namespace ? cmp(a.namespace, b.namespace) : a.name !== b.name ? cmp(a.name, b.name) : a.port !== b.port ? a.port - b.port : cmp(filtersKey(a), filtersKey(b))));
    const backends = all.filter((b) => b.weight > 0);
    if (backends.length > 0) {
      const strip = (b: MergedBackend): ClusterBackend => ({ namespace: b.namespace, name: b.name, port: b.port, weight: b.weight });
      if (decision.sticky) {
        // Several backends with filters never get here (explainUnexpressible); one backend keeps its filters.
        // A sticky split keeps its weight-0 backends: their endpoints stay in the cluster (sent as
        // DRAINING, envoy/endpoint.ts), so sessions pinned there keep working and get no company,
        // and a canary moving through 0 changes only the ClusterLoadAssignment.
        const cluster = catalog.get(
          {
            backends: all.map(strip),
            sticky: true,
            loadBalancer: decision.loadBalancer,
            keepSessionsOnDraining: decision.keepSessionsOnDraining,
            http2: rule.http2 || all.every((b) => b.h2),
          },
          { kind: owner.kind, namespace: owner.namespace, name: owner.name, ruleIndex: rule.index },
        );
        clusters.push(cluster);
        const entry: WeightedClusterIR = { name: cluster.name, weight: 1 };
        if (backends.length === 1) withHeaders(entry, backends[0]);
        forward = [entry];
      } else {
        forward = backends.map((b) => {
          const cluster = catalog.get({ backends: [{ ...strip(b), weight: 1 }], sticky: false, loadBalancer: decision.loadBalancer, keepSessionsOnDraining: false, http2: rule.http2 || b.h2 });
          clusters.push(cluster);
          return withHeaders({ name: cluster.name, weight: b.weight }, b);
        });
      }
    }
    if (rule.mirrors.length > 0) {
      mirrors = rule.mirrors.map((m) => {
        const b = m.backend;
        const cluster = catalog.get({
          backends: [{ namespace: b.namespace, name: b.name, port: b.port, weight: 1 }],
          sticky: false,
          loadBalancer: { type: 'round-robin' },
          keepSessionsOnDraining: false,
          http2: rule.http2 || H2_APP_PROTOCOLS.has(b.servicePort.appProtocol ?? ''),
        });
        clusters.push(cluster);
        return m.fraction ? { cluster: cluster.name, fraction: { ...m.fraction } } : { cluster: cluster.name };
      });
    }
  }

  const routes = rule.matches.map((match, j): RankedRoute => {
    const source: RouteSource = { kind: owner.kind, namespace: owner.namespace, name: owner.name, ruleIndex: rule.index, matchIndex: j };
    if (rule.name !== undefined) source.ruleName = rule.name;
    const route: RouteIR = {
      name: routeName(owner, rule.index, j),
      source,
      match,
      action: action(rule, match, forward, mirrors),
    };
    if (rule.requestHeaders) route.requestHeaders = rule.requestHeaders;
    if (rule.responseHeaders) route.responseHeaders = rule.responseHeaders;
    if (rule.timeoutSeconds !== undefined) route.timeoutSeconds = rule.timeoutSeconds;
    if (rule.perTryTimeoutSeconds !== undefined) route.perTryTimeoutSeconds = rule.perTryTimeoutSeconds;
    if (forward && rule.retry) {
      const retry: RetryIR = { codes: [...rule.retry.codes].sort((a, b) => a - b) };
      if (rule.retry.attempts !== undefined) retry.attempts = rule.retry.attempts;
      if (rule.retry.backoffSeconds !== undefined) retry.backoffSeconds = rule.retry.backoffSeconds;
      route.retry = retry;
    }
    if (rule.cors) {
      const c = rule.cors;
      route.cors = { allowOrigins: [...c.allowOrigins], allowCredentials: c.allowCredentials, allowMethods: [...c.allowMethods], allowHeaders: [...c.allowHeaders], exposeHeaders: [...c.exposeHeaders], maxAgeSeconds: c.maxAge };
    }
    if (forward && decision.session) route.session = decision.session;
    if (forward && decision.hashKeys && decision.hashKeys.length > 0) route.hashKeys = decision.hashKeys;
    const ranked: RankedRoute = { route, created: owner.created };
    const grpcMethod = rule.grpcMethods?.[j];
    if (grpcMethod) ranked.grpcMethod = grpcMethod;
    return ranked;
  });
  return { routes, clusters };
}

/** A backend's own header changes as a key (what the merge and the order compare). */
function filtersKey(b: { requestHeaders?: HeaderMutationIR; responseHeaders?: HeaderMutationIR }): string {
  return JSON.stringify([b.requestHeaders, b.responseHeaders]);
}

function withHeaders(entry: WeightedClusterIR, b: MergedBackend): WeightedClusterIR {
  if (b.requestHeaders) entry.requestHeaders = b.requestHeaders;
  if (b.responseHeaders) entry.responseHeaders = b.responseHeaders;
  return entry;
}

function action(rule: PreparedRule, match: RouteMatchIR, forward: WeightedClusterIR[] | undefined, mirrors: MirrorIR[] | undefined): RouteActionIR {
  // ReplacePrefixMatch is only accepted with exactly one PathPrefix match (checked when parsing).
  const pathModifier = (p: HTTPPathModifier | undefined) =>
    p === undefined ? undefined : p.type === 'ReplaceFullPath' ? { type: p.type, value: p.value } : { type: p.type, prefix: match.path.value, value: p.value };
  if (rule.redirect) {
    const r = rule.redirect;
    const out: RedirectActionIR = { type: 'redirect', statusCode: r.statusCode };
    if (r.scheme) out.scheme = r.scheme;
    if (r.hostname) out.hostname = r.hostname;
    if (r.port !== undefined) out.port = r.port;
    const path = pathModifier(r.path);
    if (path) out.path = path;
    return out;
  }
  // No body: the reason is in the route's status, not something to show clients.
  if (!forward) return { type: 'direct-response', status: 500 };
  const out: RouteActionIR = { type: 'forward', clusters: forward };
  if (mirrors) out.mirrors = mirrors;
  if (rule.rewrite) {
    const rewrite: NonNullable<typeof out.rewrite> = {};
    if (rule.rewrite.hostname) rewrite.hostname = rule.rewrite.hostname;
    const path = pathModifier(rule.rewrite.path);
    if (path) rewrite.path = path;
    out.rewrite = rewrite;
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
