// Known-good proto3 JSON resources in the shape Tether emits (sticky sessions over ADS), for the
// validator's own tests and as a reference. Each call returns a fresh copy tests may mutate.
import type { JsonObject } from '../codec/proto-registry.ts';
import { MessageType, typeUrl } from '../codec/proto-registry.ts';

const ads = (): JsonObject => ({ ads: {}, resource_api_version: 'V3' });

/** A listener: HCM with routes over ADS, an inert stateful_session filter, then the router. */
export function sampleListener(): JsonObject {
  return {
    name: 'gw/http',
    address: { socket_address: { address: '0.0.0.0', port_value: 8080 } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': typeUrl(MessageType.httpConnectionManager),
              stat_prefix: 'gw_http',
              codec_type: 'AUTO',
              rds: { route_config_name: 'gw/http', config_source: ads() },
              http_filters: [
                {
                  name: 'envoy.filters.http.stateful_session',
                  disabled: true,
                  typed_config: { '@type': typeUrl(MessageType.statefulSession) },
                },
                { name: 'envoy.filters.http.router', typed_config: { '@type': typeUrl(MessageType.router) } },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** A route configuration: one route with cookie sessions per route and a hash policy fallback. */
export function sampleRouteConfiguration(): JsonObject {
  return {
    name: 'gw/http',
    virtual_hosts: [
      {
        name: 'gw/http/shop.example.com',
        domains: ['shop.example.com', 'shop.example.com:8080'],
        routes: [
          {
            name: 'default/shop/rule-0',
            match: { prefix: '/' },
            route: {
              cluster: 'default/shop/8080',
              timeout: '15s',
              hash_policy: [
                { header: { header_name: 'x-user' }, terminal: true },
                { connection_properties: { source_ip: true } },
              ],
            },
            typed_per_filter_config: {
              'envoy.filters.http.stateful_session': {
                '@type': typeUrl(MessageType.statefulSessionPerRoute),
                stateful_session: {
                  session_state: {
                    name: 'envoy.http.stateful_session.cookie',
                    typed_config: {
                      '@type': typeUrl(MessageType.cookieSessionState),
                      cookie: {
                        name: 'tether-session',
                        ttl: '3600s',
                        path: '/',
                        attributes: [{ name: 'SameSite', value: 'Lax' }, { name: 'Secure' }],
                      },
                    },
                  },
                  strict: false,
                },
              },
            },
          },
        ],
      },
    ],
  };
}

/** An EDS cluster balancing with ring hash (load_balancing_policy) that keeps draining hosts for sessions. */
export function sampleCluster(): JsonObject {
  return {
    name: 'default/shop/8080',
    type: 'EDS',
    eds_cluster_config: { eds_config: ads(), service_name: 'default/shop/8080' },
    connect_timeout: '5s',
    load_balancing_policy: {
      policies: [
        {
          typed_extension_config: {
            name: 'envoy.load_balancing_policies.ring_hash',
            typed_config: { '@type': typeUrl(MessageType.ringHash), minimum_ring_size: '1024', hash_function: 'XX_HASH' },
          },
        },
      ],
    },
    common_lb_config: { override_host_status: { statuses: ['UNKNOWN', 'HEALTHY', 'DEGRADED', 'DRAINING'] } },
  };
}

/** The cluster's endpoints, one of them draining (still reachable by its sessions). */
export function sampleClusterLoadAssignment(): JsonObject {
  return {
    cluster_name: 'default/shop/8080',
    endpoints: [
      {
        locality: { zone: 'zone-a' },
        lb_endpoints: [
          { endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 8080 } } }, health_status: 'HEALTHY' },
          { endpoint: { address: { socket_address: { address: '10.0.0.2', port_value: 8080 } } }, health_status: 'DRAINING', load_balancing_weight: 1 },
        ],
      },
    ],
  };
}
