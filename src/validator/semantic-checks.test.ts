// Envoy's load-time (C++) checks, each broken in a real resource; and the snapshot-wide checks.
import { describe, expect, it } from 'vitest';
import { MessageType, typeUrl } from '../codec/proto-registry.ts';
import type { JsonObject } from '../codec/proto-registry.ts';
import { validateResource, validateResources } from './strict-validator.ts';
import type { Finding } from './finding.ts';
import { canonical } from './semantic-checks.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener, sampleRouteConfiguration } from './sample-resources.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: JsonObject): Any => j;

const HCM = 'filter_chains[0].filters[0].typed_config';
const hcm = (l: Any): Any => l.filter_chains[0].filters[0].typed_config;
const route = (rc: Any): Any => rc.virtual_hosts[0].routes[0];
const ROUTE = 'virtual_hosts[0].routes[0]';
const SS_KEY = 'envoy.filters.http.stateful_session';
const perRoute = (rc: Any): Any => route(rc).typed_per_filter_config[SS_KEY];
const router = (): Any => ({ name: 'envoy.filters.http.router', typed_config: { '@type': typeUrl(MessageType.router) } });
const session = (): Any => ({ name: SS_KEY, disabled: true, typed_config: { '@type': typeUrl(MessageType.statefulSession) } });
const wrongSession = (rc: Any): Any => ({ '@type': typeUrl(MessageType.statefulSession), session_state: perRoute(rc).stateful_session.session_state });

interface Case {
  name: string;
  type: string;
  make: () => JsonObject;
  mutate: (j: Any) => void;
  errors: [path: string, message: string][];
}

