// The edge settings in Envoy's words: every variant the FleetParameters allow builds listeners and
// bootstraps the strict validator accepts, and each setting lands in the field docs/edge.md names.
import { describe, expect, it } from 'vitest';
import type { EdgeIR, GatewayIR } from '../ir/ir.ts';
import { buildEnvoyResources } from './build-envoy-resources.ts';
import { buildStaticBootstrap } from './bootstrap.ts';
import { ACCESS_LOG_FIELDS } from './edge.ts';
import { expectValidBootstrap, expectValidEnvoyResources } from '../../test/support/envoy-assertions.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEFAULT_EDGE: EdgeIR = { accessLog: 'JSON', trustedHops: 0, proxyProtocol: false, escapedSlashes: 'UnescapeAndRedirect', headersWithUnderscores: 'Drop', drainTimeoutSeconds: 5, maxConnections: 50000 };

function gateway(edge: EdgeIR, https = false): GatewayIR {
  const route = { name: 'HTTPRoute/default/r/rule/0/match/0', source: { kind: 'HTTPRoute' as const, namespace: 'default', name: 'r', ruleIndex: 0, matchIndex: 0 }, match: { path: { type: 'PathPrefix' as const, value: '/' }, headers: [], queryParams: [] }, action: { type: 'direct-response' as const, status: 200 } };
  const vhost = { name: '*', domains: ['*'], routes: [route] };
  const listener = https
    ? { name: 'default/gw/443', port: 443, bindPort: 10443, virtualHosts: [], tls: { chains: [{ name: 'default/gw/443/*', serverNames: [], secrets: ['default/cert'], parameters: {}, virtualHosts: [vhost] }] } }
    : { name: 'default/gw/80', port: 80, bindPort: 10080, virtualHosts: [vhost] };
  const secrets = [{ name: 'default/cert', namespace: 'default', secretName: 'cert', certificate: { subject: 'CN=gw.example', dnsNames: ['gw.example'], notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z', sha256Fingerprint: '00', keyType: 'EC P-256' } }];
  return { name: 'default/gw', listeners: [listener], clusters: [], edge, ...(https ? { secrets } : {}) };
}

const loose = (j: unknown): Any => j as Any;
const hcmOf = (listener: Any): Any => listener.filter_chains[0].filters[0].typed_config;

describe('edge settings in the served listeners', () => {
  const variants: [string, Partial<EdgeIR>][] = [
    ['the defaults', {}],
    ['text access log, two trusted hops, PROXY protocol', { accessLog: 'Text', trustedHops: 2, proxyProtocol: true }],
    ['no access log, escaped slashes kept, underscores rejected, 30s drain', { accessLog: 'Off', escapedSlashes: 'KeepUnchanged', headersWithUnderscores: 'Reject', drainTimeoutSeconds: 30 }],
    ['escaped slashes rejected, underscores allowed', { escapedSlashes: 'Reject', headersWithUnderscores: 'Allow' }],
    ['escaped slashes forwarded unescaped', { escapedSlashes: 'UnescapeAndForward' }],
  ];
  it.each(variants)('%s: valid for Envoy, plain and HTTPS', (_name, change) => {
    for (const https of [false, true]) {
      const gw = gateway({ ...DEFAULT_EDGE, ...change }, https);
      expectValidEnvoyResources(buildEnvoyResources(gw));
      // The static bootstrap has no SDS, so `translate --bootstrap` refuses HTTPS Gateways.
      if (!https) expectValidBootstrap(buildStaticBootstrap(gw));
    }
  });

  it('defaults: JSON access log on stdout, no trusted hops, escaped slashes redirected, underscore headers dropped, 5s drain', () => {
    const [listener] = buildEnvoyResources(gateway(DEFAULT_EDGE)).listeners as Any[];
    const hcm = hcmOf(listener);
    expect(hcm.access_log).toHaveLength(1);
    expect(hcm.access_log[0].name).toBe('envoy.access_loggers.stdout');
    expect(hcm.access_log[0].typed_config.log_format.json_format).toEqual(ACCESS_LOG_FIELDS);
    expect(hcm.xff_num_trusted_hops).toBeUndefined();
    expect(hcm.use_remote_address).toBe(true);
    expect(hcm.path_with_escaped_slashes_action).toBe('UNESCAPE_AND_REDIRECT');
    expect(hcm.common_http_protocol_options).toEqual({ headers_with_underscores_action: 'DROP_HEADER' });
    expect(hcm.drain_timeout).toBe('5s');
    expect(listener.listener_filters).toBeUndefined();
  });

  it('the access log has the fields the docs promise, and never a cookie, credential or query string', () => {
    expect(Object.keys(ACCESS_LOG_FIELDS)).toEqual(expect.arrayContaining(['time', 'method', 'path', 'status', 'duration_ms', 'bytes_sent', 'upstream_host', 'route']));
    const text = JSON.stringify(buildEnvoyResources(gateway({ ...DEFAULT_EDGE, accessLog: 'Text' })).listeners).toLowerCase();
    for (const secret of ['cookie', 'authorization', 'x-api-key', 'proxy-authorization', '%req(:path)%']) expect(text).not.toContain(secret);
    expect(ACCESS_LOG_FIELDS['path']).toMatch(/^%REQ_WITHOUT_QUERY\(/);
    const fmt = loose(buildEnvoyResources(gateway({ ...DEFAULT_EDGE, accessLog: 'Text' })).listeners[0]).filter_chains[0].filters[0].typed_config.access_log[0].typed_config.log_format;
    expect(fmt.text_format_source.inline_string).toBe(`${Object.values(ACCESS_LOG_FIELDS).join(' ')}\n`);
    expect(fmt.formatters[0].name).toBe('envoy.formatter.req_without_query');
  });

  it('Off leaves the access log out; options reach their fields', () => {
    const [listener] = buildEnvoyResources(gateway({ ...DEFAULT_EDGE, accessLog: 'Off', trustedHops: 3, escapedSlashes: 'Reject', headersWithUnderscores: 'Reject', drainTimeoutSeconds: 0.5 })).listeners as Any[];
    const hcm = hcmOf(listener);
    expect(hcm.access_log).toBeUndefined();
    expect(hcm.xff_num_trusted_hops).toBe(3);
    expect(hcm.path_with_escaped_slashes_action).toBe('REJECT_REQUEST');
    expect(hcm.common_http_protocol_options.headers_with_underscores_action).toBe('REJECT_REQUEST');
    expect(hcm.drain_timeout).toBe('0.500s');
  });

  it('the PROXY protocol filter comes first, before the TLS inspector on HTTPS listeners', () => {
    const plain = loose(buildEnvoyResources(gateway({ ...DEFAULT_EDGE, proxyProtocol: true })).listeners[0]);
    expect(plain.listener_filters.map((f: Any) => f.name)).toEqual(['envoy.filters.listener.proxy_protocol']);
    const tls = loose(buildEnvoyResources(gateway({ ...DEFAULT_EDGE, proxyProtocol: true }, true)).listeners[0]);
    expect(tls.listener_filters.map((f: Any) => f.name)).toEqual(['envoy.filters.listener.proxy_protocol', 'envoy.filters.listener.tls_inspector']);
    // Every HTTPS filter chain's connection manager carries the same edge fields.
    expect(hcmOf(tls).path_with_escaped_slashes_action).toBe('UNESCAPE_AND_REDIRECT');
  });

  it('binds the mapped port and keeps the Gateway port in the name', () => {
    const [listener] = buildEnvoyResources(gateway(DEFAULT_EDGE)).listeners as Any[];
    expect(listener.name).toBe('default/gw/80');
    expect(listener.address.socket_address.port_value).toBe(10080);
  });

  it('the static bootstrap caps downstream connections with the overload manager', () => {
    const b = loose(buildStaticBootstrap(gateway({ ...DEFAULT_EDGE, maxConnections: 1234 })));
    expect(b.overload_manager.resource_monitors).toEqual([
      { name: 'envoy.resource_monitors.global_downstream_max_connections', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig', max_active_downstream_connections: '1234' } },
    ]);
  });
});
