import { describe, expect, it } from 'vitest';
import { MessageType, typeUrl } from '../../src/codec/proto-registry.ts';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener, sampleRouteConfiguration } from '../../src/validator/sample-resources.ts';
import { expectValidBootstrap, expectValidEnvoyResources } from './envoy-assertions.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: JsonObject): Any => j;

function bootstrap(): Any {
  return {
    node: { id: 'envoy-0', cluster: 'tether-gateway' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } },
    dynamic_resources: {
      ads_config: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds' } }] },
      lds_config: { ads: {}, resource_api_version: 'V3' },
      cds_config: { ads: {}, resource_api_version: 'V3' },
    },
    static_resources: {
      clusters: [{
        name: 'xds',
        type: 'STRICT_DNS',
        connect_timeout: '1s',
        http2_protocol_options: {},
        load_assignment: { cluster_name: 'xds', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'tether.tether-system', port_value: 18000 } } } }] }] },
      }],
    },
  };
}

describe('expectValidEnvoyResources', () => {
  it('passes a valid snapshot', () => {
    expect(() => expectValidEnvoyResources({
      listeners: [sampleListener()],
      routes: [sampleRouteConfiguration()],
      clusters: [sampleCluster()],
      endpoints: [sampleClusterLoadAssignment()],
    })).not.toThrow();
  });

  it('fails listing every error with its resource path, including duplicates and round-trip losses', () => {
    const broken = loose(sampleCluster());
    broken.connect_timeout = '0s';
    expect(() => expectValidEnvoyResources({ clusters: [sampleCluster(), broken] })).toThrow(
      'Envoy resources are not valid:\n' +
        '  error: clusters[1].connect_timeout: duration.gt: must be greater than 0s, got 0s\n' +
        '  error: clusters[1].name: duplicate Cluster name "default/shop/8080" (also [0])',
    );
  });

  it('reports an unknown extension type deep inside a listener', () => {
    const l = loose(sampleListener());
    l.filter_chains[0].filters[0].typed_config.http_filters[0].typed_config['@type'] = typeUrl('envoy.extensions.filters.http.nope.v3.Nope');
    expect(() => expectValidEnvoyResources({ listeners: [l] })).toThrow(
      /listeners\[0\]\.filter_chains\[0\]\.filters\[0\]\.typed_config\.http_filters\[0\]\.typed_config: unknown type type\.googleapis\.com\/envoy\.extensions\.filters\.http\.nope\.v3\.Nope in Any/,
    );
  });

  it('passes warnings', () => {
    const c = loose(sampleCluster());
    c.max_requests_per_connection = 100; // deprecated: a warning only
    expect(() => expectValidEnvoyResources({ clusters: [c] })).not.toThrow();
  });
});

describe('expectValidBootstrap', () => {
  it('passes a valid ADS bootstrap', () => {
    expect(() => expectValidBootstrap(bootstrap())).not.toThrow();
  });

  it('needs the xDS cluster to be static and ADS to be configured for ads config sources', () => {
    const b = bootstrap();
    b.dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name = 'xds-typo';
    expect(() => expectValidBootstrap(b)).toThrow(
      `${MessageType.bootstrap} is not valid Envoy config:\n` +
        "  error: dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: Unknown gRPC client cluster 'xds-typo'",
    );
    const c = bootstrap();
    delete c.dynamic_resources.ads_config;
    expect(() => expectValidBootstrap(c)).toThrow(
      `${MessageType.bootstrap} is not valid Envoy config:\n` +
        '  error: dynamic_resources.lds_config.ads: ADS must be configured to support an ADS config source (set dynamic_resources.ads_config)\n' +
        '  error: dynamic_resources.cds_config.ads: ADS must be configured to support an ADS config source (set dynamic_resources.ads_config)',
    );
  });

  it('rejects repeated static cluster names', () => {
    const b = bootstrap();
    b.static_resources.clusters.push(b.static_resources.clusters[0]);
    expect(() => expectValidBootstrap(b)).toThrow('error: static_resources.clusters[1].name: duplicate Cluster name "xds" (also [0])');
  });

  it('fails on an invalid one, naming the type and the field', () => {
    const b = bootstrap();
    b.dynamic_resources.ads_config.api_type = 'GRCP';
    expect(() => expectValidBootstrap(b)).toThrow(
      `${MessageType.bootstrap} is not valid Envoy config:\n` +
        '  error: dynamic_resources.ads_config.api_type: unknown value "GRCP" of enum envoy.config.core.v3.ApiConfigSource.ApiType (did you mean "GRPC"?)',
    );
  });
});
