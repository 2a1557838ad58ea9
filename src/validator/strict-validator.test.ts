import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry, typeUrl } from '../codec/proto-registry.ts';
import type { JsonObject } from '../codec/proto-registry.ts';
import {
  assertValidEnvoy,
  checkRoundTrip,
  validateEncoded,
  validateResource,
  validateResources,
  validateResourceSet,
} from './strict-validator.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener, sampleRouteConfiguration } from './sample-resources.ts';

// Loose access to nested sample fields for mutation in tests.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: JsonObject): Any => j;
const hcmOf = (l: JsonObject): Any => loose(l).filter_chains[0].filters[0].typed_config;
const routeOf = (rc: JsonObject): Any => loose(rc).virtual_hosts[0].routes[0];
const HCM = 'filter_chains[0].filters[0].typed_config';
const ROUTE = 'virtual_hosts[0].routes[0]';
const COOKIE = `${ROUTE}.typed_per_filter_config["envoy.filters.http.stateful_session"].stateful_session.session_state.typed_config.cookie`;

const errors = (typeName: string, json: JsonObject): { path: string; message: string }[] =>
  validateResource(typeName, json).filter((f) => f.level === 'error').map(({ path, message }) => ({ path, message }));

describe('clean resources', () => {
  it.each([
    ['Listener (HCM over ADS, inert stateful_session, router)', MessageType.listener, sampleListener],
    ['RouteConfiguration (per-route cookie session, hash policy)', MessageType.routeConfiguration, sampleRouteConfiguration],
    ['EDS Cluster (ring hash policy, override_host_status)', MessageType.cluster, sampleCluster],
    ['ClusterLoadAssignment (DRAINING endpoint)', MessageType.clusterLoadAssignment, sampleClusterLoadAssignment],
  ])('%s has no findings and round-trips', (_name, typeName, make) => {
    expect(validateResource(typeName, make())).toEqual([]);
    expect(checkRoundTrip(typeName, make())).toEqual([]);
    expect(() => assertValidEnvoy(typeName, make())).not.toThrow();
  });

  it('the whole snapshot has no findings', () => {
    expect(validateResources({
      listeners: [sampleListener()],
      routes: [sampleRouteConfiguration()],
      clusters: [sampleCluster()],
      endpoints: [sampleClusterLoadAssignment()],
    })).toEqual([]);
  });

  it('accepts lowerCamel keys', () => {
    const c = loose(sampleCluster());
    c.connectTimeout = c.connect_timeout;
    delete c.connect_timeout;
    c.commonLbConfig = c.common_lb_config;
    delete c.common_lb_config;
    expect(validateResource(MessageType.cluster, c)).toEqual([]);
    expect(checkRoundTrip(MessageType.cluster, c)).toEqual([]);
  });
});

describe('structure', () => {
  it('reports unknown fields with a did-you-mean, inside Anys too', () => {
    const l = sampleListener();
    const hcm = hcmOf(l);
    hcm.stat_prefx = hcm.stat_prefix;
    delete hcm.stat_prefix;
    expect(errors(MessageType.listener, l)).toEqual([
      { path: `${HCM}.stat_prefx`, message: 'unknown field "stat_prefx" in envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager (did you mean "stat_prefix"?)' },
      { path: `${HCM}.stat_prefix`, message: 'string.min_len: length must be at least 1 characters, got 0' },
    ]);
  });

  it('reports a field given in both spellings', () => {
    const c = loose(sampleCluster());
    c.connectTimeout = '1s';
    expect(errors(MessageType.cluster, c)).toEqual([
      { path: 'connect_timeout', message: 'field given twice, as "connect_timeout" and "connectTimeout"' },
    ]);
  });

  it('descends into nested Anys (cookie under per-route config) with the full path', () => {
    const rc = sampleRouteConfiguration();
    routeOf(rc).typed_per_filter_config['envoy.filters.http.stateful_session'].stateful_session.session_state.typed_config.cookie.name = '';
    expect(errors(MessageType.routeConfiguration, rc)).toEqual([
      { path: `${COOKIE}.name`, message: 'string.min_len: length must be at least 1 characters, got 0' },
    ]);
  });

  it('rejects an unknown @type with a did-you-mean over loaded types (and skips checks that would only echo it)', () => {
    const l = sampleListener();
    hcmOf(l).http_filters[1].typed_config['@type'] = typeUrl('envoy.extensions.filters.http.router.v3.Routr');
    expect(errors(MessageType.listener, l)).toEqual([
      {
        path: `${HCM}.http_filters[1].typed_config`,
        message: 'unknown type type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr in Any (did you mean "envoy.extensions.filters.http.router.v3.Router"?)',
      },
    ]);
  });

  it('rejects an unknown message type name', () => {
    expect(validateResource('envoy.config.listener.v3.Listenr', {})).toEqual([{ level: 'error', path: '', message: 'unknown message type envoy.config.listener.v3.Listenr' }]);
  });
});

