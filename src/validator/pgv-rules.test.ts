// PGV rules: every kind that occurs in Envoy's protos broken in a real resource (exact path and
// message), then each kind's semantics on its own, including kinds that do not occur today.
import { describe, expect, it } from 'vitest';
import { MessageType, typeUrl } from '../codec/proto-registry.ts';
import type { JsonObject } from '../codec/proto-registry.ts';
import { validateResource } from './strict-validator.ts';
import { compileFieldRules, fieldRulesOf } from './pgv-rules.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener, sampleRouteConfiguration } from './sample-resources.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: JsonObject): Any => j;

const HCM = 'filter_chains[0].filters[0].typed_config';
const hcm = (l: Any): Any => l.filter_chains[0].filters[0].typed_config;
const route = (rc: Any): Any => rc.virtual_hosts[0].routes[0];
const ROUTE = 'virtual_hosts[0].routes[0]';
const SS = `${ROUTE}.typed_per_filter_config["envoy.filters.http.stateful_session"]`;
const perRoute = (rc: Any): Any => route(rc).typed_per_filter_config['envoy.filters.http.stateful_session'];
const COOKIE = `${SS}.stateful_session.session_state.typed_config.cookie`;
const cookie = (rc: Any): Any => perRoute(rc).stateful_session.session_state.typed_config.cookie;
const EP = 'endpoints[0].lb_endpoints[0]';
const ep = (cla: Any): Any => cla.endpoints[0].lb_endpoints[0];
const RING = 'load_balancing_policy.policies[0].typed_extension_config.typed_config';
const ring = (c: Any): Any => c.load_balancing_policy.policies[0].typed_extension_config.typed_config;
const healthCheck = (): Any => ({ timeout: '1s', interval: '5s', healthy_threshold: 1, unhealthy_threshold: 1, http_health_check: { path: '/healthz' } });

interface Case {
  kind: string;
  type: string;
  make: () => JsonObject;
  mutate: (j: Any) => void;
  errors: [path: string, message: string][];
}

