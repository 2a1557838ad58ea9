// Structure, value types, well-known types, Anys, oneofs and field status, on real Envoy resources.
import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry, typeUrl } from '../codec/proto-registry.ts';
import type { JsonObject, MessageSchema } from '../codec/proto-registry.ts';
import { validateResource } from './strict-validator.ts';
import type { Finding } from './finding.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener, sampleRouteConfiguration } from './sample-resources.ts';
import { decodeBase64, parseTimestamp, SchemaWalker } from './schema-walker.ts';
import type { SchemaSource } from './schema-walker.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: JsonObject): Any => j;

interface Case {
  name: string;
  type: string;
  make: () => JsonObject;
  mutate: (j: Any) => void;
  findings: Finding[];
  strictJson?: boolean;
}

const HCM = 'filter_chains[0].filters[0].typed_config';
const hcm = (l: Any): Any => l.filter_chains[0].filters[0].typed_config;
const ep = (cla: Any): Any => cla.endpoints[0].lb_endpoints[0];
const EP = 'endpoints[0].lb_endpoints[0]';
const ringHash = (c: Any): Any => c.load_balancing_policy.policies[0].typed_extension_config.typed_config;
const RING = 'load_balancing_policy.policies[0].typed_extension_config.typed_config';
const err = (path: string, message: string): Finding => ({ level: 'error', path, message });
const warn = (path: string, message: string): Finding => ({ level: 'warning', path, message });

