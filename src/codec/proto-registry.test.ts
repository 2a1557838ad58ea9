import { describe, expect, it } from 'vitest';
import { CodecError, MessageType, formatDuration, parseDuration, protoRegistry, typeUrl } from './proto-registry.ts';

const registry = protoRegistry();

describe('proto registry', () => {
  it('shadows the bundled Envoy protos with our newer fields', () => {
    const cookie = registry.message('envoy.type.http.v3.Cookie');
    expect(cookie?.fields.map((f) => f.name)).toEqual(['name', 'ttl', 'path', 'attributes']);
    const session = registry.message(MessageType.statefulSession);
    expect(session?.fields.map((f) => [f.name, f.number])).toEqual([
      ['session_state', 1],
      ['strict', 2],
      ['stat_prefix', 3],
      ['status_on_strict_destination_not_found', 4],
    ]);
  });

  it('exposes validate rules and required oneofs as plain options', () => {
    const attr = registry.message('envoy.type.http.v3.CookieAttribute');
    expect(attr?.fields[0]?.options).toContainEqual({
      '(validate.rules)': { string: { min_len: 1, max_bytes: 16384, well_known_regex: 'HTTP_HEADER_NAME', strict: false } },
    });
    const perRoute = registry.message(MessageType.statefulSessionPerRoute);
    expect(perRoute?.oneofs).toEqual([
      { name: 'override', fields: ['disabled', 'stateful_session'], options: [{ '(validate.required)': true }], synthetic: false },
    ]);
  });

  it('round-trips nested Anys, durations, wrappers, enums and 64-bit ints', () => {
    const cluster = {
      name: 'default/backend/3000/sticky',
      type: 'EDS',
      connect_timeout: '0.250s',
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
      common_lb_config: { override_host_status: { statuses: ['UNKNOWN', 'HEALTHY', 'DEGRADED', 'DRAINING'] } },
      per_connection_buffer_limit_bytes: 32768,
      load_balancing_policy: {
        policies: [{
          typed_extension_config: {
            name: 'envoy.load_balancing_policies.ring_hash',
            typed_config: { '@type': typeUrl(MessageType.ringHash), minimum_ring_size: '1024', maximum_ring_size: 8388608 },
          },
        }],
      },
    };
    const out = registry.roundTrip(MessageType.cluster, cluster);
    expect(out).toEqual({
      ...cluster,
      connect_timeout: '0.250s',
      load_balancing_policy: {
        policies: [{
          typed_extension_config: {
            name: 'envoy.load_balancing_policies.ring_hash',
            typed_config: { '@type': typeUrl(MessageType.ringHash), minimum_ring_size: '1024', maximum_ring_size: '8388608' },
          },
        }],
      },
    });
  });

  it('encodes the session cookie value Envoy writes', () => {
    const bytes = registry.encode(MessageType.sessionCookie, { address: '10.0.0.1:8080', expires: '1700000000' });
    // field 1 (address), length-delimited; field 2 (expires), varint.
    expect(bytes[0]).toBe(0x0a);
    expect(bytes[1]).toBe('10.0.0.1:8080'.length);
    expect(bytes[2 + 13]).toBe(0x10);
    expect(registry.decode(MessageType.sessionCookie, bytes)).toEqual({ address: '10.0.0.1:8080', expires: '1700000000' });
  });

  it('rejects unknown fields, unknown types and bad values with a path', () => {
    expect(() => registry.encode(MessageType.cluster, { name: 'c', conect_timeout: '1s' })).toThrow(/conect_timeout: unknown field/);
    expect(() => registry.encode('google.protobuf.Any', { '@type': typeUrl('envoy.nope.v3.Nope') })).toThrow(CodecError);
    expect(() => registry.encode(MessageType.cluster, { name: 'c', lb_policy: 'RINGHASH' })).toThrow(/unknown enum value "RINGHASH"/);
    expect(() => registry.encode(MessageType.cluster, { name: 'c', connect_timeout: '5 seconds' })).toThrow(/connect_timeout: bad Duration/);
  });

  it('formats and parses proto3 JSON durations', () => {
    expect(parseDuration('1.5s')).toEqual({ seconds: 1, nanos: 500_000_000 });
    expect(parseDuration('10')).toBeUndefined();
    expect(formatDuration(3600, 0)).toBe('3600s');
    expect(formatDuration(0, 250_000_000)).toBe('0.250s');
    expect(formatDuration(1, 1)).toBe('1.000000001s');
  });
});

describe('proto registry type checks (encode trusts them)', () => {
  it.each([
    [{ name: 'c', per_connection_buffer_limit_bytes: 'lots' }, /per_connection_buffer_limit_bytes\.value: not an integer: "lots"/],
    [{ name: 7 }, /name: string expected, got 7/],
    [{ name: 'c', respect_dns_ttl: 'yes' }, /respect_dns_ttl: boolean expected, got "yes"/],
    [{ name: 'c', lb_policy: 1.5 }, /lb_policy: enum value expected, got 1.5/],
    [{ name: 'c', common_lb_config: { healthy_panic_threshold: { value: 'high' } } }, /healthy_panic_threshold\.value: not a number: "high"/],
    [{ name: 'c', load_assignment: { cluster_name: 'c', endpoints: [{ priority: -1 }] } }, /priority: uint32 expected, got -1/],
  ])('rejects %j', (json, message) => {
    expect(() => registry.encode(MessageType.cluster, json as never)).toThrow(message);
  });
});