const cases: Case[] = [
  // ---- HTTP connection manager
  { name: 'no HTTP filters', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters = []; }, errors: [[`${HCM}.http_filters`, 'no HTTP filters: the router filter must be present and last']] },
  { name: 'router not last', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters = [router(), session()]; },
    errors: [
      [`${HCM}.http_filters[0]`, 'terminal filter named envoy.filters.http.router of type envoy.filters.http.router must be the last filter in a http filter chain'],
      [`${HCM}.http_filters[1]`, 'non-terminal filter named envoy.filters.http.stateful_session of type envoy.extensions.filters.http.stateful_session.v3.StatefulSession is the last filter in a http filter chain: the router must be last'],
    ] },
  { name: 'router missing', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters = [session()]; },
    errors: [[`${HCM}.http_filters[0]`, 'non-terminal filter named envoy.filters.http.stateful_session of type envoy.extensions.filters.http.stateful_session.v3.StatefulSession is the last filter in a http filter chain: the router must be last']] },
  { name: 'router disabled', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[1].disabled = true; },
    errors: [[`${HCM}.http_filters[1].disabled`, 'terminal filter named envoy.filters.http.router cannot be marked as disabled']] },
  { name: 'duplicate HTTP filter names', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters = [session(), session(), router()]; },
    errors: [[`${HCM}.http_filters[1].name`, 'duplicate HTTP filter name "envoy.filters.http.stateful_session" (also http_filters[0])']] },
  { name: 'HTTP filter of another extension category', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[0].typed_config = { '@type': typeUrl(MessageType.headerSessionState), name: 'x-session' }; },
    errors: [[`${HCM}.http_filters[0].typed_config`, 'envoy.extensions.http.stateful_session.header.v3.HeaderBasedSessionState is not an HTTP filter (expected a type in envoy.extensions.filters.http.*)']] },
  { name: 'inline route_config keyed by a filter the HCM does not have', type: MessageType.listener, make: sampleListener,
    mutate: (j) => {
      const rc = loose(sampleRouteConfiguration());
      rc.virtual_hosts[0].routes[0].typed_per_filter_config = { 'envoy.filters.http.stateful_sesion': perRoute(rc) };
      delete hcm(j).rds;
      hcm(j).route_config = rc;
    },
    errors: [[`${HCM}.route_config.${ROUTE}.typed_per_filter_config["envoy.filters.http.stateful_sesion"]`, 'typed_per_filter_config key "envoy.filters.http.stateful_sesion" names no HTTP filter of the connection manager (filters: envoy.filters.http.stateful_session, envoy.filters.http.router); Envoy would ignore it']] },
  { name: 'duplicate upgrade types (case-insensitive)', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).upgrade_configs = [{ upgrade_type: 'websocket' }, { upgrade_type: 'WebSocket' }]; },
    errors: [[`${HCM}.upgrade_configs[1].upgrade_type`, "Error: multiple upgrade configs with the same name: 'WebSocket'"]] },
  // ---- route actions
  { name: 'weighted clusters that add up to zero', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route = { weighted_clusters: { clusters: [{ name: 'a', weight: 0 }, { name: 'b' }] } }; },
    errors: [[`${ROUTE}.route.weighted_clusters`, 'Sum of weights in the weighted_cluster must be greater than 0.']] },
  { name: 'weighted clusters that miss total_weight', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route = { weighted_clusters: { total_weight: 100, clusters: [{ name: 'a', weight: 70 }, { name: 'b', weight: 20 }] } }; },
    errors: [[`${ROUTE}.route.weighted_clusters.total_weight`, 'Sum of weights in the weighted_cluster should add up to 100 (they add up to 90)']] },
  { name: 'prefix_rewrite and regex_rewrite together', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route.prefix_rewrite = '/v2'; route(j).route.regex_rewrite = { pattern: { regex: '^/v1' }, substitution: '/v2' }; },
    errors: [[`${ROUTE}.route`, 'Cannot specify more than one of prefix_rewrite, regex_rewrite']] },
  { name: 'duplicate upgrade types on a route', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route.upgrade_configs = [{ upgrade_type: 'websocket' }, { upgrade_type: 'websocket', enabled: false }]; },
    errors: [[`${ROUTE}.route.upgrade_configs[1].upgrade_type`, 'Duplicate upgrade websocket']] },
  // ---- per-route configs
  { name: 'per-route stateful session packed as StatefulSession (route)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).typed_per_filter_config[SS_KEY] = wrongSession(j); },
    errors: [[`${ROUTE}.typed_per_filter_config["${SS_KEY}"]`, 'per-route stateful_session config must be packed as envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute, not envoy.extensions.filters.http.stateful_session.v3.StatefulSession']] },
  { name: 'per-route stateful session packed as StatefulSession (virtual host, inside FilterConfig)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts[0].typed_per_filter_config = { [SS_KEY]: { '@type': typeUrl('envoy.config.route.v3.FilterConfig'), config: wrongSession(j) } }; },
    errors: [[`virtual_hosts[0].typed_per_filter_config["${SS_KEY}"].config`, 'per-route stateful_session config must be packed as envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute, not envoy.extensions.filters.http.stateful_session.v3.StatefulSession']] },
  { name: 'per-route stateful session packed as StatefulSession (weighted cluster)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => {
      const w = wrongSession(j);
      route(j).route = { weighted_clusters: { clusters: [{ name: 'a', weight: 1, typed_per_filter_config: { [SS_KEY]: w } }] } };
    },
    errors: [[`${ROUTE}.route.weighted_clusters.clusters[0].typed_per_filter_config["${SS_KEY}"]`, 'per-route stateful_session config must be packed as envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute, not envoy.extensions.filters.http.stateful_session.v3.StatefulSession']] },
  { name: 'per-route config for the router', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).typed_per_filter_config = { 'envoy.filters.http.router': { '@type': typeUrl(MessageType.router) } }; },
    errors: [[`${ROUTE}.typed_per_filter_config["envoy.filters.http.router"]`, 'the router filter has no per-route config']] },
  { name: 'per-route config that is not an HTTP filter config', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).typed_per_filter_config[SS_KEY] = { '@type': typeUrl('envoy.type.http.v3.Cookie'), name: 'c' }; },
    errors: [[`${ROUTE}.typed_per_filter_config["${SS_KEY}"]`, 'envoy.type.http.v3.Cookie is not an HTTP filter per-route config (expected a type in envoy.extensions.filters.http.*)']] },
  { name: 'per-route config under an empty key', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).typed_per_filter_config = { '': perRoute(j) }; },
    errors: [[`${ROUTE}.typed_per_filter_config[""]`, 'typed_per_filter_config key must name an HTTP filter, got ""']] },
  // ---- route configuration
  { name: 'duplicate domains across virtual hosts (case-insensitive)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts.push({ name: 'other', domains: ['SHOP.example.com'], routes: [] }); },
    errors: [['virtual_hosts[1].domains[0]', 'Only unique values for domains are permitted. Duplicate entry of domain shop.example.com in route gw/http (also virtual_hosts[0].domains[0])']] },
  { name: 'two wildcard virtual hosts', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts.push({ name: 'a', domains: ['*'] }, { name: 'b', domains: ['*'] }); },
    errors: [['virtual_hosts[2].domains[0]', 'Only a single wildcard domain is permitted in route gw/http (also virtual_hosts[1].domains[0])']] },
  { name: 'duplicate virtual host names', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts.push({ name: 'gw/http/shop.example.com', domains: ['other.example.com'] }); },
    errors: [['virtual_hosts[1].name', 'duplicate virtual host name "gw/http/shop.example.com" (also virtual_hosts[0]) in route gw/http']] },
  { name: 'safe_regex with a lookahead', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).match = { safe_regex: { regex: '/api/(?!internal).*' } }; },
    errors: [[`${ROUTE}.match.safe_regex.regex`, 'regex "/api/(?!internal).*" does not compile as RE2: lookahead is not supported by RE2']] },
  { name: 'safe_regex in a header matcher with a backreference', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).match.headers = [{ name: 'x-a', string_match: { safe_regex: { regex: '(a)\\1' } } }]; },
    errors: [[`${ROUTE}.match.headers[0].string_match.safe_regex.regex`, 'regex "(a)\\\\1" does not compile as RE2: backreference \\1 is not supported by RE2']] },
  { name: 'safe_regex that does not parse', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).match = { safe_regex: { regex: '/api/(' } }; },
    errors: [[`${ROUTE}.match.safe_regex.regex`, 'regex "/api/(" does not compile as RE2: Unterminated group']] },
  // ---- cluster
  { name: 'EDS cluster without eds_cluster_config', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.eds_cluster_config; }, errors: [['', 'cannot create an EDS cluster without an EDS config (set eds_cluster_config)']] },
  { name: 'eds_cluster_config on a STATIC cluster', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.type = 'STATIC'; }, errors: [['eds_cluster_config', 'eds_cluster_config set in a non-EDS cluster']] },
  { name: 'lb_policy next to load_balancing_policy', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.lb_policy = 'MAGLEV'; }, errors: [['lb_policy', 'lb_policy MAGLEV is ignored because load_balancing_policy is set; set only one']] },
  { name: 'legacy lb config next to load_balancing_policy', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.ring_hash_lb_config = { minimum_ring_size: '1024' }; }, errors: [['ring_hash_lb_config', 'ring_hash_lb_config is ignored because load_balancing_policy is set']] },
  { name: 'ring_hash_lb_config with ROUND_ROBIN', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.load_balancing_policy; j.ring_hash_lb_config = { minimum_ring_size: '1024' }; },
    errors: [['ring_hash_lb_config', 'ring_hash_lb_config is only used with lb_policy RING_HASH, but lb_policy is ROUND_ROBIN']] },
  { name: 'maglev_lb_config with RING_HASH', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.load_balancing_policy; j.lb_policy = 'RING_HASH'; j.maglev_lb_config = {}; },
    errors: [['maglev_lb_config', 'maglev_lb_config is only used with lb_policy MAGLEV, but lb_policy is RING_HASH']] },
  { name: 'LOAD_BALANCING_POLICY_CONFIG without load_balancing_policy', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.load_balancing_policy; j.lb_policy = 'LOAD_BALANCING_POLICY_CONFIG'; },
    errors: [['lb_policy', 'lb_policy LOAD_BALANCING_POLICY_CONFIG requires load_balancing_policy']] },
  { name: 'ORIGINAL_DST without CLUSTER_PROVIDED', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.load_balancing_policy; delete j.eds_cluster_config; j.type = 'ORIGINAL_DST'; j.lb_policy = 'RING_HASH'; },
    errors: [['lb_policy', "cluster: LB policy RING_HASH is not valid for Cluster type ORIGINAL_DST. Only 'CLUSTER_PROVIDED' is allowed with cluster type 'ORIGINAL_DST'"]] },
  { name: 'original_dst_lb_config on an EDS cluster', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.load_balancing_policy; j.original_dst_lb_config = { use_http_header: true }; },
    errors: [['original_dst_lb_config', 'original_dst_lb_config is only used with cluster type ORIGINAL_DST']] },
  { name: 'load balancing policy of another extension category', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.load_balancing_policy.policies[0].typed_extension_config.typed_config = { '@type': typeUrl(MessageType.router) }; },
    errors: [['load_balancing_policy.policies[0].typed_extension_config.typed_config', 'envoy.extensions.filters.http.router.v3.Router is not a load balancing policy (expected a type in envoy.extensions.load_balancing_policies.*)']] },
  { name: 'inline load_assignment on an EDS cluster', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.load_assignment = sampleClusterLoadAssignment(); },
    errors: [['load_assignment', 'load_assignment is ignored on an EDS cluster (endpoints come from EDS)']] },
  { name: 'host name in a STATIC cluster', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => {
      delete j.eds_cluster_config;
      j.type = 'STATIC';
      j.load_assignment = sampleClusterLoadAssignment();
      j.load_assignment.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address = 'backend.default';
    },
    errors: [['load_assignment.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address', 'malformed IP address: backend.default (only DNS clusters resolve host names)']] },
  { name: 'host names are fine in a STRICT_DNS cluster', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => {
      delete j.eds_cluster_config;
      j.type = 'STRICT_DNS';
      j.load_assignment = sampleClusterLoadAssignment();
      j.load_assignment.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address = 'backend.default';
    },
    errors: [] },
  { name: 'LOGICAL_DNS cluster with two endpoints', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { delete j.eds_cluster_config; j.type = 'LOGICAL_DNS'; j.load_assignment = sampleClusterLoadAssignment(); },
    errors: [['load_assignment', 'LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint']] },
  { name: 'host name in an EDS assignment', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { j.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = 'pod-0.shop'; },
    errors: [['endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address', 'malformed IP address: pod-0.shop (only DNS clusters resolve host names)']] },
  { name: 'IPv6 literals in an EDS assignment', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { j.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = 'fd00::1'; },
    errors: [] },
  // ---- listener
  { name: 'listener without an address', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { delete j.address; }, errors: [['address', 'listener needs an address']] },
  { name: 'listener without filter chains', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { delete j.filter_chains; }, errors: [['filter_chains', 'no filter chains specified']] },
  { name: 'two filter chains with the same match (spelled differently)', type: MessageType.listener, make: sampleListener,
    mutate: (j) => {
      j.listener_filters = [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': typeUrl(MessageType.tlsInspector) } }];
      j.filter_chains[0].filter_chain_match = { server_names: ['a.example'], transport_protocol: 'tls' };
      j.filter_chains.push({ ...j.filter_chains[0], filter_chain_match: { transportProtocol: 'tls', serverNames: ['a.example'] } });
    },
    errors: [['filter_chains[1]', 'multiple filter chains with the same matching rules are defined (also filter_chains[0])']] },
  { name: 'SNI filter chains without a TLS inspector', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.filter_chains[0].filter_chain_match = { server_names: ['a.example'] }; },
    errors: [['filter_chains[0].filter_chain_match.server_names', 'filter chains match server_names but the listener has no TLS inspector listener filter, so no SNI is ever read']] },
  { name: 'PROXY protocol filter after the TLS inspector', type: MessageType.listener, make: sampleListener,
    mutate: (j) => {
      j.listener_filters = [
        { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': typeUrl(MessageType.tlsInspector) } },
        { name: 'envoy.filters.listener.proxy_protocol', typed_config: { '@type': typeUrl(MessageType.proxyProtocol) } },
      ];
    },
    errors: [['listener_filters[1]', 'the PROXY protocol filter must come before the TLS inspector: the PROXY header precedes the ClientHello']] },
  { name: 'access logger of another extension category', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).access_log = [{ name: 'log', typed_config: { '@type': typeUrl(MessageType.proxyProtocol) } }]; },
    errors: [[`${HCM}.access_log[0].typed_config`, 'envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol is not an access logger (expected a type in envoy.extensions.access_loggers.*)']] },
  { name: 'server TLS context without a certificate', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.filter_chains[0].transport_socket = { name: 'envoy.transport_sockets.tls', typed_config: { '@type': typeUrl(MessageType.downstreamTlsContext), common_tls_context: { alpn_protocols: ['h2'] } } }; },
    errors: [['filter_chains[0].transport_socket.typed_config.common_tls_context', 'a server TLS context needs at least one certificate (tls_certificates or tls_certificate_sds_secret_configs)']] },
  { name: 'TLS certificate without its key', type: MessageType.secret, make: () => ({ name: 's', tls_certificate: { certificate_chain: { inline_string: 'pem' } } }),
    mutate: () => {}, errors: [['tls_certificate.private_key', 'a TLS certificate needs its private_key']] },
  { name: 'secret holding nothing', type: MessageType.secret, make: () => ({ name: 's' }),
    mutate: () => {}, errors: [['', 'secret holds nothing (tls_certificate, session_ticket_keys, validation_context or generic_secret)']] },
  { name: 'HCM not last among network filters', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.filter_chains[0].filters.push(loose(sampleListener()).filter_chains[0].filters[0]); },
    errors: [['filter_chains[0].filters[0]', 'terminal filter named envoy.filters.network.http_connection_manager of type envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager must be the last filter in a network filter chain']] },
  { name: 'network filter of another extension category', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.filter_chains[0].filters[0].typed_config = { '@type': typeUrl(MessageType.router) }; },
    errors: [['filter_chains[0].filters[0].typed_config', 'envoy.extensions.filters.http.router.v3.Router is not a network filter (expected a type in envoy.extensions.filters.network.*)']] },
  { name: 'listener filter of another extension category', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.listener_filters = [{ name: 'x', typed_config: { '@type': typeUrl(MessageType.router) } }]; },
    errors: [['listener_filters[0].typed_config', 'envoy.extensions.filters.http.router.v3.Router is not a listener filter (expected a type in envoy.extensions.filters.listener.*)']] },
  { name: 'transport socket of another extension category', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.transport_socket = { name: 'tls', typed_config: { '@type': typeUrl(MessageType.router) } }; },
    errors: [['transport_socket.typed_config', 'envoy.extensions.filters.http.router.v3.Router is not a transport socket (expected a type in envoy.extensions.transport_sockets.*)']] },
  { name: 'API listener that is not an HTTP connection manager', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { delete j.address; delete j.filter_chains; j.api_listener = { api_listener: { '@type': typeUrl(MessageType.router) } }; },
    errors: [['api_listener.api_listener', 'envoy.extensions.filters.http.router.v3.Router is not an HTTP connection manager (expected a type in envoy.extensions.filters.network.http_connection_manager.*)']] },
  // ---- stateful session and endpoints
  { name: 'session state of another extension category', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[0].typed_config.session_state = { name: 'cookie', typed_config: { '@type': typeUrl('envoy.type.http.v3.Cookie'), name: 'c' } }; },
    errors: [[`${HCM}.http_filters[0].typed_config.session_state.typed_config`, 'envoy.type.http.v3.Cookie is not a session state extension (expected a type in envoy.extensions.http.stateful_session.*)']] },
  { name: 'endpoint without an address', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { j.endpoints[0].lb_endpoints[1].endpoint = { hostname: 'b' }; },
    errors: [['endpoints[0].lb_endpoints[1].endpoint.address', 'endpoint address must be set']] },
];

