// The intermediate representation between the two translations: Gateway API (and every sticky
// policy dialect) → IR → Envoy. It says what one Envoy fleet (one Gateway) must do, in Tether's
// own words: no Kubernetes types, no Envoy field names, no protobuf. Everything here is plain,
// JSON-serialisable data so golden files can show it, and every default has already been applied:
// the Envoy builders trust it and never re-derive Kubernetes semantics.

/** Everything translation decided, for every Gateway Tether owns. */
export interface IR {
  /** One entry per accepted Gateway, sorted by `name`. */
  gateways: GatewayIR[];
}

/** The config of one Envoy fleet: the Gateway it serves, named `namespace/name` (Envoy's node.cluster; translate/names.ts). */
export interface GatewayIR {
  name: string;
  /** One per distinct port of the Gateway's accepted listeners, sorted by port. */
  listeners: ListenerIR[];
  /**
   * Every cluster the routes of this Gateway point at, sorted by name. A cluster is named after what
   * it points to (Service, port, sticky variant), never after a route, so route edits create no
   * cluster and Envoy never warms one because of a route change.
   */
  clusters: ClusterIR[];
  /**
   * Certificates the HTTPS listeners of this Gateway serve, sorted by name; each reaches Envoy over
   * SDS. Only what identifies a certificate is here: the PEM chain and key stay with the certificate
   * verdicts (src/k8s/certificate-facts.ts) and join only at the SDS builder. Absent when none.
   */
  secrets?: SecretIR[];
  /** What every listener of this fleet does at the edge; defaults applied (docs/edge.md). */
  edge: EdgeIR;
}

/**
 * Edge behaviour of one Envoy fleet, from its FleetParameters `edge` over Tether's defaults. Values
 * keep the FleetParameters spelling; the Envoy builders map them to Envoy's enums.
 */
export interface EdgeIR {
  /** Access log on stdout: one JSON object per request, a text line, or none. */
  accessLog: 'JSON' | 'Text' | 'Off';
  /** X-Forwarded-For entries (from the right) written by trusted proxies in front of Envoy. */
  trustedHops: number;
  /** Every listener reads a PROXY protocol header first (the client address behind a load balancer). */
  proxyProtocol: boolean;
  /** A path holding %2F or %5C. */
  escapedSlashes: 'UnescapeAndRedirect' | 'UnescapeAndForward' | 'KeepUnchanged' | 'Reject';
  /** A request header whose name holds an underscore. */
  headersWithUnderscores: 'Drop' | 'Reject' | 'Allow';
  /** HTTP/2: seconds between the GOAWAY that announces a drain and the final one. */
  drainTimeoutSeconds: number;
  /** Downstream connections one Envoy accepts in all (static bootstrap; the ADS bootstrap takes it as an option). */
  maxConnections: number;
}

/** One kubernetes.io/tls Secret served over SDS. */
export interface SecretIR {
  /** SDS resource name: `<namespace>/<secret>`. */
  name: string;
  namespace: string;
  secretName: string;
  certificate: CertificateIR;
}

/** What identifies a certificate where its key is hidden (status, translate output, config dumps). */
export interface CertificateIR {
  subject: string;
  dnsNames: string[];
  /** ISO 8601, UTC. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the leaf's DER bytes, colon-separated hex. */
  sha256Fingerprint: string;
  keyType: string;
}

/** tls.options Tether reads; absent fields keep Envoy's defaults. */
export interface TlsParametersIR {
  minimumVersion?: '1.2' | '1.3';
  maximumVersion?: '1.2' | '1.3';
  cipherSuites?: string[];
}

/** An HTTPS listener's TLS: one filter chain per Gateway listener on the port, picked by SNI. */
export interface ListenerTlsIR {
  /** Most specific server name first; the catch-all chain (no server names), if any, last. */
  chains: TlsChainIR[];
}