const cases: Case[] = [
  // ---- integers
  { name: 'uint32 below range', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).endpoint.address.socket_address.port_value = -1; },
    findings: [err(`${EP}.endpoint.address.socket_address.port_value`, 'uint32 out of range: -1')] },
  { name: 'uint32 above range', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).endpoint.address.socket_address.port_value = 2 ** 32; },
    findings: [err(`${EP}.endpoint.address.socket_address.port_value`, 'uint32 out of range: 4294967296')] },
  { name: 'uint32 as a decimal string is proto3 JSON', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).endpoint.address.socket_address.port_value = '8080'; }, findings: [] },
  { name: 'uint32 not an integer', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).endpoint.address.socket_address.port_value = 80.5; },
    findings: [err(`${EP}.endpoint.address.socket_address.port_value`, 'expected an integer (uint32), got 80.5')] },
  { name: 'uint32 not a number', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).endpoint.address.socket_address.port_value = 'abc'; },
    findings: [err(`${EP}.endpoint.address.socket_address.port_value`, 'expected an uint32 (number or decimal string), got "abc"')] },
  { name: 'uint64 as a decimal string and as a number', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ringHash(j).minimum_ring_size = '2048'; ringHash(j).maximum_ring_size = 4096; }, findings: [] },
  { name: 'uint64 number beyond 2^53', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ringHash(j).maximum_ring_size = 2 ** 53 + 2; },
    findings: [err(`${RING}.maximum_ring_size`, 'uint64 9007199254740994 is not exactly representable as a JSON number; write it as a decimal string')] },
  { name: 'uint64 negative', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ringHash(j).maximum_ring_size = '-1'; },
    findings: [err(`${RING}.maximum_ring_size`, 'uint64 out of range: -1')] },
  { name: 'uint64 beyond 2^64', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ringHash(j).maximum_ring_size = '18446744073709551616'; },
    findings: [err(`${RING}.maximum_ring_size`, 'uint64 out of range: 18446744073709551616')] },
  // ---- double, bool, string, bytes
  { name: 'double special values as strings', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.common_lb_config.healthy_panic_threshold = { value: 'NaN' }; },
    findings: [err('common_lb_config.healthy_panic_threshold.value', 'double.gte_lte: must be inside range [0, 100], got NaN')] },
  { name: 'double NaN as a JS number', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.common_lb_config.healthy_panic_threshold = { value: NaN }; },
    findings: [err('common_lb_config.healthy_panic_threshold.value', 'NaN must be written as the string "NaN" in proto3 JSON')] },
  { name: 'double as a numeric string', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.common_lb_config.healthy_panic_threshold = { value: '50.5' }; }, findings: [] },
  { name: 'bool given as a string', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[0].disabled = 'true'; },
    findings: [err(`${HCM}.http_filters[0].disabled`, 'expected a bool, got "true"')] },
  { name: 'string given as a number', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.name = 5; }, findings: [err('name', 'expected a string, got 5')] },
  { name: 'string with a lone surrogate', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.alt_stat_name = 'a\ud800'; }, findings: [err('alt_stat_name', 'string is not valid UTF-8 (lone surrogate)')] },
  { name: 'bytes not base64', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.request_headers_to_add = [{ header: { key: 'x-a', raw_value: 'not base64!' } }]; },
    findings: [err('request_headers_to_add[0].header.raw_value', 'expected base64-encoded bytes, got "not base64!"')] },
  { name: 'bytes in standard and URL-safe base64', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.request_headers_to_add = [{ header: { key: 'x-a', raw_value: 'aGk+Pz8/' } }, { header: { key: 'x-b', raw_value: 'aGk-Pz8_' } }]; },
    findings: [] },
  // ---- enums
  { name: 'enum by number', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.type = 3; }, findings: [] },
  { name: 'enum name misspelt', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.type = 'EDSS'; },
    findings: [err('type', 'unknown value "EDSS" of enum envoy.config.cluster.v3.Cluster.DiscoveryType (did you mean "EDS"?)')] },
  { name: 'enum number not defined (field without defined_only)', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.protocol_selection = 7; },
    findings: [err('protocol_selection', '7 is not a value of enum envoy.config.cluster.v3.Cluster.ClusterProtocolSelection'), warn('protocol_selection', 'deprecated field protocol_selection (since 3.0)')] },
  { name: 'enum as a bool', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.type = true; },
    findings: [err('type', 'expected an enum value name or number (envoy.config.cluster.v3.Cluster.DiscoveryType), got true')] },
  { name: 'deprecated enum value is a warning', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).rds.config_source.resource_api_version = 'V2'; },
    findings: [warn(`${HCM}.rds.config_source.resource_api_version`, 'deprecated enum value V2 of envoy.config.core.v3.ApiVersion (since 3.0)')] },
  { name: 'disallowed-by-default enum value is an error', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).rds.config_source = { api_config_source: { api_type: 'DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE' } }; },
    findings: [err(`${HCM}.rds.config_source.api_config_source.api_type`, 'enum value DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE of envoy.config.core.v3.ApiConfigSource.ApiType is deprecated and disallowed by default')] },
  // ---- well-known types
  { name: 'Duration as a number', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.connect_timeout = 5; }, findings: [err('connect_timeout', 'expected a Duration string like "1.5s", got 5')] },
  { name: 'Duration in the wrong unit', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.connect_timeout = '5m'; }, findings: [err('connect_timeout', 'expected a Duration like "1.5s", got "5m"')] },
  { name: 'Duration object form in strict JSON', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.connect_timeout = { seconds: 5 }; }, findings: [err('connect_timeout', 'expected a Duration string like "1.5s", got an object')] },
  { name: 'Duration object form outside strict JSON', type: MessageType.cluster, make: sampleCluster, strictJson: false,
    mutate: (j) => { j.connect_timeout = { seconds: 5, nanos: 1 }; }, findings: [] },
  { name: 'Duration object form outside strict JSON still checks PGV', type: MessageType.cluster, make: sampleCluster, strictJson: false,
    mutate: (j) => { j.connect_timeout = { seconds: '0' }; }, findings: [err('connect_timeout', 'duration.gt: must be greater than 0s, got 0s')] },
  { name: 'Duration object form with nanos out of range', type: MessageType.cluster, make: sampleCluster, strictJson: false,
    mutate: (j) => { j.connect_timeout = { seconds: 1, nanos: -5 }; },
    findings: [err('connect_timeout.nanos', 'nanos must be within ±999999999 and have the sign of seconds, got -5')] },
  { name: 'wrapper as a bare value', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.per_connection_buffer_limit_bytes = 32768; }, findings: [] },
  { name: 'wrapper object form in strict JSON', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.per_connection_buffer_limit_bytes = { value: 32768 }; },
    findings: [err('per_connection_buffer_limit_bytes', 'proto3 JSON writes google.protobuf.UInt32Value as a bare uint32, not an object')] },
  { name: 'wrapper object form outside strict JSON', type: MessageType.cluster, make: sampleCluster, strictJson: false,
    mutate: (j) => { j.per_connection_buffer_limit_bytes = { value: 32768 }; }, findings: [] },
  { name: 'wrapper with the wrong inner type', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.per_connection_buffer_limit_bytes = 'lots'; },
    findings: [err('per_connection_buffer_limit_bytes', 'expected an uint32 (number or decimal string), got "lots"')] },
  { name: 'Struct and Value accept any JSON', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { filter_metadata: { 'tether.dev': { a: [1, 'b', null, { c: true }], d: -0.5 } } }; }, findings: [] },
  { name: 'Struct rejects values JSON cannot hold', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { filter_metadata: { 'tether.dev': { a: [Infinity] } } }; },
    findings: [err('metadata.filter_metadata["tether.dev"]["a"][0]', 'Infinity is not representable in a google.protobuf.Value')] },
  { name: 'Struct must be an object', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { filter_metadata: { 'tether.dev': [] } }; },
    findings: [err('metadata.filter_metadata["tether.dev"]', 'expected an object (Struct), got an array')] },
  { name: 'Timestamp in an Any', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { typed_filter_metadata: { t: { '@type': typeUrl('google.protobuf.Timestamp'), value: '2024-02-29T12:00:00.5+01:00' } } }; },
    findings: [] },
  { name: 'Timestamp malformed', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { typed_filter_metadata: { t: { '@type': typeUrl('google.protobuf.Timestamp'), value: '2023-02-29T12:00:00Z' } } }; },
    findings: [err('metadata.typed_filter_metadata["t"].value', 'expected an RFC 3339 Timestamp like "2024-01-01T00:00:00Z", got "2023-02-29T12:00:00Z"')] },
  { name: 'Empty with a field', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { typed_filter_metadata: { e: { '@type': typeUrl('google.protobuf.Empty'), x: 1 } } }; },
    findings: [err('metadata.typed_filter_metadata["e"].x', 'unknown field "x" in google.protobuf.Empty')] },
  // ---- Any
  { name: 'Any without @type', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { delete hcm(j).http_filters[1].typed_config['@type']; },
    findings: [err(`${HCM}.http_filters[1].typed_config`, 'Any without "@type"')] },
  { name: 'Any with a type URL without a slash', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[1].typed_config['@type'] = MessageType.router; },
    findings: [err(`${HCM}.http_filters[1].typed_config`, 'invalid type URL "envoy.extensions.filters.http.router.v3.Router": expected "type.googleapis.com/<type>"')] },
  { name: 'Any with another type URL prefix', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[1].typed_config['@type'] = `example.com/${MessageType.router}`; },
    findings: [warn(`${HCM}.http_filters[1].typed_config`, 'type URL "example.com/envoy.extensions.filters.http.router.v3.Router" does not start with "type.googleapis.com/"')] },
  { name: 'Any in packed form in strict JSON', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[1].typed_config = { type_url: typeUrl(MessageType.router), value: '' }; },
    findings: [err(`${HCM}.http_filters[1].typed_config`, 'Any without "@type"')] },
  { name: 'Any in packed form outside strict JSON is decoded and checked', type: MessageType.listener, make: sampleListener, strictJson: false,
    mutate: (j) => {
      const bytes = protoRegistry().encode(MessageType.statefulSession, { session_state: { name: '', typed_config: { '@type': typeUrl(MessageType.headerSessionState), name: 'x-session' } } });
      hcm(j).http_filters[0].typed_config = { type_url: typeUrl(MessageType.statefulSession), value: Buffer.from(bytes).toString('base64') };
    },
    findings: [err(`${HCM}.http_filters[0].typed_config.session_state.name`, 'string.min_len: length must be at least 1 characters, got 0')] },
  // ---- structure
  { name: 'repeated field given as an object', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts = {}; }, findings: [err('virtual_hosts', 'expected an array, got an object')] },
  { name: 'null list element', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts[0].domains = ['a.example', null]; }, findings: [err('virtual_hosts[0].domains[1]', 'null is not a valid list element')] },
  { name: 'map given as an array', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { filter_metadata: [] }; }, findings: [err('metadata.filter_metadata', 'expected an object (map), got an array')] },
  { name: 'a field given twice, once as null', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.lbPolicy = null; j.lb_policy = 'MAGLEV'; }, findings: [err('lb_policy', 'field given twice, as "lbPolicy" and "lb_policy"')] },
  { name: 'null means absent', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.lb_policy = null; j.metadata = null; }, findings: [] },
  { name: 'message given as a string', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.common_lb_config = 'yes'; },
    findings: [err('common_lb_config', 'expected an object (envoy.config.cluster.v3.Cluster.CommonLbConfig), got "yes"')] },
  // ---- oneofs
  { name: 'two members of a oneof', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).route_config = { name: 'inline' }; },
    findings: [err(HCM, 'oneof route_specifier: more than one member set (rds, route_config)')] },
  { name: 'two members of a oneof, one in lowerCamel', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.clusterType = { name: 'envoy.clusters.custom' }; },
    findings: [err('', 'oneof cluster_discovery_type: more than one member set (type, cluster_type)')] },
  { name: 'required oneof with no member', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { delete hcm(j).rds; }, findings: [err(HCM, 'oneof route_specifier is required: set one of rds, route_config, scoped_routes')] },
  { name: 'a oneof member set to its default is set', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts[0].routes[0].typed_per_filter_config['envoy.filters.http.stateful_session'].disabled = false; },
    findings: [
      err('virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.stateful_session"].disabled', 'bool.const: must be true, got false'),
      err('virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.stateful_session"]', 'oneof override: more than one member set (disabled, stateful_session)'),
    ] },
  // ---- field status
  { name: 'deprecated field is a warning', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.max_requests_per_connection = 10; },
    findings: [warn('max_requests_per_connection', 'deprecated field max_requests_per_connection (since 3.0)')] },
  { name: 'deprecated scalar at its default is not set', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.use_tcp_for_dns_lookups = false; }, findings: [] },
  { name: 'disallowed-by-default field is an error', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts[0].rate_limits = [{ actions: [{ dynamic_metadata: { descriptor_key: 'k', metadata_key: { key: 'a', path: [{ key: 'b' }] } } }] }]; },
    findings: [err('virtual_hosts[0].rate_limits[0].actions[0].dynamic_metadata', 'deprecated field dynamic_metadata (since 3.0) is disallowed by default: Envoy rejects it unless a runtime override re-enables it')] },
  { name: 'work-in-progress field is a warning', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.filter_chain_matcher = {}; },
    findings: [
      warn('filter_chain_matcher', 'xds.type.matcher.v3.Matcher is work in progress and may change or be rejected'),
      warn('filter_chain_matcher', 'field filter_chain_matcher is work in progress: Envoy may change or reject it'),
    ] },
];

