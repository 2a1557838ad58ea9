// Fully qualified names of the messages Tether emits or reads, and their Any type URLs. Pure, so
// the builders (envoy/) and the codec share one list.
export const TYPE_URL_PREFIX = 'type.googleapis.com/';
export const typeUrl = <T extends string>(typeName: T): `${typeof TYPE_URL_PREFIX}${T}` => `${TYPE_URL_PREFIX}${typeName}`;

/** Fully qualified names of the messages Tether emits or reads. */
export const MessageType = {
  listener: 'envoy.config.listener.v3.Listener',
  routeConfiguration: 'envoy.config.route.v3.RouteConfiguration',
  cluster: 'envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'envoy.extensions.transport_sockets.tls.v3.Secret',
  downstreamTlsContext: 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  tlsInspector: 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  proxyProtocol: 'envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol',
  stdoutAccessLog: 'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  reqWithoutQuery: 'envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery',
  downstreamConnections: 'envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig',
  bootstrap: 'envoy.config.bootstrap.v3.Bootstrap',
  httpConnectionManager: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  router: 'envoy.extensions.filters.http.router.v3.Router',
  cors: 'envoy.extensions.filters.http.cors.v3.Cors',
  corsPolicy: 'envoy.extensions.filters.http.cors.v3.CorsPolicy',
  statefulSession: 'envoy.extensions.filters.http.stateful_session.v3.StatefulSession',
  statefulSessionPerRoute: 'envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute',
  cookieSessionState: 'envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState',
  headerSessionState: 'envoy.extensions.http.stateful_session.header.v3.HeaderBasedSessionState',
  ringHash: 'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash',
  maglev: 'envoy.extensions.load_balancing_policies.maglev.v3.Maglev',
  roundRobin: 'envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin',
  leastRequest: 'envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest',
  discoveryRequest: 'envoy.service.discovery.v3.DiscoveryRequest',
  discoveryResponse: 'envoy.service.discovery.v3.DiscoveryResponse',
  deltaDiscoveryRequest: 'envoy.service.discovery.v3.DeltaDiscoveryRequest',
  deltaDiscoveryResponse: 'envoy.service.discovery.v3.DeltaDiscoveryResponse',
  resource: 'envoy.service.discovery.v3.Resource',
  httpProtocolOptions: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  previousHostsPredicate: 'envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  filterConfig: 'envoy.config.route.v3.FilterConfig',
  clientStatusRequest: 'envoy.service.status.v3.ClientStatusRequest',
  sessionCookie: 'tether.session.v1.SessionCookie',
} as const;