export interface TlsChainIR {
  /** Stable: `<listener IR name>/<hostname or *>`. Also its RouteConfiguration name. */
  name: string;
  /** The Gateway listener's hostname (a wildcard included); empty: any server name. */
  serverNames: string[];
  /** SDS names of the certificates, in certificateRefs order (Envoy picks one per client). */
  secrets: string[];
  parameters: TlsParametersIR;
  /**
   * This chain's routes. Hosts another chain of the port serves are `misdirected` (421), so a
   * connection whose SNI picked this chain never reaches another listener's routes.
   */
  virtualHosts: VirtualHostIR[];
}

/** One Envoy listener: every Gateway listener on one port merged (they differ by hostname only). */
export interface ListenerIR {
  /** Stable name from translate/names.ts (`<ns>/<gateway>/<port>`). Also the RouteConfiguration name. */
  name: string;
  /** The Gateway listener's port: names, status and redirects speak of it. */
  port: number;
  /**
   * The port Envoy binds: `port`, or `port + 10000` below 1024, because Envoy runs without the
   * privilege to bind those (k8s/container-port.ts; docs/kubernetes.md#ports).
   */
  bindPort: number;
  /** Virtual hosts, most specific hostname first; `*` (any host) last. Empty for HTTPS (see `tls`). */
  virtualHosts: VirtualHostIR[];
  /** Set for HTTPS: TLS is terminated, and routes live in the filter chains. */
  tls?: ListenerTlsIR;
}

export interface VirtualHostIR {
  /** Stable name: the hostname (`*` for any). */
  name: string;
  /** Domains Envoy matches against Host/:authority (a hostname, `*.example.com`, or `*`). */
  domains: string[];
  /** Routes in Gateway API precedence order: Envoy takes the first match. */
  routes: RouteIR[];
  /** True: the host belongs to another TLS filter chain of the port; every request gets 421 Misdirected Request. */
  misdirected?: boolean;
}

/** Where an IR element came from, for status, NACK attribution and readable names. */
export interface RouteSource {
  kind: 'HTTPRoute' | 'GRPCRoute';
  namespace: string;
  name: string;
  /** Index of the rule in spec.rules. */
  ruleIndex: number;
  /** spec.rules[].name when set. */
  ruleName?: string;
  /** Index of the match within the rule (a rule with several matches becomes several routes). */
  matchIndex: number;
}

export interface RouteIR {
  /** Stable name from translate/names.ts, unique within the route configuration: `<kind>/<ns>/<name>/rule/<i>/match/<j>`. */
  name: string;
  source: RouteSource;
  match: RouteMatchIR;
  action: RouteActionIR;
  /** Header edits on the request (RequestHeaderModifier) and response (ResponseHeaderModifier). */
  requestHeaders?: HeaderMutationIR;
  responseHeaders?: HeaderMutationIR;
  /** Gateway API timeouts.request; 0 disables the timeout. Seconds. */
  timeoutSeconds?: number;
  /** Gateway API timeouts.backendRequest (per try); seconds. */
  perTryTimeoutSeconds?: number;
  /** Gateway API rules[].retry: which responses are retried, how often, how far apart. */
  retry?: RetryIR;
  /** Gateway API CORS filter: Envoy's cors filter answers preflights and adds the CORS headers. */
  cors?: CorsIR;
  /** Strong session persistence for this route; absent for non-sticky routes. */
  session?: SessionIR;
  /**
   * Consistent-hash keys, in order (Envoy combines them, stopping at a terminal key that produced a
   * hash). Present whenever the route's cluster balances by hash (ring hash or Maglev): it picks the
   * first endpoint of a new session and re-picks when a session's endpoint is gone.
   */
  hashKeys?: HashKeyIR[];
}

export interface RouteMatchIR {
  path: PathMatchIR;
  headers: HeaderMatchIR[];
  queryParams: QueryParamMatchIR[];
  /** HTTP method, upper case, when the match names one. */
  method?: string;
  /** gRPC: the request must be gRPC (content-type application/grpc). */
  grpc?: boolean;
}

export type PathMatchIR =
  | { type: 'Exact'; value: string }
  | { type: 'PathPrefix'; value: string } // segment-aware: "/foo" matches "/foo" and "/foo/bar", not "/foobar"
  | { type: 'RegularExpression'; value: string }; // RE2, full match

