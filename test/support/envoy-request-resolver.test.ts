import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/codec/json.ts';
import { GRPC_STATUS, grpcRequest, grpcStatusOf, pickFilterChain, pickVirtualHost, resolveRequest, type EnvoyConfig } from './envoy-request-resolver.ts';

function config(virtualHosts: JsonObject[], hcm: JsonObject = { strip_any_host_port: true, normalize_path: true, merge_slashes: true }): EnvoyConfig {
  return {
    // Gateway port 80, bound as 10080 inside the container (the Service maps one to the other).
    listeners: [{ name: 'l', address: { socket_address: { address: '0.0.0.0', port_value: 10080 } }, filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { ...hcm, rds: { route_config_name: 'rc' } } }] }] }],
    routes: [{ name: 'rc', virtual_hosts: virtualHosts }],
    clusters: [{ name: 'a' }, { name: 'b' }],
    endpoints: [{ cluster_name: 'a', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 8080 } } } }] }] }],
  };
}

const forward = (name: string, match: JsonObject, extra: JsonObject = {}): JsonObject => ({ name, match, route: { cluster: 'a' }, ...extra });

describe('pickVirtualHost (Envoy domain precedence)', () => {
  const vhosts = [
    { name: 'any', domains: ['*'] },
    { name: 'prefix', domains: ['foo.*'] },
    { name: 'suffix-short', domains: ['*.com'] },
    { name: 'suffix-long', domains: ['*.example.com'] },
    { name: 'exact', domains: ['foo.example.com'] },
  ];
  it.each([
    ['foo.example.com', 'exact'],
    ['FOO.Example.com', 'exact'],
    ['bar.example.com', 'suffix-long'],
    ['other.com', 'suffix-short'],
    ['foo.org', 'prefix'],
    ['example.com', 'suffix-short'],
    ['elsewhere', 'any'],
  ])('%s → %s', (host, expected) => {
    expect(pickVirtualHost(vhosts, host)?.['name']).toBe(expected);
  });
  it('a wildcard suffix needs at least one character before it', () => {
    expect(pickVirtualHost([{ name: 'w', domains: ['*.example.com'] }], '.example.com')).toBeUndefined();
  });
});