describe('schema walker on real resources', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const json = c.make();
    c.mutate(loose(json));
    expect(validateResource(c.type, json, { strictJson: c.strictJson })).toEqual(c.findings);
  });
});

describe('proto3 optional and synthetic oneofs (hand-written schemas)', () => {
  const schema: MessageSchema = {
    fullName: 'test.M',
    fields: [
      { name: 'a', jsonName: 'a', number: 1, value: { kind: 'scalar', scalar: 'uint32' }, repeated: false, packed: false, oneof: '_a', proto3Optional: true, options: [{ '(validate.rules)': { uint32: { gt: 5 } } }] },
      { name: 'b', jsonName: 'b', number: 2, value: { kind: 'scalar', scalar: 'uint32' }, repeated: false, packed: false, proto3Optional: false, options: [{ '(validate.rules)': { uint32: { gt: 5 } } }] },
    ],
    oneofs: [{ name: '_a', fields: ['a'], options: [], synthetic: true }],
    options: [],
  };
  const source: SchemaSource = {
    message: (n: string) => (n === 'test.M' ? schema : undefined),
    enum: () => undefined,
    messageNames: () => ['test.M'],
    decode: () => ({}),
  };
  const walker = new SchemaWalker(source, new Map());
  const run = (json: JsonObject): Finding[] => {
    const out: Finding[] = [];
    walker.validate('test.M', json, {}, out);
    return out;
  };

  it('checks a plain scalar at its default but an optional one only when set', () => {
    expect(run({ b: 6 })).toEqual([]);
    expect(run({})).toEqual([err('b', 'uint32.gt: must be greater than 5, got 0')]);
    expect(run({ a: 1, b: 6 })).toEqual([err('a', 'uint32.gt: must be greater than 5, got 1')]);
  });

  it('does not treat synthetic oneofs as real ones', () => {
    expect(run({ a: 6, b: 6 })).toEqual([]);
  });
});