describe('resource sets', () => {
  it('reports duplicate names per type', () => {
    expect(validateResourceSet(MessageType.cluster, [sampleCluster(), sampleCluster()])).toEqual([
      { level: 'error', path: '[1].name', message: 'duplicate Cluster name "default/shop/8080" (also [0])' },
    ]);
    expect(validateResourceSet(MessageType.clusterLoadAssignment, [sampleClusterLoadAssignment(), sampleClusterLoadAssignment()])).toEqual([
      { level: 'error', path: '[1].cluster_name', message: 'duplicate ClusterLoadAssignment name "default/shop/8080" (also [0])' },
    ]);
  });

  it('reports two listeners on one address', () => {
    const a = sampleListener();
    const b = loose(sampleListener());
    b.name = 'gw/other';
    expect(validateResourceSet(MessageType.listener, [a, b])).toEqual([
      { level: 'error', path: '[1].address', message: 'listener has duplicate address TCP:0.0.0.0:8080 as listener [0]' },
    ]);
  });
});

describe('encoded bytes and round trip', () => {
  it('validates what bytes hold', () => {
    const l = sampleListener();
    hcmOf(l).stat_prefix = 'x';
    const bytes = protoRegistry().encode(MessageType.listener, l);
    expect(validateEncoded(MessageType.listener, bytes)).toEqual([]);
    hcmOf(l).stat_prefix = '';
    expect(validateEncoded(MessageType.listener, protoRegistry().encode(MessageType.listener, l))).toEqual([
      { level: 'error', path: `${HCM}.stat_prefix`, message: 'string.min_len: length must be at least 1 characters, got 0' },
    ]);
  });

  it('reports undecodable bytes', () => {
    expect(validateEncoded(MessageType.listener, new Uint8Array([0x0a, 0x05, 0x61]))).toEqual([
      { level: 'error', path: '', message: 'malformed protobuf: truncated field' },
    ]);
  });

  it('treats equal protobuf values as equal', () => {
    const c = loose(sampleCluster());
    c.connect_timeout = '5.000s';
    c.load_balancing_policy.policies[0].typed_extension_config.typed_config.minimum_ring_size = 1024;
    c.per_connection_buffer_limit_bytes = 32768;
    c.lb_policy = 'ROUND_ROBIN'; // the default: absent after the round trip
    c.dns_lookup_family = 0; // enum by number
    expect(checkRoundTrip(MessageType.cluster, c)).toEqual([]);
  });

  it('carries Struct metadata through the codec (protobufjs names Value fields in lowerCamel)', () => {
    const c = loose(sampleCluster());
    c.metadata = { filter_metadata: { 'tether.dev': { n: 1.5, s: 'x', b: false, z: null, l: [1, 'two'], o: { deep: true } } } };
    expect(checkRoundTrip(MessageType.cluster, c)).toEqual([]);
  });

  it('reports an encoding failure as an error with its path', () => {
    const c = loose(sampleCluster());
    c.connect_timeout = 'soon';
    const f = checkRoundTrip(MessageType.cluster, c);
    expect(f).toEqual([{ level: 'error', path: 'connect_timeout', message: 'cannot encode: bad Duration "soon"' }]);
  });
});

describe('assertValidEnvoy', () => {
  it('throws listing every error, naming the resource', () => {
    const c = loose(sampleCluster());
    c.connect_timeout = '0s';
    delete c.eds_cluster_config;
    expect(() => assertValidEnvoy(MessageType.cluster, c)).toThrow(
      'envoy.config.cluster.v3.Cluster "default/shop/8080" is not valid Envoy config:\n' +
        '  error: connect_timeout: duration.gt: must be greater than 0s, got 0s\n' +
        '  error: <root>: cannot create an EDS cluster without an EDS config (set eds_cluster_config)',
    );
  });

  it('ignores warnings', () => {
    const c = loose(sampleCluster());
    c.use_tcp_for_dns_lookups = true;
    expect(validateResource(MessageType.cluster, c)).toEqual([
      { level: 'warning', path: 'use_tcp_for_dns_lookups', message: 'deprecated field use_tcp_for_dns_lookups (since 3.0)' },
    ]);
    expect(() => assertValidEnvoy(MessageType.cluster, c)).not.toThrow();
  });
});