describe('resolveRequest', () => {
  it('reaches a listener on a privileged Gateway port through its container port', () => {
    const c = config([{ name: 'any', domains: ['*'], routes: [forward('r', { prefix: '/' })] }]);
    expect(resolveRequest(c, { port: 80, host: 'h', path: '/' })).toMatchObject({ type: 'forward', route: 'r' });
    // A listener that bound 80 itself (no mapping) is not what a client on port 80 reaches.
    const unmapped = { ...c, listeners: [{ ...c.listeners[0], address: { socket_address: { address: '0.0.0.0', port_value: 80 } } }] };
    expect(resolveRequest(unmapped, { port: 80, host: 'h', path: '/' })).toEqual({ type: 'no-listener' });
  });

  it('applies the escaped-slash action after normalisation: redirect to the unescaped path, reject, or keep', () => {
    const vhosts = [{ name: 'any', domains: ['*'], routes: [forward('r', { prefix: '/' })] }];
    const base = { strip_any_host_port: true, normalize_path: true, merge_slashes: true };
    const at = (action: string | undefined, path: string) => resolveRequest(config(vhosts, action ? { ...base, path_with_escaped_slashes_action: action } : base), { port: 80, host: 'h', path });
    expect(at('UNESCAPE_AND_REDIRECT', '/a%2Fb?x=1')).toEqual({ type: 'redirect', route: '', status: 307, location: '/a/b?x=1' });
    expect(at('UNESCAPE_AND_REDIRECT', '/a/b')).toMatchObject({ type: 'forward' });
    expect(at('REJECT_REQUEST', '/a%5cb')).toEqual({ type: 'rejected', status: 400, reason: 'escaped slash in the path' });
    expect(at('UNESCAPE_AND_FORWARD', '/a%2Fb')).toMatchObject({ type: 'forward', backends: [{ request: { path: '/a/b' } }] });
    expect(at(undefined, '/a%2Fb')).toMatchObject({ type: 'forward', backends: [{ request: { path: '/a%2Fb' } }] });
  });

  it('drops or rejects header names with underscores as the connection manager says', () => {
    const vhosts = [{ name: 'any', domains: ['*'], routes: [forward('r', { prefix: '/' })] }];
    const at = (action: string) => resolveRequest(config(vhosts, { strip_any_host_port: true, common_http_protocol_options: { headers_with_underscores_action: action } }), { port: 80, host: 'h', path: '/', headers: { x_user: 'admin', 'x-ok': '1' } });
    expect(at('DROP_HEADER')).toMatchObject({ type: 'forward', backends: [{ request: { headers: { 'x-ok': '1' } } }] });
    expect(JSON.stringify(at('DROP_HEADER'))).not.toContain('x_user');
    expect(at('REJECT_REQUEST')).toEqual({ type: 'rejected', status: 400, reason: 'header x_user has an underscore' });
    expect(JSON.stringify(at('ALLOW'))).toContain('x_user');
  });

  it('strips the Host port, takes the first matching route and honours path segments', () => {
    const c = config([{ name: 'h', domains: ['example.com'], routes: [forward('exact', { path: '/a' }), forward('seg', { path_separated_prefix: '/a' }), forward('all', { prefix: '/' })] }]);
    const at = (path: string) => resolveRequest(c, { port: 80, host: 'example.com:80', path });
    expect(at('/a')).toMatchObject({ type: 'forward', route: 'exact' });
    expect(at('/a/b')).toMatchObject({ route: 'seg' });
    expect(at('/ab')).toMatchObject({ route: 'all' });
    expect(at('/x/../a/b')).toMatchObject({ route: 'seg' });
    expect(resolveRequest(c, { port: 80, host: 'other', path: '/' })).toEqual({ type: 'not-found' });
    expect(resolveRequest(c, { port: 81, host: 'example.com', path: '/' })).toEqual({ type: 'no-listener' });
  });

  it('matches headers (case-insensitive names), the method pseudo-header and query parameters', () => {
    const c = config([
      {
        name: 'h',
        domains: ['*'],
        routes: [
          forward('hdr', { prefix: '/', headers: [{ name: 'version', string_match: { exact: 'two' } }] }),
          forward('method', { prefix: '/', headers: [{ name: ':method', string_match: { exact: 'POST' } }] }),
          forward('query', { prefix: '/', query_parameters: [{ name: 'animal', string_match: { safe_regex: { regex: 'wha.*' } } }] }),
          forward('rest', { prefix: '/' }),
        ],
      },
    ]);
    const r = (req: Partial<Parameters<typeof resolveRequest>[1]>) => resolveRequest(c, { port: 80, host: 'h', path: '/', ...req });
    expect(r({ headers: { Version: 'two' } })).toMatchObject({ route: 'hdr' });
    expect(r({ method: 'POST' })).toMatchObject({ route: 'method' });
    expect(r({ path: '/?animal=whale&animal=dog' })).toMatchObject({ route: 'query' });
    expect(r({ path: '/?animal=dog&animal=whale' })).toMatchObject({ route: 'rest' });
  });

  it('applies a weighted cluster’s header edits before the route’s, and rewrites the path', () => {
    const c = config([
      {
        name: 'h',
        domains: ['*'],
        routes: [
          {
            name: 'split',
            match: { path_separated_prefix: '/api' },
            route: {
              prefix_rewrite: '/v2',
              host_rewrite_literal: 'internal',
              weighted_clusters: {
                clusters: [
                  { name: 'a', weight: 3, request_headers_to_add: [{ header: { key: 'X-Who', value: 'a' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }] },
                  { name: 'b', weight: 1 },
                ],
              },
            },
            request_headers_to_add: [{ header: { key: 'x-who', value: 'route' } }],
            request_headers_to_remove: ['x-drop'],
          },
        ],
      },
    ]);
    const r = resolveRequest(c, { port: 80, host: 'h', path: '/api/x?q=1', headers: { 'x-drop': '1' } });
    if (r.type !== 'forward') throw new Error(r.type);
    expect(r.backends.map((b) => [b.cluster, b.weight, b.request.path, b.request.host, b.request.headers])).toEqual([
      ['a', 3, '/v2/x?q=1', 'internal', { 'x-who': 'a,route' }],
      ['b', 1, '/v2/x?q=1', 'internal', { 'x-who': 'route' }],
    ]);
    expect(r.backends[0]?.endpoints).toEqual(['10.0.0.1:8080']);
  });

  it('builds a redirect Location as Envoy does: port only from port_redirect', () => {
    const c = config([
      {
        name: 'h',
        domains: ['*'],
        routes: [
          { name: 'host', match: { path: '/host' }, redirect: { host_redirect: 'example.org', response_code: 'FOUND' } },
          { name: 'port', match: { path: '/port' }, redirect: { scheme_redirect: 'https', port_redirect: 8443, path_redirect: '/new' } },
          { name: 'prefix', match: { path_separated_prefix: '/old' }, redirect: { prefix_rewrite: '/new' } },
        ],
      },
    ]);
    const r = (path: string) => resolveRequest(c, { port: 80, host: 'gw.local:8080', path });
    expect(r('/host')).toMatchObject({ status: 302, location: 'http://example.org/host' });
    expect(r('/port')).toMatchObject({ status: 301, location: 'https://gw.local:8443/new' });
    expect(r('/old/page?x=1')).toMatchObject({ location: 'http://gw.local/new/page?x=1' });
  });

  it('answers CORS preflights from the route’s policy and adds headers to allowed requests', () => {
    const cors = { allow_origin_string_match: [{ exact: 'https://a.example' }], allow_methods: 'GET', max_age: '5', allow_credentials: true, forward_not_matching_preflights: false };
    const c = config([{ name: 'h', domains: ['*'], routes: [forward('c', { prefix: '/' }, { typed_per_filter_config: { 'envoy.filters.http.cors': cors } })] }]);
    const pre = (origin: string) => resolveRequest(c, { port: 80, host: 'h', path: '/', method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect(pre('https://a.example')).toEqual({
      type: 'cors-preflight',
      route: 'c',
      status: 200,
      headers: { 'access-control-allow-origin': 'https://a.example', 'access-control-allow-methods': 'GET', 'access-control-max-age': '5', 'access-control-allow-credentials': 'true' },
    });
    expect(pre('https://b.example')).toEqual({ type: 'cors-preflight', route: 'c', status: 200, headers: {} });
    const get = resolveRequest(c, { port: 80, host: 'h', path: '/', headers: { origin: 'https://a.example' } });
    expect(get).toMatchObject({ type: 'forward', corsHeaders: { 'access-control-allow-origin': 'https://a.example', 'access-control-allow-credentials': 'true' } });
  });

  it('reports mirrors with their share and refuses config it does not understand', () => {
    const c = config([
      {
        name: 'h',
        domains: ['*'],
        routes: [forward('m', { prefix: '/' }, { route: { cluster: 'a', request_mirror_policies: [{ cluster: 'b' }, { cluster: 'b', runtime_fraction: { default_value: { numerator: 250000, denominator: 'MILLION' } } }] } })],
      },
    ]);
    expect(resolveRequest(c, { port: 80, host: 'h', path: '/' })).toMatchObject({ mirrors: [{ cluster: 'b', percent: 100 }, { cluster: 'b', percent: 25 }] });
    const odd = config([{ name: 'h', domains: ['*'], routes: [forward('x', { connect_matcher: {} })] }]);
    expect(() => resolveRequest(odd, { port: 80, host: 'h', path: '/' })).toThrow(/unknown path matcher/);
  });

  it('routes gRPC calls (HTTP/2 POST, application/grpc) and answers the unrouted ones with a gRPC status', () => {
    const c = config([
      {
        name: 'h',
        domains: ['grpc.example'],
        routes: [
          forward('echo', { path: '/pkg.Echo/Say', grpc: {} }, { route: { cluster: 'b' } }),
          { name: 'broken', match: { path: '/pkg.Echo/Broken', grpc: {} }, direct_response: { status: 500 } },
          forward('plain', { prefix: '/pkg.Echo/' }),
        ],
      },
    ]);
    c.clusters = [{ name: 'a' }, { name: 'b', typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { explicit_http_config: { http2_protocol_options: {} } } } }];
    const call = (method: string, authority = 'grpc.example') => resolveRequest(c, grpcRequest('pkg.Echo', method, { authority, metadata: { 'X-Trace': 'abc' } }));
    const say = call('Say');
    if (say.type !== 'forward') throw new Error(say.type);
    expect(say.backends[0]?.request).toMatchObject({ method: 'POST', path: '/pkg.Echo/Say', protocol: 'HTTP/2', headers: { 'content-type': 'application/grpc', 'x-trace': 'abc' } });
    expect(call('Broken')).toEqual({ type: 'direct-response', route: 'broken', status: 500, grpcStatus: GRPC_STATUS.UNKNOWN });
    // Without the gRPC content type the gRPC routes do not match; the HTTP/1.1 cluster is spoken to in HTTP/1.1.
    const plain = resolveRequest(c, { port: 80, host: 'grpc.example', path: '/pkg.Echo/Say', method: 'POST' });
    expect(plain).toMatchObject({ type: 'forward', route: 'plain', backends: [{ request: { protocol: 'HTTP/1.1' } }] });
    expect(call('Say', 'elsewhere')).toEqual({ type: 'not-found', grpcStatus: GRPC_STATUS.UNIMPLEMENTED });
    const noRoute = config([{ name: 'h', domains: ['*'], routes: [forward('one', { path: '/only' })] }]);
    expect(resolveRequest(noRoute, grpcRequest('pkg.Echo', 'Say'))).toEqual({ type: 'not-found', virtualHost: 'h', grpcStatus: GRPC_STATUS.UNIMPLEMENTED });
    expect(resolveRequest(noRoute, { port: 80, host: 'h', path: '/none' })).toEqual({ type: 'not-found', virtualHost: 'h' });
  });

  it('maps local reply codes to gRPC statuses and refuses HTTP/2 where the codec is HTTP/1 only', () => {
    expect([400, 401, 403, 404, 429, 500, 502, 503, 504].map(grpcStatusOf)).toEqual([13, 16, 7, 12, 14, 2, 14, 14, 14]);
    const h1 = config([{ name: 'h', domains: ['*'], routes: [forward('all', { prefix: '/' })] }], { codec_type: 'HTTP1' });
    expect(resolveRequest(h1, grpcRequest('pkg.Echo', 'Say'))).toEqual({ type: 'protocol-mismatch', codec: 'HTTP1' });
    expect(resolveRequest(h1, { port: 80, host: 'h', path: '/' })).toMatchObject({ type: 'forward' });
    const auto = config([{ name: 'h', domains: ['*'], routes: [forward('all', { prefix: '/' })] }]);
    auto.clusters = [{ name: 'a', typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { use_downstream_protocol_config: {} } } }];
    expect(resolveRequest(auto, grpcRequest('pkg.Echo', 'Say'))).toMatchObject({ backends: [{ request: { protocol: 'HTTP/2' } }] });
  });
});

const pem = (name: string) => readFileSync(join(import.meta.dirname, 'tls', `${name}.crt`), 'utf8');

describe('pickFilterChain (Envoy server name precedence)', () => {
  const chains: JsonObject[] = [
    { name: 'any' },
    { name: 'tld', filter_chain_match: { server_names: ['*.com'] } },
    { name: 'wild', filter_chain_match: { server_names: ['*.example.com'] } },
    { name: 'exact', filter_chain_match: { server_names: ['www.example.com', 'api.example.com'] } },
  ];
  it.each([
    ['www.example.com', 'exact'],
    ['api.example.com', 'exact'],
    ['a.example.com', 'wild'],
    ['a.b.example.com', 'wild'],
    ['example.com', 'tld'],
    ['other.com', 'tld'],
    ['example.org', 'any'],
    [undefined, 'any'],
  ])('%s → %s', (name, expected) => {
    expect(pickFilterChain(chains, name)?.['name']).toBe(expected);
  });
  it('finds nothing without a catch-all chain, and refuses criteria it does not read', () => {
    expect(pickFilterChain(chains.slice(1), 'example.org')).toBeUndefined();
    expect(pickFilterChain(chains.slice(1), undefined)).toBeUndefined();
    expect(() => pickFilterChain([{ name: 'x', filter_chain_match: { transport_protocol: 'tls' } }], 'a')).toThrow(/transport_protocol are not read/);
  });
});

describe('resolveRequest on a TLS listener', () => {
  const tls = (secret: string) => ({
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
      common_tls_context: { tls_certificate_sds_secret_configs: [{ name: secret, sds_config: { ads: {} } }], alpn_protocols: ['h2', 'http/1.1'] },
    },
  });
  const hcm = (rc: string) => [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { strip_any_host_port: true, rds: { route_config_name: rc } } }];
  const routes = (rc: string): JsonObject => ({
    name: rc,
    virtual_hosts: [{ name: '*', domains: ['*'], routes: [forward(`${rc}-root`, { path: '/' }), { name: `${rc}-redirect`, match: { path: '/r' }, redirect: { host_redirect: 'example.org' } }] }],
  });
  function tlsConfig(opts: { inspector?: boolean; redacted?: boolean } = {}): EnvoyConfig {
    const secret = (name: string, crt: string) => ({ name, tls_certificate: { certificate_chain: { inline_string: opts.redacted ? '[certificate CN=x]' : pem(crt) }, private_key: { inline_string: '[redacted]' } } });
    return {
      listeners: [
        {
          name: 'https',
          // Gateway port 443, bound as 10443 inside the container.
          address: { socket_address: { address: '0.0.0.0', port_value: 10443 } },
          ...(opts.inspector === false ? {} : { listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' } }] }),
          filter_chains: [
            { name: 'www', filter_chain_match: { server_names: ['www.example.com'] }, filters: hcm('rc-www'), transport_socket: tls('ns/example') },
            { name: 'any', filters: hcm('rc-any'), transport_socket: tls('ns/wildcard') },
          ],
        },
        { name: 'http', address: { socket_address: { address: '0.0.0.0', port_value: 10080 } }, filter_chains: [{ filters: hcm('rc-any') }] },
      ],
      routes: [routes('rc-www'), routes('rc-any')],
      clusters: [{ name: 'a' }],
      endpoints: [],
      secrets: [secret('ns/example', 'test-only-example-ecdsa'), secret('ns/wildcard', 'test-only-wildcard')],
    };
  }
  const c = tlsConfig();

  it('picks the chain by SNI (by default the Host without port), then routes with that chain’s routes', () => {
    expect(resolveRequest(c, { port: 443, host: 'www.example.com', path: '/' })).toMatchObject({ type: 'forward', route: 'rc-www-root' });
    expect(resolveRequest(c, { port: 443, host: 'www.example.com:443', path: '/' })).toMatchObject({ route: 'rc-www-root' });
    // The Host names one chain's host, the SNI another: the SNI picks the chain.
    expect(resolveRequest(c, { port: 443, host: 'www.example.com', sni: 'api.example.com', path: '/' })).toMatchObject({ route: 'rc-any-root' });
    // No SNI: the catch-all chain, whatever the Host.
    expect(resolveRequest(c, { port: 443, host: 'www.example.com', sni: null, path: '/' })).toMatchObject({ route: 'rc-any-root' });
  });

  it('redirects keep the https scheme of the connection', () => {
    expect(resolveRequest(c, { port: 443, host: 'www.example.com', path: '/r' })).toMatchObject({ type: 'redirect', location: 'https://example.org/r' });
    expect(resolveRequest(c, { port: 80, host: 'www.example.com', path: '/r' })).toMatchObject({ type: 'redirect', location: 'http://example.org/r' });
  });

  it('closes the connection when no served certificate covers the name the client verifies', () => {
    const res = resolveRequest(c, { port: 443, host: 'example.net', path: '/' });
    expect(res.type).toBe('connection-closed');
    expect(res.type === 'connection-closed' && res.reason).toMatch(/no certificate covers example\.net/);
    // Without SNI the client still verifies the host it dials.
    expect(resolveRequest(c, { port: 443, host: 'example.net', sni: null, path: '/' })).toMatchObject({ type: 'connection-closed' });
  });

  it('closes the connection when the client speaks the other scheme, or no chain fits', () => {
    expect(resolveRequest(c, { port: 443, host: 'www.example.com', scheme: 'http', path: '/' })).toMatchObject({ type: 'connection-closed', reason: expect.stringMatching(/speaks https, the client http/) });
    expect(resolveRequest(c, { port: 80, host: 'www.example.com', scheme: 'https', path: '/' })).toMatchObject({ type: 'connection-closed' });
    const noCatchAll = tlsConfig();
    const l = noCatchAll.listeners[0] as { filter_chains: JsonObject[] };
    l.filter_chains = l.filter_chains.slice(0, 1);
    expect(resolveRequest(noCatchAll, { port: 443, host: 'a.example.com', path: '/' })).toMatchObject({ type: 'connection-closed', reason: expect.stringMatching(/no filter chain matches server name a\.example\.com/) });
  });

  it('speaks HTTP/2 over TLS only where ALPN offers h2', () => {
    expect(resolveRequest(c, { port: 443, host: 'www.example.com', path: '/', protocol: 'HTTP/2' })).toMatchObject({ type: 'forward', backends: [{ request: { protocol: 'HTTP/1.1' } }] });
    const h1 = tlsConfig();
    for (const chain of (h1.listeners[0] as { filter_chains: { transport_socket: { typed_config: { common_tls_context: JsonObject } } }[] }).filter_chains) chain.transport_socket.typed_config.common_tls_context['alpn_protocols'] = ['http/1.1'];
    expect(resolveRequest(h1, { port: 443, host: 'www.example.com', path: '/', protocol: 'HTTP/2' })).toMatchObject({ type: 'connection-closed', reason: expect.stringMatching(/ALPN offers http\/1\.1, the client needs h2/) });
    expect(resolveRequest(h1, { port: 443, host: 'www.example.com', path: '/' })).toMatchObject({ type: 'forward' });
  });

  it('reads no SNI without the TLS inspector, and needs the certificates themselves', () => {
    expect(resolveRequest(tlsConfig({ inspector: false }), { port: 443, host: 'www.example.com', path: '/' })).toMatchObject({ route: 'rc-any-root' });
    expect(() => resolveRequest(tlsConfig({ redacted: true }), { port: 443, host: 'www.example.com', path: '/' })).toThrow(/carries no PEM certificate/);
  });
});