describe('PGV switches (hand-written schemas)', () => {
  const field = (name: string, number: number, extra: Partial<MessageSchema['fields'][number]>): MessageSchema['fields'][number] => ({
    name, jsonName: name, number, value: { kind: 'scalar', scalar: 'string' }, repeated: false, packed: false, proto3Optional: false, options: [], ...extra,
  });
  const inner: MessageSchema = { fullName: 'test.Inner', fields: [field('s', 1, { options: [{ '(validate.rules)': { string: { min_len: 1 } } }] })], oneofs: [], options: [] };
  const outer: MessageSchema = {
    fullName: 'test.Outer',
    fields: [
      field('skipped', 1, { value: { kind: 'message', messageName: 'test.Inner' }, options: [{ '(validate.rules)': { message: { skip: true } } }] }),
      field('checked', 2, { value: { kind: 'message', messageName: 'test.Inner' } }),
      field('any', 3, { value: { kind: 'message', messageName: 'google.protobuf.Any' } }),
    ],
    oneofs: [],
    options: [],
  };
  const disabled: MessageSchema = { ...outer, fullName: 'test.Disabled', options: [{ '(validate.disabled)': true }] };
  const schemas = new Map([[inner.fullName, inner], [outer.fullName, outer], [disabled.fullName, disabled]]);
  const source: SchemaSource = {
    message: (n: string) => schemas.get(n),
    enum: () => undefined,
    messageNames: () => [...schemas.keys()],
    decode: () => ({}),
  };
  const walker = new SchemaWalker(source, new Map());
  const run = (type: string, json: JsonObject): Finding[] => {
    const out: Finding[] = [];
    walker.validate(type, json, {}, out);
    return out;
  };

  it('message.skip turns off the nested rules but not the shape checks', () => {
    expect(run('test.Outer', { skipped: { s: '' }, checked: { s: '' } })).toEqual([err('checked.s', 'string.min_len: length must be at least 1 characters, got 0')]);
    expect(run('test.Outer', { skipped: { s: 5 } })).toEqual([err('skipped.s', 'expected a string, got 5')]);
  });

  it('(validate.disabled) turns off rules below the message, but an Any is validated afresh', () => {
    expect(run('test.Disabled', { checked: { s: '' } })).toEqual([]);
    expect(run('test.Disabled', { any: { '@type': typeUrl('test.Inner'), s: '' } })).toEqual([err('any.s', 'string.min_len: length must be at least 1 characters, got 0')]);
  });
});

describe('helpers', () => {
  it('decodes base64 in both alphabets and rejects the malformed', () => {
    expect(Array.from(decodeBase64('aGk+Pz8/')!)).toEqual([104, 105, 62, 63, 63, 63]);
    expect(Array.from(decodeBase64('aGk-Pz8_')!)).toEqual([104, 105, 62, 63, 63, 63]);
    expect(Array.from(decodeBase64('aGk')!)).toEqual([104, 105]);
    expect(decodeBase64('a')).toBeUndefined();
    expect(decodeBase64('a b')).toBeUndefined();
  });

  it('parses RFC 3339 timestamps to nanoseconds, offsets included', () => {
    expect(parseTimestamp('1970-01-01T00:00:01.5Z')).toBe(1_500_000_000n);
    expect(parseTimestamp('1970-01-01T01:00:00+01:00')).toBe(0n);
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe(-62135596800n * 1_000_000_000n);
    expect(parseTimestamp('2024-13-01T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2024-01-01 00:00:00Z')).toBeUndefined();
  });
});