const cases: Case[] = [
  { kind: 'string.min_len (absent plain scalar: the default "" is checked)', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { delete hcm(j).stat_prefix; }, errors: [[`${HCM}.stat_prefix`, 'string.min_len: length must be at least 1 characters, got 0']] },
  { kind: 'string.min_len', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { cookie(j).name = ''; }, errors: [[`${COOKIE}.name`, 'string.min_len: length must be at least 1 characters, got 0']] },
  { kind: 'string.max_bytes (counts UTF-8 bytes)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { cookie(j).attributes[0].value = 'é'.repeat(8193); },
    errors: [[`${COOKIE}.attributes[0].value`, 'string.max_bytes: length must be at most 16384 bytes, got 16386']] },
  { kind: 'string.well_known_regex HTTP_HEADER_NAME loose', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route.hash_policy[0].header.header_name = 'x\nuser'; },
    errors: [[`${ROUTE}.route.hash_policy[0].header.header_name`, 'string.well_known_regex: must be a valid HTTP header name (loose), got "x\\nuser"']] },
  { kind: 'string.well_known_regex HTTP_HEADER_NAME loose lets spaces through', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route.hash_policy[0].header.header_name = 'x user'; }, errors: [] },
  { kind: 'string.well_known_regex HTTP_HEADER_VALUE strict (the default)', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.health_checks = [{ ...healthCheck(), http_health_check: { path: '/healthz', host: 'a\tb\u0001' } }]; },
    errors: [['health_checks[0].http_health_check.host', 'string.well_known_regex: must be a valid HTTP header value (strict), got "a\\tb\\u0001"']] },
  { kind: 'string.well_known_regex HTTP_HEADER_NAME strict with ignore_empty', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.typed_extension_protocol_options = { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': typeUrl('envoy.config.core.v3.UpstreamHttpProtocolOptions'), override_auto_sni_header: 'x user' } }; },
    errors: [['typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].override_auto_sni_header', 'string.well_known_regex: must be a valid HTTP header name (strict), got "x user"']] },
  { kind: 'string.ignore_empty', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.typed_extension_protocol_options = { p: { '@type': typeUrl('envoy.config.core.v3.UpstreamHttpProtocolOptions'), override_auto_sni_header: '' } }; }, errors: [] },
  { kind: 'string.pattern', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).match = { path_separated_prefix: '/api/' }; },
    errors: [[`${ROUTE}.match.path_separated_prefix`, 'string.pattern: must match pattern "^[^?#]+[^?#/]$", got "/api/"']] },
  { kind: 'string.in', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).scheme_header_transformation = { scheme_to_overwrite: 'ftp' }; },
    errors: [[`${HCM}.scheme_header_transformation.scheme_to_overwrite`, 'string.in: must be one of ["http", "https"], got "ftp"']] },
  { kind: 'message.required', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { delete perRoute(j).stateful_session.session_state.typed_config.cookie; },
    errors: [[COOKIE, 'message.required: value is required']] },
  { kind: 'any.required', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { delete perRoute(j).stateful_session.session_state.typed_config; },
    errors: [[`${SS}.stateful_session.session_state.typed_config`, 'any.required: value is required']] },
  { kind: 'bool.const', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).typed_per_filter_config['envoy.filters.http.stateful_session'] = { '@type': typeUrl(MessageType.statefulSessionPerRoute), disabled: false }; },
    errors: [[`${SS}.disabled`, 'bool.const: must be true, got false']] },
  { kind: 'enum.defined_only', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.dns_lookup_family = 42; }, errors: [['dns_lookup_family', 'enum.defined_only: value 42 is not a defined enum value']] },
  { kind: 'enum.not_in', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.health_checks = [{ ...healthCheck(), http_health_check: { path: '/healthz', method: 'CONNECT' } }]; },
    errors: [['health_checks[0].http_health_check.method', 'enum.not_in: must not be one of [6], got 6']] },
  { kind: 'uint32.gte on a wrapper (only when present)', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).load_balancing_weight = 0; }, errors: [[`${EP}.load_balancing_weight`, 'uint32.gte: must be greater than or equal to 1, got 0']] },
  { kind: 'uint32.lte', type: MessageType.clusterLoadAssignment, make: sampleClusterLoadAssignment,
    mutate: (j) => { ep(j).endpoint.address.socket_address.port_value = 70000; },
    errors: [[`${EP}.endpoint.address.socket_address.port_value`, 'uint32.lte: must be less than or equal to 65535, got 70000']] },
  { kind: 'uint32.gt + uint32.lte', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).max_request_headers_kb = 0; }, errors: [[`${HCM}.max_request_headers_kb`, 'uint32.gt_lte: must be inside range (0, 8192], got 0']] },
  { kind: 'uint32.gte + uint32.lt', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { delete route(j).route; delete route(j).typed_per_filter_config; route(j).direct_response = { status: 600 }; },
    errors: [[`${ROUTE}.direct_response.status`, 'uint32.gte_lt: must be inside range [200, 600), got 600']] },
  { kind: 'uint64.gte + uint64.lte', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ring(j).minimum_ring_size = '0'; },
    errors: [[`${RING}.minimum_ring_size`, 'uint64.gte_lte: must be inside range [1, 8388608], got 0']] },
  { kind: 'uint64.lte', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ring(j).maximum_ring_size = '9000000'; },
    errors: [[`${RING}.maximum_ring_size`, 'uint64.lte: must be less than or equal to 8388608, got 9000000']] },
  { kind: 'uint64.lte (Maglev table size)', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.load_balancing_policy.policies[0].typed_extension_config = { name: 'maglev', typed_config: { '@type': typeUrl(MessageType.maglev), table_size: '5000012' } }; },
    errors: [[`${RING}.table_size`, 'uint64.lte: must be less than or equal to 5000011, got 5000012']] },
  { kind: 'uint32.gte (ring hash balance factor)', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { ring(j).hash_balance_factor = 99; }, errors: [[`${RING}.hash_balance_factor`, 'uint32.gte: must be greater than or equal to 100, got 99']] },
  { kind: 'double.gte + double.lte', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.common_lb_config.healthy_panic_threshold = { value: 100.5 }; },
    errors: [['common_lb_config.healthy_panic_threshold.value', 'double.gte_lte: must be inside range [0, 100], got 100.5']] },
  { kind: 'double.gte + double.lte on a wrapper', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.preconnect_policy = { per_upstream_preconnect_ratio: 0.5 }; },
    errors: [['preconnect_policy.per_upstream_preconnect_ratio', 'double.gte_lte: must be inside range [1, 3], got 0.5']] },
  { kind: 'double.gt', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).rds.config_source = { api_config_source: { api_type: 'GRPC', rate_limit_settings: { fill_rate: 0 } } }; },
    errors: [[`${HCM}.rds.config_source.api_config_source.rate_limit_settings.fill_rate`, 'double.gt: must be greater than 0, got 0']] },
  { kind: 'duration.gt {} (> 0s)', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.connect_timeout = '0s'; }, errors: [['connect_timeout', 'duration.gt: must be greater than 0s, got 0s']] },
  { kind: 'duration.gt {nanos}', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.dns_refresh_rate = '0.000500s'; }, errors: [['dns_refresh_rate', 'duration.gt: must be greater than 0.001s, got 0.0005s']] },
  { kind: 'duration.gte {} (>= 0s)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { cookie(j).ttl = '-1s'; }, errors: [[`${COOKIE}.ttl`, 'duration.gte: must be greater than or equal to 0s, got -1s']] },
  { kind: 'duration.gte {nanos}', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).access_log_flush_interval = '0s'; },
    errors: [[`${HCM}.access_log_flush_interval`, 'duration.gte: must be greater than or equal to 0.001s, got 0s']] },
  { kind: 'duration.required', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { const h = healthCheck(); delete h.timeout; j.health_checks = [h]; },
    errors: [['health_checks[0].timeout', 'duration.required: value is required']] },
  { kind: 'duration.lte', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.typed_extension_protocol_options = { q: { '@type': typeUrl('envoy.config.core.v3.QuicProtocolOptions'), idle_network_timeout: '601s' } }; },
    errors: [['typed_extension_protocol_options["q"].idle_network_timeout', 'duration.gte_lte: must be inside range [1s, 600s], got 601s']] },
  { kind: 'repeated.min_items (absent repeated field is empty)', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { delete j.virtual_hosts[0].domains; }, errors: [['virtual_hosts[0].domains', 'repeated.min_items: must have at least 1 item(s), got 0']] },
  { kind: 'repeated.max_items', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.request_headers_to_add = Array.from({ length: 1001 }, (_, i) => ({ header: { key: `x-${i}`, value: 'v' } })); },
    errors: [['request_headers_to_add', 'repeated.max_items: must have at most 1000 item(s), got 1001']] },
  { kind: 'repeated.unique', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { route(j).route.internal_redirect_policy = { response_headers_to_copy: ['x-a', 'x-b', 'x-a'] }; },
    errors: [[`${ROUTE}.route.internal_redirect_policy.response_headers_to_copy[2]`, 'repeated.unique: items must be unique; repeats item 0']] },
  { kind: 'repeated.items.string.min_len', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.virtual_hosts[0].request_headers_to_remove = ['x-ok', '']; },
    errors: [['virtual_hosts[0].request_headers_to_remove[1]', 'repeated.items.string.min_len: length must be at least 1 characters, got 0']] },
  { kind: 'repeated.items.string.well_known_regex', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.internal_only_headers = ['x-a\r']; },
    errors: [['internal_only_headers[0]', 'repeated.items.string.well_known_regex: must be a valid HTTP header name (loose), got "x-a\\r"']] },
  { kind: 'repeated.items.string.in', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { hcm(j).http_filters[1].typed_config.strict_check_headers = ['x-envoy-max-retries', 'x-envoy-nope']; },
    errors: [[`${HCM}.http_filters[1].typed_config.strict_check_headers[1]`, 'repeated.items.string.in: must be one of ["x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms", "x-envoy-max-retries", "x-envoy-retry-grpc-on", "x-envoy-retry-on"], got "x-envoy-nope"']] },
  { kind: 'repeated.items.enum.defined_only', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.common_lb_config.override_host_status.statuses = ['HEALTHY', 9]; },
    errors: [['common_lb_config.override_host_status.statuses[1]', 'repeated.items.enum.defined_only: value 9 is not a defined enum value']] },
  { kind: 'repeated.items.uint32.gte + lte', type: MessageType.listener, make: sampleListener,
    mutate: (j) => { j.filter_chains[0].filter_chain_match = { source_ports: [443, 0, 65536] }; },
    errors: [
      ['filter_chains[0].filter_chain_match.source_ports[1]', 'repeated.items.uint32.gte_lte: must be inside range [1, 65535], got 0'],
      ['filter_chains[0].filter_chain_match.source_ports[2]', 'repeated.items.uint32.gte_lte: must be inside range [1, 65535], got 65536'],
    ] },
  { kind: 'repeated.items.uint32.lt', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.typed_extension_protocol_options = { p: { '@type': typeUrl('envoy.config.core.v3.ProxyProtocolPassThroughTLVs'), tlv_type: [1, 256] } }; },
    errors: [['typed_extension_protocol_options["p"].tlv_type[1]', 'repeated.items.uint32.lt: must be less than 256, got 256']] },
  { kind: 'map.keys.string.min_len', type: MessageType.cluster, make: sampleCluster,
    mutate: (j) => { j.metadata = { filter_metadata: { '': { a: 1 } } }; },
    errors: [['metadata.filter_metadata[""]', 'map.keys.string.min_len: length must be at least 1 characters, got 0']] },
  { kind: 'map.min_pairs', type: MessageType.listener, make: sampleListener,
    mutate: (j) => {
      j.filter_chain_matcher = { matcher_tree: { input: { name: 'port', typed_config: { '@type': typeUrl('envoy.config.core.v3.SocketAddress'), address: '0.0.0.0', port_value: 1 } }, exact_match_map: { map: {} } } };
    },
    errors: [['filter_chain_matcher.matcher_tree.exact_match_map.map', 'map.min_pairs: must have at least 1 pair(s), got 0']] },
  { kind: 'bytes.max_len', type: MessageType.routeConfiguration, make: sampleRouteConfiguration,
    mutate: (j) => { j.request_headers_to_add = [{ header: { key: 'x-a', raw_value: btoa('a'.repeat(16385)) } }]; },
    errors: [['request_headers_to_add[0].header.raw_value', 'bytes.max_len: length must be at most 16384 bytes, got 16385']] },
];

