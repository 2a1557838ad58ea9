// IR → resources for proxyless gRPC clients (e.g. @grpc/grpc-js-xds dialling `xds:///<host>`).
// gRPC looks a target up as a Listener named after the hostname and reads an api_listener there, so
// each plain hostname of a virtual host gets one, pointing at the same RouteConfiguration Envoy
// reads. gRPC rejects a whole resource over one part it does not know, so the rest is Envoy's
// config in the form gRPC accepts:
// - routes (route.ts, `grpcClient`): segment-aware prefixes as regexes; redirect and direct-response
//   routes left out, since gRPC can execute neither; session configs marked optional;
// - clusters: gRPC balances only with round robin and ring hash, so least request and random become
//   round robin and Maglev becomes ring hash (Envoy's default ring sizes); sticky clusters keep
//   their hash keys and their split, which endpoint weights carry the same way for both;
// - endpoints: Envoy's; gRPC ignores DRAINING ones, which is right for new requests.
// gRPC does not implement the stateful_session filter, so its HCM entry is optional too and sticky
// routes fall back to the consistent hash their clusters already use.
import type { ClusterIR, GatewayIR, LoadBalancerIR } from '../ir/ir.ts';
import { byClusterName, clusterOf, endpointsOf, type EnvoyResources } from './build-envoy-resources.ts';
import { memo } from './build-memo.ts';
import { byName, type JsonObject } from './envoy-json.ts';
import { buildApiListener } from './listener.ts';
import { buildRouteConfiguration } from './route.ts';

/** A hostname gRPC can dial: no wildcard, no port. */
const PLAIN_HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

export function buildGrpcClientResources(gw: GatewayIR): EnvoyResources {
  const listeners = new Map<string, JsonObject>();
  for (const listener of gw.listeners) {
    for (const vhost of listener.virtualHosts) {
      for (const domain of vhost.domains) {
        // The first listener (lowest port) that serves a hostname wins, as a client names no port.
        if (PLAIN_HOSTNAME.test(domain) && !listeners.has(domain)) listeners.set(domain, buildApiListener(domain, listener.name));
      }
    }
  }
  const clusters = gw.clusters.map((c) => memo(grpcClusters, c, forGrpc));
  return {
    listeners: [...listeners.values()].sort(byName),
    routes: gw.listeners.map((l) => buildRouteConfiguration(l, { grpcClient: true })).sort(byName),
    clusters: clusters.map(clusterOf).sort(byName),
    endpoints: clusters.map(endpointsOf).sort(byClusterName),
  };
}

/** gRPC's form of each IR cluster, made once per cluster so its JSON is built once too. */
const grpcClusters = new WeakMap<ClusterIR, ClusterIR>();

function forGrpc(cluster: ClusterIR): ClusterIR {
  return { ...cluster, loadBalancer: grpcLoadBalancer(cluster.loadBalancer) };
}

function grpcLoadBalancer(lb: LoadBalancerIR): LoadBalancerIR {
  switch (lb.type) {
    case 'least-request':
    case 'random':
      return { type: 'round-robin' };
    case 'maglev':
      // gRPC has no Maglev. The sizes are Envoy's ring hash defaults (k8s/ring-hash.ts holds them;
      // builders import only ir/ and codec/, so they are written out here) and name no cluster.
      return { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8_388_608 };
    default:
      return lb;
  }
}
