// Every name Tether gives an Envoy resource, in one place. Names are stable across unrelated edits:
// Envoy keys its state by them, so a changed name is a new resource (a cluster warms, a listener
// drains).
//
// Gateway (Envoy's node.cluster): <ns>/<gateway>
// Listener and its RouteConfiguration: <ns>/<gateway>/<port>
// HTTPS filter chain and its RouteConfiguration: <ns>/<gateway>/<port>/<hostname or *>
// SDS Secret: <ns>/<secret> (the Kubernetes Secret's own name, shared by the Gateways using it)
// Virtual host: the hostname (`*` for any)
// Route: <kind>/<ns>/<route>/rule/<i>/match/<j>
// Locality (one per backend Service port of a cluster): <ns>/<svc>:<port>
//
// A cluster is named after what it points to — Service, port, and how it balances — never after a
// route, so editing or adding a route creates no cluster and Envoy never warms one because of a
// route change. Two rules that use the same Service the same way share a cluster; the same Service
// used sticky in one rule and plain in another gets two names.
//
//   <ns>/<svc>/<port>                                  plain, round robin
//   <ns>/<svc>/<port>/least-request                    plain, another balancer
//   <ns>/<svc>/<port>/sticky                           sticky with the default ring hash, draining kept
//   <ns>/<svc>/<port>/sticky-maglev-65537              sticky, another balancer
//   <ns>/<svc>/<port>/sticky-drop-draining             sticky, sessions on draining pods re-pin
//   <ns>/<a>/<pa>+<ns>/<b>/<pb>/sticky                 one sticky cluster for a traffic split
//   <ns>/<a>/<pa>+<ns>/<b>/<pb>/sticky@<kind>/<ns>/<route>/rule/<i>
//                                                      the same split with other weights in another rule
//   .../h2                                             upstream speaks HTTP/2 (gRPC, h2c)
//
// A sticky split is named after its backend set, not its weights: the weights live in the
// ClusterLoadAssignment, so each step of a canary (90/10 → 50/50 → …) is an EDS update of the same
// cluster, with no new cluster to warm and no connection pool dropped. Two rules that split the same
// backends with different weights need two clusters: the rule translated first (the oldest route)
// keeps the plain name, and a rule whose weights differ from it gets a name that adds the rule's
// own identity, which its weight changes never alter either.
import type { LoadBalancerIR } from '../ir/ir.ts';
import { DEFAULT_KEEP_SESSIONS_ON_DRAINING, DEFAULT_RING_HASH } from './sticky/defaults.ts';

/** The Gateway an Envoy fleet serves, as the fleet names it in node.cluster. */
export function gatewayName(gateway: { namespace: string; name: string }): string {
  return `${gateway.namespace}/${gateway.name}`;
}

/** One Envoy listener per Gateway port; its RouteConfiguration has the same name. */
export function listenerName(gateway: { namespace: string; name: string }, port: number): string {
  return `${gatewayName(gateway)}/${port}`;
}

/** One filter chain per HTTPS Gateway listener on a port (picked by SNI), each with its own routes. */
export function tlsChainName(listener: string, hostname: string | undefined): string {
  return `${listener}/${hostname ?? '*'}`;
}

/** A certificate Secret as Envoy fetches it over SDS. */
export function secretName(secret: { namespace: string; name: string }): string {
  return `${secret.namespace}/${secret.name}`;
}

/** One route per match of a rule (a rule's matches are ORed). */
export function routeName(route: { kind: string; namespace: string; name: string }, ruleIndex: number, matchIndex: number): string {
  return `${route.kind}/${route.namespace}/${route.name}/rule/${ruleIndex}/match/${matchIndex}`;
}

/** One locality per backend of a cluster (several for a sticky traffic split). */
export function localityName(b: { namespace: string; name: string; port: number }): string {
  return `${b.namespace}/${b.name}:${b.port}`;
}

export interface ClusterBackend {
  namespace: string;
  /** Service name. */
  name: string;
  /** Service port number. */
  port: number;
  weight: number;
}

export interface ClusterKey {
  /** Sorted by namespace/name/port; one entry unless a sticky rule splits traffic. */
  backends: ClusterBackend[];
  sticky: boolean;
  loadBalancer: LoadBalancerIR;
  keepSessionsOnDraining: boolean;
  http2: boolean;
  /** A sticky split whose weights differ from another rule's split of the same backends: that rule. */
  owner?: SplitOwner;
}

/** The route rule a sticky split cluster is kept apart for (see the header). */
export interface SplitOwner {
  kind: string;
  namespace: string;
  name: string;
  ruleIndex: number;
}

function backendName(b: Pick<ClusterBackend, 'namespace' | 'name' | 'port'>): string {
  return `${b.namespace}/${b.name}/${b.port}`;
}

function loadBalancerSuffix(lb: LoadBalancerIR): string {
  switch (lb.type) {
    case 'ring-hash':
      return `ring-${lb.minimumRingSize}-${lb.maximumRingSize}`;
    case 'maglev':
      return `maglev-${lb.tableSize}`;
    default:
      return lb.type;
  }
}

export function clusterName(key: ClusterKey): string {
  let name: string;
  if (key.backends.length === 1 && key.backends[0]) name = backendName(key.backends[0]);
  else name = key.backends.map(backendName).join('+');
  if (key.sticky) {
    name += '/sticky';
    const lb = loadBalancerSuffix(key.loadBalancer);
    if (lb !== loadBalancerSuffix(DEFAULT_RING_HASH)) name += `-${lb}`;
    if (key.keepSessionsOnDraining !== DEFAULT_KEEP_SESSIONS_ON_DRAINING) name += key.keepSessionsOnDraining ? '-keep-draining' : '-drop-draining';
    if (key.owner && key.backends.length > 1) name += `@${key.owner.kind}/${key.owner.namespace}/${key.owner.name}/rule/${key.owner.ruleIndex}`;
  } else if (key.loadBalancer.type !== 'round-robin') {
    name += `/${loadBalancerSuffix(key.loadBalancer)}`;
  }
  if (key.http2) name += '/h2';
  return name;
}