describe('PGV rules in real resources', () => {
  it.each(cases.map((c) => [c.kind, c] as const))('%s', (_kind, c) => {
    const json = c.make();
    c.mutate(loose(json));
    const errors = validateResource(c.type, json).filter((f) => f.level === 'error').map((f) => [f.path, f.message]);
    expect(errors).toEqual(c.errors);
  });
});

/** Runs compiled rules against one normalised value. */
function run(rules: Record<string, unknown>, value: unknown): string[] {
  const c = compileFieldRules(rules);
  expect(c.unsupported).toEqual([]);
  const out: string[] = [];
  c.value?.(value, (m) => out.push(m));
  return out;
}

describe('PGV rule semantics', () => {
  it('strings: lengths count code points, bytes count UTF-8', () => {
    expect(run({ string: { len: 2 } }, '😀é')).toEqual([]);
    expect(run({ string: { max_len: 1 } }, '😀é')).toEqual(['string.max_len: length must be at most 1 characters, got 2']);
    expect(run({ string: { len_bytes: 6 } }, '😀é')).toEqual([]);
    expect(run({ string: { min_bytes: 7 } }, '😀é')).toEqual(['string.min_bytes: length must be at least 7 bytes, got 6']);
  });

  it('strings: const, prefix, suffix, contains, not_contains, in, not_in', () => {
    expect(run({ string: { const: 'a' } }, 'b')).toEqual(['string.const: must equal "a", got "b"']);
    expect(run({ string: { prefix: 'envoy.' } }, 'tether.x')).toEqual(['string.prefix: must start with "envoy.", got "tether.x"']);
    expect(run({ string: { suffix: '.v3' } }, 'x.v2')).toEqual(['string.suffix: must end with ".v3", got "x.v2"']);
    expect(run({ string: { contains: '/' } }, 'ab')).toEqual(['string.contains: must contain "/", got "ab"']);
    expect(run({ string: { not_contains: '/' } }, 'a/b')).toEqual(['string.not_contains: must not contain "/", got "a/b"']);
    expect(run({ string: { in: 'only' } }, 'only')).toEqual([]);
    expect(run({ string: { not_in: ['a', 'b'] } }, 'b')).toEqual(['string.not_in: must not be one of ["a", "b"], got "b"']);
  });

  it('strings: well-known formats', () => {
    expect(run({ string: { email: true } }, 'ops@tether.dev')).toEqual([]);
    expect(run({ string: { email: true } }, 'ops@')).toEqual(['string.email: must be a valid email address, got "ops@"']);
    expect(run({ string: { hostname: true } }, 'a-b.example.com')).toEqual([]);
    expect(run({ string: { hostname: true } }, '-a.example')).toEqual(['string.hostname: must be a valid hostname, got "-a.example"']);
    expect(run({ string: { ipv4: true } }, '10.0.0.256')).toEqual(['string.ipv4: must be a valid IPv4 address, got "10.0.0.256"']);
    expect(run({ string: { ipv6: true } }, 'fe80::1')).toEqual([]);
    expect(run({ string: { ipv6: true } }, '::ffff:10.0.0.1')).toEqual([]);
    expect(run({ string: { ipv6: true } }, '1::2::3')).toEqual(['string.ipv6: must be a valid IPv6 address, got "1::2::3"']);
    expect(run({ string: { ip: true } }, '10.0.0.1')).toEqual([]);
    expect(run({ string: { address: true } }, 'backend.default')).toEqual([]);
    expect(run({ string: { uri: true } }, '/relative')).toEqual(['string.uri: must be a valid absolute URI, got "/relative"']);
    expect(run({ string: { uri_ref: true } }, '/relative')).toEqual([]);
    expect(run({ string: { uuid: true } }, '123e4567-e89b-12d3-a456-426614174000')).toEqual([]);
    expect(run({ string: { uuid: true } }, '123')).toEqual(['string.uuid: must be a valid UUID, got "123"']);
  });

  it('strings: header regexes, strict and loose', () => {
    const strictName = { string: { well_known_regex: 'HTTP_HEADER_NAME' } };
    expect(run(strictName, ':authority')).toEqual([]);
    expect(run(strictName, 'x user')).toEqual(['string.well_known_regex: must be a valid HTTP header name (strict), got "x user"']);
    expect(run({ string: { well_known_regex: 'HTTP_HEADER_VALUE', strict: true } }, 'tab\there')).toEqual([]);
    expect(run({ string: { well_known_regex: 'HTTP_HEADER_VALUE', strict: false } }, 'bell\u0007')).toEqual([]);
    expect(run({ string: { well_known_regex: 'HTTP_HEADER_VALUE', strict: false } }, 'nul\u0000')).toEqual(['string.well_known_regex: must be a valid HTTP header value (loose), got "nul\\u0000"']);
  });

  it('ignore_empty skips the default only', () => {
    const c = compileFieldRules({ string: { min_len: 3, ignore_empty: true } });
    expect(c.ignoreEmpty).toBe(true);
    expect(run({ string: { min_len: 3, ignore_empty: true } }, 'ab')).toEqual(['string.min_len: length must be at least 3 characters, got 2']);
  });

  it('numbers: ranges, inclusive and exclusive, const, in, not_in', () => {
    expect(run({ int32: { gt: 0, lt: 10 } }, 10)).toEqual(['int32.gt_lt: must be inside range (0, 10), got 10']);
    expect(run({ int32: { gt: 10, lt: 0 } }, 5)).toEqual(['int32.gt_lt: must be outside range [0, 10], got 5']);
    expect(run({ int32: { gt: 10, lt: 0 } }, -1)).toEqual([]);
    expect(run({ int32: { gt: 10, lt: 0 } }, 11)).toEqual([]);
    expect(run({ int32: { gte: 10, lte: 0 } }, 0)).toEqual([]);
    expect(run({ int32: { gte: 10, lte: 0 } }, 1)).toEqual(['int32.gte_lte: must be outside range (0, 10), got 1']);
    expect(run({ int64: { lt: '9007199254740993' } }, 9007199254740993n)).toEqual(['int64.lt: must be less than 9007199254740993, got 9007199254740993']);
    expect(run({ sint64: { const: -5 } }, -5n)).toEqual([]);
    expect(run({ fixed32: { in: [1, 2] } }, 3)).toEqual(['fixed32.in: must be one of [1, 2], got 3']);
    expect(run({ uint64: { not_in: [0] } }, 0n)).toEqual(['uint64.not_in: must not be one of [0], got 0']);
    expect(run({ float: { gt: 0.5 } }, 0.25)).toEqual(['float.gt: must be greater than 0.5, got 0.25']);
  });

  it('bool and enum', () => {
    expect(run({ bool: { const: false } }, true)).toEqual(['bool.const: must be false, got true']);
    expect(run({ enum: { const: 2 } }, 1)).toEqual(['enum.const: must equal 2, got 1']);
    expect(run({ enum: { in: [1, 2] } }, 3)).toEqual(['enum.in: must be one of [1, 2], got 3']);
    const c = compileFieldRules({ enum: { defined_only: true } }, new Set([0, 1]));
    const out: string[] = [];
    c.value?.(2, (m) => out.push(m));
    expect(out).toEqual(['enum.defined_only: value 2 is not a defined enum value']);
  });

  it('durations and timestamps (nanoseconds)', () => {
    expect(run({ duration: { const: { seconds: 1 } } }, 1_500_000_000n)).toEqual(['duration.const: must equal 1s, got 1.5s']);
    expect(run({ duration: { lt: { seconds: 1 } } }, 1_000_000_000n)).toEqual(['duration.lt: must be less than 1s, got 1s']);
    expect(run({ duration: { in: [{ seconds: 1 }, { seconds: 2 }] } }, 3_000_000_000n)).toEqual(['duration.in: must be one of [1s, 2s], got 3s']);
    expect(run({ duration: { not_in: [{}] } }, 0n)).toEqual(['duration.not_in: must not be one of [0s], got 0s']);
    expect(compileFieldRules({ duration: { required: true } }).required).toBe(true);
    expect(run({ timestamp: { gt: { seconds: 0 } } }, 0n)).toEqual(['timestamp.gt: must be greater than 1970-01-01T00:00:00.000Z, got 1970-01-01T00:00:00.000Z']);
    expect(compileFieldRules({ timestamp: { lt_now: true, within: { seconds: 1 } } }).unsupported).toEqual(['timestamp.lt_now', 'timestamp.within']);
  });

  it('any in / not_in on the type URL', () => {
    expect(run({ any: { in: ['type.googleapis.com/a.B'] } }, 'type.googleapis.com/a.C')).toEqual(['any.in: type URL must be one of [type.googleapis.com/a.B], got type.googleapis.com/a.C']);
    expect(run({ any: { not_in: ['type.googleapis.com/a.B'] } }, 'type.googleapis.com/a.B')).toEqual(['any.not_in: type URL must not be one of [type.googleapis.com/a.B], got type.googleapis.com/a.B']);
  });

  it('bytes', () => {
    const b = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(run({ bytes: { len: 2 } }, b('abc'))).toEqual(['bytes.len: length must be 2 bytes, got 3']);
    expect(run({ bytes: { min_len: 4 } }, b('abc'))).toEqual(['bytes.min_len: length must be at least 4 bytes, got 3']);
    expect(run({ bytes: { prefix: 'ab', suffix: 'bc', contains: 'b' } }, b('abc'))).toEqual([]);
    expect(run({ bytes: { const: 'x' } }, b('y'))).toEqual(['bytes.const: must equal "x"']);
    expect(run({ bytes: { pattern: '^a+$' } }, b('ab'))).toEqual(['bytes.pattern: must match pattern "^a+$"']);
    expect(run({ bytes: { ipv4: true } }, b('abcd'))).toEqual([]);
    expect(run({ bytes: { ipv6: true } }, b('abcd'))).toEqual(['bytes.ipv6: must be a valid IPv6 address in byte form, got 4 bytes']);
    expect(run({ bytes: { in: ['a'] } }, b('b'))).toEqual(['bytes.in: must be one of the allowed values']);
  });

  it('repeated and map rules compile their nested item, key and value rules', () => {
    const c = compileFieldRules({ repeated: { min_items: 1, max_items: 2, unique: true, items: { string: { min_len: 2, ignore_empty: true } } } });
    expect(c.repeated).toMatchObject({ minItems: 1, maxItems: 2, unique: true });
    const out: string[] = [];
    c.repeated!.items!('a', (m) => out.push(m));
    c.repeated!.items!('', (m) => out.push(m));
    expect(out).toEqual(['repeated.items.string.min_len: length must be at least 2 characters, got 1']);
    const m = compileFieldRules({ map: { min_pairs: 1, max_pairs: 3, no_sparse: true, keys: { string: { prefix: 'x' } }, values: { uint32: { lt: 5 } } } });
    expect(m.map).toMatchObject({ minPairs: 1, maxPairs: 3, noSparse: true });
    const mo: string[] = [];
    m.map!.keys!('y', (x) => mo.push(x));
    m.map!.values!(5, (x) => mo.push(x));
    expect(mo).toEqual(['map.keys.string.prefix: must start with "x", got "y"', 'map.values.uint32.lt: must be less than 5, got 5']);
  });

  it('reports rule kinds it does not implement instead of skipping them', () => {
    expect(compileFieldRules({ string: { shiny: true } }).unsupported).toEqual(['string.shiny']);
    expect(compileFieldRules({ message: { frobnicate: true } }).unsupported).toEqual(['message.frobnicate']);
    expect(compileFieldRules({ sfloat: { gt: 1 } }).unsupported).toEqual(['sfloat']);
    expect(compileFieldRules({ repeated: { items: { repeated: { min_items: 1 } } } }).unsupported).toEqual(['repeated.items.repeated']);
    expect(compileFieldRules({ string: { well_known_regex: 'HTTP_TRAILER' } }).unsupported).toEqual(['string.well_known_regex.HTTP_TRAILER']);
  });

  it('merges several (validate.rules) options of one field', () => {
    expect(fieldRulesOf([{ '(validate.rules)': { message: { required: true } } }, { deprecated: true }, { '(validate.rules)': { duration: { gt: {} } } }]))
      .toEqual({ message: { required: true }, duration: { gt: {} } });
    expect(fieldRulesOf([{ deprecated: true }])).toBeUndefined();
  });
});
