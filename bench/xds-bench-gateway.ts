// The Gateways the xDS benchmark serves, built the same way in every process that needs them (the
// Tether server, the floor server): N services, each a ring-hash EDS cluster with 10 endpoints, one
// route per service in one RouteConfiguration, one listener. `encodeCla` makes the CLA of change
// number `shift`, so both servers push byte-identical changes.
import { MessageType, protoRegistry } from '../src/codec/proto-registry.ts';
import { TypeUrl, type EncodedInput, type ResourcesByType } from '../src/xds/resource-types.ts';

export const ENDPOINTS_PER_SERVICE = 10;

export interface BenchGateway {
  resources: ResourcesByType;
  edsNames: string[];
  rdsNames: string[];
}

export function gatewayResources(services: number): BenchGateway {
  const r = protoRegistry();
  const names = Array.from({ length: services }, (_, i) => `bench/svc-${i}/8080`);
  const ads = { ads: {}, resource_api_version: 'V3' };
  const clusters: EncodedInput[] = names.map((name) => ({
    name,
    bytes: r.encode(MessageType.cluster, { name, type: 'EDS', connect_timeout: '1s', eds_cluster_config: { eds_config: ads }, lb_policy: 'RING_HASH', common_lb_config: { override_host_status: { statuses: ['HEALTHY', 'DRAINING'] } } }),
  }));
  const endpoints = names.map((name, i) => encodeCla(name, i, 0));
  const routes = [
    {
      name: 'http-80',
      bytes: r.encode(MessageType.routeConfiguration, {
        name: 'http-80',
        virtual_hosts: [{ name: 'all', domains: ['*'], routes: names.map((c, i) => ({ match: { prefix: `/svc-${i}/` }, route: { cluster: c, timeout: '15s' } })) }],
      }),
    },
  ];
  const listeners = [
    {
      name: 'http-80',
      bytes: r.encode(MessageType.listener, {
        name: 'http-80',
        address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
        filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': `type.googleapis.com/${MessageType.httpConnectionManager}`, stat_prefix: 'http', rds: { route_config_name: 'http-80', config_source: ads }, http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': `type.googleapis.com/${MessageType.router}` } }] } }] }],
      }),
    },
  ];
  return {
    resources: { [TypeUrl.cluster]: clusters, [TypeUrl.endpoint]: endpoints, [TypeUrl.listener]: listeners, [TypeUrl.route]: routes },
    edsNames: names,
    rdsNames: ['http-80'],
  };
}

/**
 * A service's CLA; `shift` moves its addresses (and `port` lets churn give every change distinct
 * content). Past 250 addresses the port moves too, so no shift repeats an earlier CLA (a repeat is
 * no change, and nothing would be pushed).
 */
export function encodeCla(name: string, service: number, shift: number, port = 8080): EncodedInput {
  const lb_endpoints = Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, e) => ({
    endpoint: { address: { socket_address: { address: `10.${(service >> 8) & 255}.${service & 255}.${(e + shift) % 250 + 1}`, port_value: port + Math.floor(shift / 250) } } },
    health_status: 'HEALTHY',
  }));
  return { name, bytes: protoRegistry().encode(MessageType.clusterLoadAssignment, { cluster_name: name, endpoints: [{ locality: { zone: 'z1' }, load_balancing_weight: 1, lb_endpoints }] }) };
}

/** The service whose CLA change number `c` edits (spread over the Gateway). */
export const changedService = (c: number, services: number): number => (c * 37) % services;