describe('Envoy load-time checks', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const json = c.make();
    c.mutate(loose(json));
    const errors = validateResource(c.type, json).filter((f) => f.level === 'error').map((f) => [f.path, f.message]);
    expect(errors).toEqual(c.errors);
  });

  it('warns about routes that can never match', () => {
    const rc = loose(sampleRouteConfiguration());
    const r = route(rc);
    rc.virtual_hosts[0].routes = [
      { ...r, match: { path: '/cart' } },
      { ...r, match: { path: '/cart' } },
      { ...r, match: { prefix: '/', headers: [{ name: 'x-canary', present_match: true }] } },
      { ...r, match: { prefix: '/' } },
      { ...r, match: { prefix: '/api' } },
    ];
    expect(validateResource(MessageType.routeConfiguration, rc)).toEqual([
      { level: 'warning', path: 'virtual_hosts[0].routes[1].match', message: 'route can never match: routes[0] before it has the same match' },
      { level: 'warning', path: 'virtual_hosts[0].routes[4].match', message: 'route can never match: routes[3] before it matches every request' },
    ]);
  });

  it('warns about RE2 it cannot check instead of rejecting it', () => {
    const rc = loose(sampleRouteConfiguration());
    route(rc).match = { safe_regex: { regex: '(?U)a+' } };
    expect(validateResource(MessageType.routeConfiguration, rc)).toEqual([
      { level: 'warning', path: `${ROUTE}.match.safe_regex.regex`, message: 'regex "(?U)a+" could not be checked: the (?U) flag is not supported by this check' },
    ]);
  });

  it('accepts valid RE2 that JavaScript spells differently', () => {
    const rc = loose(sampleRouteConfiguration());
    route(rc).match = { safe_regex: { regex: '(?i)^/(?P<shop>[[:alpha:]]+)/\\pL*\\z' } };
    expect(validateResource(MessageType.routeConfiguration, rc)).toEqual([]);
  });
});

