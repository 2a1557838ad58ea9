// One route rule → Envoy-ready routes, once per Gateway. The Gateway-independent part (matches,
// filters, resolved backends) is prepared once per rule by http-routes.ts / grpc-routes.ts; here the
// sticky decision for the Gateway picks the clusters and session settings.
//
// Invalid backendRefs: Gateway API wants their share of the traffic answered with 500. Envoy's
// weighted_clusters cannot hold a direct response, so a rule whose backends are ALL invalid (or all
// weight 0) becomes a direct response 500, and a partially invalid rule keeps only its valid
// backends with their weights; the route's ResolvedRefs=False says which references were dropped.
// Weight-0 backends are left out of plain rules and kept in a sticky rule's cluster.
import type { ClusterIR, HeaderMutationIR, RedirectActionIR, RouteActionIR, RouteIR, RouteMatchIR, RouteSource } from '../ir/ir.ts';
import type { StickyDecision } from './sticky/sticky-resolver.ts';
import type { BackendResolution } from './backends.ts';
import { routeName, type ClusterBackend } from './names.ts';
import type { ClusterCatalog } from './cluster-catalog.ts';
import type { GRPCMethodRank, RankedRoute } from './route-matches.ts';
import type { HTTPPathModifier } from '../k8s/gateway-api/http-route.ts';
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

export function emitRule(owner: RuleOwner, rule: PreparedRule, decision: StickyDecision, catalog: ClusterCatalog): EmittedRule {
  const clusters: ClusterIR[] = [];
  let forward: { name: string; weight: number }[] | undefined;
  if (!rule.redirect) {
    const merged = new Map<string, ClusterBackend & { h2: boolean }>();
    for (const b of rule.backends.valid) {
      const k = `${b.namespace}/${b.name}/${b.port}`;
      const seen = merged.get(k);
      if (seen) seen.weight += b.weight;
      else merged.set(k, { namespace: b.namespace, name: b.name, port: b.port, weight: b.weight, h2: H2_APP_PROTOCOLS.has(b.servicePort.appProtocol ?? '') });
    }
    const all = [...merged.values()].sort((a, b) => (a.namespace !== b.namespace ? cmp(a.namespace, b.namespace) : a.name !== b.name ? cmp(a.name, b.name) : a.port - b.port));
    const backends = all.filter((b) => b.weight > 0);
    if (backends.length > 0) {
      const strip = ({ h2: _h2, ...b }: ClusterBackend & { h2: boolean }): ClusterBackend => b;
      if (decision.sticky) {
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
        forward = [{ name: cluster.name, weight: 1 }];
      } else {
        forward = backends.map((b) => {
          const cluster = catalog.get({ backends: [{ ...strip(b), weight: 1 }], sticky: false, loadBalancer: decision.loadBalancer, keepSessionsOnDraining: false, http2: rule.http2 || b.h2 });
          clusters.push(cluster);
          return { name: cluster.name, weight: b.weight };
        });
      }
    }
  }

  const routes = rule.matches.map((match, j): RankedRoute => {
    const source: RouteSource = { kind: owner.kind, namespace: owner.namespace, name: owner.name, ruleIndex: rule.index, matchIndex: j };
    if (rule.name !== undefined) source.ruleName = rule.name;
    const route: RouteIR = {
      name: routeName(owner, rule.index, j),
      source,
      match,
      action: action(rule, match, forward),
    };
    if (rule.requestHeaders) route.requestHeaders = rule.requestHeaders;
    if (rule.responseHeaders) route.responseHeaders = rule.responseHeaders;
    if (rule.timeoutSeconds !== undefined) route.timeoutSeconds = rule.timeoutSeconds;
    if (rule.perTryTimeoutSeconds !== undefined) route.perTryTimeoutSeconds = rule.perTryTimeoutSeconds;
    if (forward && decision.session) route.session = decision.session;
    if (forward && decision.hashKeys && decision.hashKeys.length > 0) route.hashKeys = decision.hashKeys;
    const ranked: RankedRoute = { route, created: owner.created };
    const grpcMethod = rule.grpcMethods?.[j];
    if (grpcMethod) ranked.grpcMethod = grpcMethod;
    return ranked;
  });
  return { routes, clusters };
}

function action(rule: PreparedRule, match: RouteMatchIR, forward: { name: string; weight: number }[] | undefined): RouteActionIR {
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
