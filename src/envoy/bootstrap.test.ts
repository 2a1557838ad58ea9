import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envoyBootstrapFiles } from '../../scripts/generate-envoy-bootstraps.ts';
import { expectValidBootstrap } from '../../test/support/envoy-assertions.ts';
import { expectRoundTrip } from '../../test/support/envoy-round-trip.ts';
import { buildAdsBootstrap, DEFAULT_MAX_CONNECTIONS, XDS_CLUSTER_NAME } from './bootstrap.ts';
import { EDGE_DEFAULTS } from '../k8s/fleet-parameters.ts';
import { MessageType, type JsonObject } from '../codec/proto-registry.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('ADS bootstrap', () => {
  const base = { gateway: 'team-a/edge', xdsHost: 'tether.example', xdsPort: 18000, adminPort: 9901 };

  it('names the Gateway in node.cluster and reaches Tether over one HTTP/2 ADS stream', () => {
    const json = buildAdsBootstrap(base);
    const b = json as unknown as { node: JsonObject; dynamic_resources: Record<string, JsonObject>; static_resources: { clusters: JsonObject[] } };
    expect(b.node).toEqual({ cluster: 'team-a/edge' });
    const ads = b.dynamic_resources['ads_config'];
    expect(ads['api_type']).toBe('DELTA_GRPC');
    expect(ads['set_node_on_first_message_only']).toBe(true);
    expect(ads['grpc_services']).toEqual([{ envoy_grpc: { cluster_name: XDS_CLUSTER_NAME } }]);
    for (const key of ['lds_config', 'cds_config']) expect(b.dynamic_resources[key]).toMatchObject({ ads: {}, resource_api_version: 'V3' });
    const xds = b.static_resources.clusters[0];
    expect(xds['name']).toBe(XDS_CLUSTER_NAME);
    expect(JSON.stringify(xds)).toContain('"address":"tether.example","port_value":18000');
    expect(JSON.stringify(xds)).toContain('http2_protocol_options');
    expectValidBootstrap(json);
    expectRoundTrip(MessageType.bootstrap, json);
  });

  it('caps downstream connections (overload manager), at the FleetParameters default unless told', () => {
    expect(DEFAULT_MAX_CONNECTIONS).toBe(EDGE_DEFAULTS.maxConnections);
    const monitor = (b: JsonObject) => ((b['overload_manager'] as { resource_monitors: JsonObject[] }).resource_monitors[0]['typed_config'] as JsonObject)['max_active_downstream_connections'];
    expect(monitor(buildAdsBootstrap(base))).toBe(String(EDGE_DEFAULTS.maxConnections));
    const capped = buildAdsBootstrap({ ...base, maxConnections: 100 });
    expect(monitor(capped)).toBe('100');
    expectValidBootstrap(capped);
    expectRoundTrip(MessageType.bootstrap, capped);
  });

  it('speaks state-of-the-world ADS when asked, and carries a node id when given one', () => {
    const b = buildAdsBootstrap({ ...base, delta: false, nodeId: 'envoy-0' }) as { node: JsonObject; dynamic_resources: Record<string, JsonObject> };
    expect(b.dynamic_resources['ads_config']['api_type']).toBe('GRPC');
    expect(b.node).toEqual({ id: 'envoy-0', cluster: 'team-a/edge' });
  });
});

describe('ADS bootstrap over mutual TLS', () => {
  const base = { gateway: 'team-a/edge', xdsHost: 'tether.example', xdsPort: 18000, adminPort: 9901 };

  it('presents the Gateway\'s client certificate and checks Tether\'s against the CA and the dialled name', () => {
    const json = buildAdsBootstrap({ ...base, tls: { dir: '/etc/tether-xds/' } });
    const xds = (json as { static_resources: { clusters: JsonObject[] } }).static_resources.clusters[0];
    expect(xds['transport_socket']).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        sni: 'tether.example',
        common_tls_context: {
          alpn_protocols: ['h2'],
          tls_certificates: [{ certificate_chain: { filename: '/etc/tether-xds/tls.crt' }, private_key: { filename: '/etc/tether-xds/tls.key' } }],
          validation_context: { trusted_ca: { filename: '/etc/tether-xds/ca.crt' }, match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'tether.example' } }] },
        },
      },
    });
    expectValidBootstrap(json);
    expectRoundTrip(MessageType.bootstrap, json);
    expect(JSON.stringify(buildAdsBootstrap({ ...base, tls: { dir: '/d', serverName: 'xds.internal' } }))).toContain('"exact":"xds.internal"');
  });

  it('is checked by the validator inside the TLS context (a bad SAN type fails)', () => {
    const json = structuredClone(buildAdsBootstrap({ ...base, tls: { dir: '/d' } }));
    const text = JSON.stringify(json).replace('"san_type":"DNS"', '"san_type":"SAN_TYPE_UNSPECIFIED"');
    expect(() => expectValidBootstrap(JSON.parse(text) as JsonObject)).toThrow(/san_type/);
  });
});

describe('envoy/ bootstrap files', () => {
  const files = [...envoyBootstrapFiles()];

  it('covers compose (delta and SotW) and Kubernetes', () => {
    expect(files.map(([path]) => path).sort()).toEqual(['envoy/bootstrap-compose-sotw.yaml', 'envoy/bootstrap-compose.yaml', 'envoy/bootstrap-k8s.yaml']);
  });

  it.each(files)('%s is what the generator writes (run `npm run generate:envoy`)', (path, text) => {
    expect(readFileSync(join(root, path), 'utf8')).toBe(text);
  });

  it.each(files)('%s reaches Tether over mutual TLS', (_path, text) => {
    expect(text).toContain('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
    expect(text).toMatch(/filename: \/etc\/tether-(certs\/gateway\/default\/demo-gateway|xds)\/tls\.key/);
  });

  it.each(files)('%s is a valid Envoy bootstrap', (_path, text) => {
    expectValidBootstrap(parse(text) as JsonObject);
    expectRoundTrip(MessageType.bootstrap, parse(text) as JsonObject);
  });
});
