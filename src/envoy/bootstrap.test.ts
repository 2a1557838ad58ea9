import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envoyBootstrapFiles } from '../../scripts/generate-envoy-bootstraps.ts';
import { expectValidBootstrap } from '../../test/support/envoy-assertions.ts';
import { expectRoundTrip } from '../../test/support/envoy-round-trip.ts';
import { buildAdsBootstrap, XDS_CLUSTER_NAME } from './bootstrap.ts';
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

  it('speaks state-of-the-world ADS when asked, and carries a node id when given one', () => {
    const b = buildAdsBootstrap({ ...base, delta: false, nodeId: 'envoy-0' }) as { node: JsonObject; dynamic_resources: Record<string, JsonObject> };
    expect(b.dynamic_resources['ads_config']['api_type']).toBe('GRPC');
    expect(b.node).toEqual({ id: 'envoy-0', cluster: 'team-a/edge' });
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

  it.each(files)('%s is a valid Envoy bootstrap', (_path, text) => {
    expectValidBootstrap(parse(text) as JsonObject);
    expectRoundTrip(MessageType.bootstrap, parse(text) as JsonObject);
  });
});