describe('snapshot checks', () => {
  const snapshot = (): { listeners: Any[]; routes: Any[]; clusters: Any[]; endpoints: Any[] } => ({
    listeners: [loose(sampleListener())],
    routes: [loose(sampleRouteConfiguration())],
    clusters: [loose(sampleCluster())],
    endpoints: [loose(sampleClusterLoadAssignment())],
  });
  const only = (f: Finding[]): Finding[] => f;

  it('a per-route config key must name a filter of the listeners using the route', () => {
    const s = snapshot();
    s.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].name = 'sticky';
    expect(only(validateResources(s))).toEqual([
      { level: 'error', path: `routes[0].${ROUTE}.typed_per_filter_config["${SS_KEY}"]`, message: `typed_per_filter_config key "${SS_KEY}" names no HTTP filter of the connection manager (filters: sticky, envoy.filters.http.router); Envoy would ignore it` },
    ]);
  });

  it('a per-route config must be the per-route type of the filter it names', () => {
    const s = snapshot();
    s.routes[0].virtual_hosts[0].routes[0].typed_per_filter_config[SS_KEY] = { '@type': typeUrl('envoy.config.route.v3.FilterConfig'), config: { '@type': typeUrl('envoy.extensions.filters.http.router.v3.Router') } };
    expect(validateResources(s).filter((f) => f.path.startsWith('routes[0]'))).toEqual([
      { level: 'error', path: `routes[0].${ROUTE}.typed_per_filter_config["${SS_KEY}"].config`, message: 'the router filter has no per-route config' },
      { level: 'error', path: `routes[0].${ROUTE}.typed_per_filter_config["${SS_KEY}"]`, message: `per-route config for filter "${SS_KEY}" (envoy.extensions.filters.http.stateful_session.v3.StatefulSession) must be envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute, got envoy.extensions.filters.http.router.v3.Router` },
    ]);
  });

  it('reports RDS names, clusters and endpoints missing from the snapshot', () => {
    const s = snapshot();
    s.routes[0].name = 'other';
    s.routes[0].virtual_hosts[0].routes[0].route.cluster = 'nope';
    s.endpoints[0].cluster_name = 'stale';
    expect(validateResources(s)).toEqual([
      { level: 'error', path: 'listeners[0].filter_chains[0].filters[0].typed_config.rds.route_config_name', message: 'route configuration "gw/http" is not in the snapshot; Envoy keeps the listener warming' },
      { level: 'warning', path: 'routes[0]', message: 'route configuration "other" is used by no listener in the snapshot' },
      { level: 'error', path: `routes[0].${ROUTE}.route.cluster`, message: 'cluster "nope" is not in the snapshot' },
      { level: 'error', path: 'clusters[0]', message: 'EDS cluster has no ClusterLoadAssignment "default/shop/8080" in the snapshot; Envoy keeps it warming' },
      { level: 'warning', path: 'endpoints[0].cluster_name', message: 'no EDS cluster uses ClusterLoadAssignment "stale"' },
    ]);
  });

  it('warns when a hash policy meets a cluster that does not hash', () => {
    const s = snapshot();
    delete s.clusters[0].load_balancing_policy;
    expect(validateResources(s)).toEqual([
      { level: 'warning', path: `routes[0].${ROUTE}.route.cluster`, message: 'route has hash_policy but cluster "default/shop/8080" does not use a hashing load balancer' },
    ]);
  });

  it('finds routes used by API listeners (proxyless gRPC)', () => {
    const s = snapshot();
    const h = s.listeners[0].filter_chains[0].filters[0].typed_config;
    s.listeners[0] = { name: 'shop.example.com', api_listener: { api_listener: h } };
    expect(validateResources(s)).toEqual([]);
  });

  it('prefixes per-resource findings and checks names per type', () => {
    const s = snapshot();
    s.clusters.push(loose(sampleCluster()));
    s.clusters[1].connect_timeout = '0s';
    expect(validateResources(s)).toEqual([
      { level: 'error', path: 'clusters[1].connect_timeout', message: 'duration.gt: must be greater than 0s, got 0s' },
      { level: 'error', path: 'clusters[1].name', message: 'duplicate Cluster name "default/shop/8080" (also [0])' },
    ]);
  });
});

describe('canonical', () => {
  it('sorts keys, converts lowerCamel to snake_case and drops nulls', () => {
    expect(canonical({ serverNames: ['a'], a: null, transport_protocol: 'tls' })).toBe(canonical({ transport_protocol: 'tls', server_names: ['a'] }));
  });
});