export interface HeaderMatchIR {
  /** Lower case. */
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface QueryParamMatchIR {
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface HeaderMutationIR {
  set: { name: string; value: string }[];
  add: { name: string; value: string }[];
  remove: string[];
}

export type RouteActionIR = ForwardActionIR | RedirectActionIR | DirectResponseActionIR;

/** Send the request to a cluster (or to several, split by weight). */
export interface ForwardActionIR {
  type: 'forward';
  /**
   * Weighted clusters. A sticky rule always has exactly one entry here: its backends live in one
   * cluster, one locality each, because Envoy honours a session only inside the cluster it picked.
   * Non-sticky rules may have several (Envoy weighted_clusters). Weight-0 entries are dropped (a
   * sticky cluster keeps them as weight-0 localities); when every backend is invalid or weighs 0
   * translation emits a direct response 500 instead.
   */
  clusters: WeightedClusterIR[];
  /** RequestMirror filters: a copy of each request (or a share of them) goes to each of these. */
  mirrors?: MirrorIR[];
  /** URLRewrite. */
  rewrite?: {
    hostname?: string;
    path?: { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; prefix: string; value: string };
  };
}

export interface WeightedClusterIR {
  name: string;
  weight: number;
  /** backendRefs[].filters: header edits only for requests sent to (and responses from) this cluster. */
  requestHeaders?: HeaderMutationIR;
  responseHeaders?: HeaderMutationIR;
}

export interface MirrorIR {
  /** A non-sticky cluster of the mirror's backend; its responses are discarded. */
  cluster: string;
  /** The share of requests mirrored; absent: every request. */
  fraction?: { numerator: number; denominator: number };
}

export interface RetryIR {
  /** Upstream response codes that are retried; connection failures and resets always are. */
  codes: number[];
  /** Retries after the first attempt; absent: Envoy's default (1). */
  attempts?: number;
  /** Minimum wait before a retry, seconds; absent: Envoy's default (25 ms, growing). */
  backoffSeconds?: number;
}

export interface CorsIR {
  /** `*`, or `<scheme>://<host>[:<port>]` where the host may start with `*` (any labels). */
  allowOrigins: string[];
  allowCredentials: boolean;
  /** Methods, or `*`. */
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/** RequestRedirect. */
export interface RedirectActionIR {
  type: 'redirect';
  scheme?: 'http' | 'https';
  hostname?: string;
  /**
   * The port Location shows, already placed for the listener (a written port, else the written
   * scheme's well-known port, else the listener's port); absent when it is the default port of the
   * redirect's scheme, which Location leaves out.
   */
  port?: number;
  path?: { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; prefix: string; value: string };
  statusCode: 301 | 302 | 303 | 307 | 308;
}

/** A fixed response, e.g. 500 when every backendRef of a rule is invalid (Gateway API requires it). */
export interface DirectResponseActionIR {
  type: 'direct-response';
  status: number;
  body?: string;
}

/**
 * Strong session persistence, normalised from every dialect (Gateway API sessionPersistence,
 * BackendLBPolicy, XBackendTrafficPolicy, SessionPolicy, vendor policies). Envoy's stateful_session
 * filter on the route: the endpoint address travels in a cookie or header, base64-encoded by Envoy.
 */
export type SessionIR = CookieSessionIR | HeaderSessionIR;

export interface SessionCommonIR {
  /**
   * True: a request naming an endpoint that is unusable gets 503 instead of being re-pinned by the
   * load balancer (Envoy 1.29+).
   */
  strict: boolean;
  /** Which object and field decided this session, for status and the translate summary. */
  origin: PolicyOrigin;
}

export interface CookieSessionIR extends SessionCommonIR {
  type: 'cookie';
  /** RFC 6265 token; distinct per route rule unless the user chose the same name. */
  name: string;
  /** Cookie Path; `/` unless the user set one. Envoy also uses it as a request filter. */
  path: string;
  /** Max-Age in seconds, only for a permanent cookie; absent writes a session cookie. */
  ttlSeconds?: number;
  /**
   * A permanent cookie whose expiry Envoy also checks (encoded in the value, Envoy's cookie `ttl`).
   * Absent: the lifetime is a `Max-Age` attribute only, enforced by the client, because Envoy's
   * source checks the encoded expiry on a monotonic clock that differs between machines
   * (docs/sticky-sessions.md, "Permanent cookies").
   */
  envoyExpiry?: true;
  /** Extra Set-Cookie attributes as the policy wrote them (SameSite, Secure, ...); Envoy 1.35+. */
  attributes: { name: string; value: string }[];
  /**
   * `Secure`, when not in `attributes`. Absent: the policy did not choose; on HTTPS listeners
   * translation sets it true (a route served over plain HTTP keeps it absent, since a Secure
   * cookie never comes back there). False: never Secure.
   */
  secure?: boolean;
  /** `SameSite`, when not in `attributes`. Absent: the policy did not choose; `Lax` on HTTPS listeners. */
  sameSite?: 'Strict' | 'Lax' | 'None';
}

export interface HeaderSessionIR extends SessionCommonIR {
  type: 'header';
  /** Request and response header carrying the endpoint; lower case. */
  name: string;
}

/** One consistent-hash key (Envoy route hash_policy entry). */
export type HashKeyIR =
  | { type: 'header'; name: string; terminal: boolean }
  | { type: 'cookie'; name: string; path?: string; ttlSeconds?: number; terminal: boolean }
  | { type: 'query-parameter'; name: string; terminal: boolean }
  | { type: 'source-ip'; terminal: boolean };

/** Names the object (and field) a setting came from. */
export interface PolicyOrigin {
  kind: string;
  namespace?: string;
  name: string;
  /** Dotted path of the field, e.g. `spec.rules[0].sessionPersistence`. */
  field?: string;
}

/** How a cluster balances new requests (and requests whose session endpoint is unusable). */
export type LoadBalancerIR =
  | { type: 'round-robin' }
  | { type: 'least-request' }
  | { type: 'ring-hash'; minimumRingSize: number; maximumRingSize: number }
  | { type: 'maglev'; tableSize: number }
  | { type: 'random' };

export interface ClusterIR {
  /** Stable name from translate/names.ts: `<ns>/<service>/<port>` plus a sticky variant suffix. */
  name: string;
  /** True when a session or hash routes here: endpoints may be DRAINING and sessions may stay on them. */
  sticky: boolean;
  loadBalancer: LoadBalancerIR;
  /**
   * Sticky clusters with draining "keep": Envoy may keep routing an existing session to a DRAINING
   * endpoint (override_host_status includes DRAINING), while new sessions go elsewhere.
   */
  keepSessionsOnDraining: boolean;
  /** One per backend Service (several for a sticky traffic split), weighted. */
  localities: LocalityIR[];
  /** Connect timeout in seconds. */
  connectTimeoutSeconds: number;
  /** Upstream speaks HTTP/2 (h2c, gRPC) rather than HTTP/1.1. */
  http2: boolean;
}

export interface LocalityIR {
  /** Stable name from translate/names.ts: `<ns>/<service>:<port>` (Envoy's locality sub_zone). */
  name: string;
  /** The Service port this locality's endpoints come from. */
  backend: BackendIR;
  /**
   * Relative weight of this backend (the backendRef weight); 1 when the cluster has one locality.
   * 0 only in a sticky split: the backend keeps the sessions pinned to it and takes no new ones.
   */
  weight: number;
  endpoints: EndpointIR[];
}

/** A Service port a cluster sends to. */
export interface BackendIR {
  namespace: string;
  /** Service name. */
  name: string;
  /** Service port number (not the target port). */
  port: number;
}

export interface EndpointIR {
  /** IP address (v4 or v6). */
  address: string;
  port: number;
  /**
   * HEALTHY: ready. DRAINING: terminating but still serving (sent to sticky clusters only, so
   * existing sessions finish there). UNHEALTHY: not serving (sent so sessions re-pin at once).
   */
  health: 'HEALTHY' | 'DRAINING' | 'UNHEALTHY';
  /** Zone from the EndpointSlice, informational. */
  zone?: string;
}
