// IR → resources for proxyless gRPC clients (e.g. @grpc/grpc-js-xds dialling `xds:///<host>`).
// gRPC looks a target up as a Listener named after the hostname and reads an api_listener there, so
// each plain hostname of a virtual host gets one, pointing at the same RouteConfiguration Envoy
// reads. Clusters and endpoints are exactly Envoy's; routes are Envoy's in the form gRPC accepts
// (route.ts, `grpcClient`): gRPC rejects a whole route configuration over one part it does not
// know, so segment-aware prefixes become regexes and redirect / direct-response routes, which gRPC
// cannot execute, are left out. gRPC does not implement the stateful_session filter either, so its
// HCM entry and per-route configs are marked optional and sticky routes fall back to the ring hash
// the clusters already use; gRPC also ignores DRAINING endpoints, which is right for new requests.
import type { GatewayIR } from '../ir/ir.ts';
import { buildEnvoyResources, type EnvoyResources } from './build-envoy-resources.ts';
import { byName, type JsonObject } from './envoy-json.ts';
import { buildApiListener } from './listener.ts';
import { buildRouteConfiguration } from './route.ts';

/** A hostname gRPC can dial: no wildcard, no port. */
const PLAIN_HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

export function buildGrpcClientResources(gw: GatewayIR): EnvoyResources {
  const envoy = buildEnvoyResources(gw);
  const listeners = new Map<string, JsonObject>();
  for (const listener of gw.listeners) {
    for (const vhost of listener.virtualHosts) {
      for (const domain of vhost.domains) {
        // The first listener (lowest port) that serves a hostname wins, as a client names no port.
        if (PLAIN_HOSTNAME.test(domain) && !listeners.has(domain)) listeners.set(domain, buildApiListener(domain, listener.name));
      }
    }
  }
  return {
    ...envoy,
    listeners: [...listeners.values()].sort(byName),
    routes: gw.listeners.map((l) => buildRouteConfiguration(l, { grpcClient: true })).sort(byName),
  };
}
