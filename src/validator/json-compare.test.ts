// The round-trip comparison: equal protobuf values compare equal however they are spelt, and any
// real difference (what a codec silently dropped or changed) is reported at its path.
import { describe, expect, it } from 'vitest';
import { MessageType, typeUrl } from '../codec/proto-registry.ts';
import type { JsonObject } from '../codec/proto-registry.ts';
import { schemaWalker } from './strict-validator.ts';
import type { Finding } from './finding.ts';
import { compareMessages } from './json-compare.ts';
import { sampleCluster, sampleRouteConfiguration } from './sample-resources.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: JsonObject): Any => j;

const compare = (type: string, a: unknown, b: unknown): Finding[] => {
  const out: Finding[] = [];
  compareMessages(schemaWalker(), type, a, b, '', out);
  return out;
};

describe('round-trip comparison', () => {
  it('treats spellings of equal values as equal', () => {
    const sent = { name: 'c', connectTimeout: '1s', per_connection_buffer_limit_bytes: { value: 5 }, lb_policy: 'ROUND_ROBIN', dns_lookup_family: 1, metadata: { filter_metadata: { a: { x: [1, 'y'] } } } };
    const back = { name: 'c', connect_timeout: '1.000s', per_connection_buffer_limit_bytes: 5, dns_lookup_family: 'V4_ONLY', metadata: { filter_metadata: { a: { x: [1, 'y'] } } } };
    expect(compare(MessageType.cluster, sent, back)).toEqual([]);
    expect(compare(MessageType.cluster, { name: 'c', ignore_health_on_host_removal: false }, { name: 'c' })).toEqual([]);
  });

  it('compares 64-bit integers, doubles, floats and bytes by value', () => {
    const c = loose(sampleCluster());
    const back = loose(sampleCluster());
    c.load_balancing_policy.policies[0].typed_extension_config.typed_config.minimum_ring_size = 1024;
    c.common_lb_config.healthy_panic_threshold = { value: 'NaN' };
    back.common_lb_config.healthy_panic_threshold = { value: 'NaN' };
    expect(compare(MessageType.cluster, c, back)).toEqual([]);
    const rc = { request_headers_to_add: [{ header: { key: 'k', raw_value: 'aGk-' } }] };
    expect(compare(MessageType.routeConfiguration, rc, { request_headers_to_add: [{ header: { key: 'k', raw_value: 'aGk+' } }] })).toEqual([]);
  });

  it('reports a dropped field inside an Any with its path', () => {
    const sent = loose(sampleRouteConfiguration());
    const back = loose(sampleRouteConfiguration());
    const cookie = (j: Any): Any => j.virtual_hosts[0].routes[0].typed_per_filter_config['envoy.filters.http.stateful_session'].stateful_session.session_state.typed_config.cookie;
    delete cookie(back).attributes;
    expect(compare(MessageType.routeConfiguration, sent, back)).toEqual([
      { level: 'error', path: 'virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.stateful_session"].stateful_session.session_state.typed_config.cookie.attributes[0]', message: 'round trip dropped the value {"name":"SameSite","value":"Lax"}' },
      { level: 'error', path: 'virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.stateful_session"].stateful_session.session_state.typed_config.cookie.attributes[1]', message: 'round trip dropped the value {"name":"Secure"}' },
    ]);
  });

  it('reports changed values, changed types in Anys, presence and map differences', () => {
    expect(compare(MessageType.cluster, { connect_timeout: '1s' }, { connect_timeout: '2s' })).toEqual([
      { level: 'error', path: 'connect_timeout', message: 'round trip changed the value: sent "1s", got back "2s"' },
    ]);
    expect(compare(MessageType.cluster, { name: 'a' }, { name: 'a', common_lb_config: {} })).toEqual([
      { level: 'error', path: 'common_lb_config', message: 'round trip added a value: {}' },
    ]);
    expect(compare(MessageType.cluster, { metadata: { typed_filter_metadata: { x: { '@type': typeUrl(MessageType.router) } } } }, { metadata: { typed_filter_metadata: { x: { '@type': typeUrl(MessageType.ringHash) } } } })).toEqual([
      { level: 'error', path: 'metadata.typed_filter_metadata["x"].@type', message: 'round trip changed the value: sent "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", got back "type.googleapis.com/envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash"' },
    ]);
    expect(compare(MessageType.cluster, { metadata: { filter_metadata: { a: {} } } }, { metadata: { filter_metadata: { b: {} } } })).toEqual([
      { level: 'error', path: 'metadata.filter_metadata["a"]', message: 'round trip dropped the value {}' },
      { level: 'error', path: 'metadata.filter_metadata["b"]', message: 'round trip added a value: {}' },
    ]);
    expect(compare(MessageType.cluster, { type: 'EDS' }, { type: 'STATIC' })).toEqual([
      { level: 'error', path: 'type', message: 'round trip changed the value: sent "EDS", got back "STATIC"' },
    ]);
  });
});
