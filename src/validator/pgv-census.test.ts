// Keeps the validator honest as the protos change: walks every message type reachable from the
// resources Tether emits and fails on any validation rule, option or oneof option the validator
// does not implement (or deliberately ignore).
import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../codec/proto-registry.ts';
import { schemaWalker } from './strict-validator.ts';

const ROOTS = [
  MessageType.listener, MessageType.routeConfiguration, MessageType.cluster, MessageType.clusterLoadAssignment,
  MessageType.httpConnectionManager, MessageType.router, MessageType.statefulSession, MessageType.statefulSessionPerRoute,
  MessageType.cookieSessionState, MessageType.headerSessionState, MessageType.ringHash, MessageType.maglev, MessageType.bootstrap,
  MessageType.proxyProtocol, MessageType.stdoutAccessLog, MessageType.reqWithoutQuery, MessageType.downstreamConnections,
];

// Options the validator reads, and those that do not change what Envoy accepts.
const FIELD_OPTIONS = new Set([
  '(validate.rules)', 'deprecated', '(envoy.annotations.deprecated_at_minor_version)', '(envoy.annotations.disallowed_by_default)',
  '(xds.annotations.v3.field_status)',
  // Documentation-only: renames, sensitivity and trust hints.
  '(udpa.annotations.field_migrate)', '(udpa.annotations.security)', '(udpa.annotations.sensitive)',
  'json_name', 'packed', 'proto3_optional',
]);
const MESSAGE_OPTIONS = new Set([
  '(validate.disabled)', '(validate.ignored)', '(xds.annotations.v3.message_status)',
  '(udpa.annotations.versioning)', 'deprecated', 'map_entry',
]);
const ONEOF_OPTIONS = new Set(['(validate.required)']);
const ENUM_VALUE_OPTIONS = new Set([
  'deprecated', '(envoy.annotations.deprecated_at_minor_version_enum)', '(envoy.annotations.disallowed_by_default_enum)',
  '(xds.annotations.v3.enum_value_status)',
]);

function closure(): string[] {
  const registry = protoRegistry();
  const seen = new Set<string>();
  const queue: string[] = [...ROOTS];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const m = registry.message(name);
    if (!m) throw new Error(`type ${name} is not loaded`);
    for (const f of m.fields) if (f.value.kind === 'message') queue.push(f.value.messageName);
  }
  return [...seen].sort();
}

/** Flattened rule kinds of a `(validate.rules)` value: string.min_len, repeated.items.string.min_len, ... */
function ruleKinds(rules: unknown, prefix = ''): string[] {
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules) || /^(duration|timestamp)\.(gt|gte|lt|lte|const|within)$/.test(prefix.replace(/^(repeated\.items|map\.(keys|values))\./, ''))) return [prefix];
  const entries = Object.entries(rules);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => ruleKinds(v, prefix ? `${prefix}.${k}` : k));
}

describe('PGV census over the closure of the emitted resource types', () => {
  const types = closure();

  it('covers a realistic closure', () => {
    expect(types.length).toBeGreaterThan(250);
    expect(types).toContain('envoy.type.http.v3.Cookie');
    expect(types).toContain('envoy.config.core.v3.HealthStatusSet');
  });

  it('implements every rule kind that occurs', () => {
    const walker = schemaWalker();
    const unsupported = types.flatMap((t) => walker.unsupportedRules(t).map((k) => `${t}: ${k}`));
    expect(unsupported).toEqual([]);
  });

  it('sees the rule kinds the validator is known to need (the census is not vacuous)', () => {
    const registry = protoRegistry();
    const kinds = new Set<string>();
    for (const t of types) {
      for (const f of registry.message(t)!.fields) {
        for (const o of f.options) if ('(validate.rules)' in o) for (const k of ruleKinds(o['(validate.rules)'])) kinds.add(k);
      }
    }
    for (const k of [
      'string.min_len', 'string.max_bytes', 'string.well_known_regex', 'string.strict', 'string.pattern', 'string.in', 'string.ignore_empty',
      'message.required', 'any.required', 'bool.const', 'enum.defined_only', 'enum.not_in',
      'uint32.gt', 'uint32.gte', 'uint32.lt', 'uint32.lte', 'uint64.gt', 'uint64.gte', 'uint64.lt', 'uint64.lte', 'double.gt', 'double.gte', 'double.lte',
      'duration.gt', 'duration.gte', 'duration.lte', 'duration.required',
      'repeated.min_items', 'repeated.max_items', 'repeated.unique', 'repeated.items.string.well_known_regex', 'repeated.items.string.in',
      'repeated.items.enum.defined_only', 'repeated.items.uint32.gte', 'repeated.items.uint32.lte', 'repeated.items.uint32.lt',
      'map.min_pairs', 'map.keys.string.min_len', 'bytes.min_len', 'bytes.max_len',
    ]) expect(kinds, k).toContain(k);
  });

  it('knows every option on fields, messages, oneofs and enum values', () => {
    const registry = protoRegistry();
    const unknown = new Set<string>();
    const enums = new Set<string>();
    for (const t of types) {
      const m = registry.message(t)!;
      for (const o of m.options) for (const k of Object.keys(o)) if (!MESSAGE_OPTIONS.has(k)) unknown.add(`message ${t}: ${k}`);
      for (const of of m.oneofs) for (const o of of.options) for (const k of Object.keys(o)) if (!ONEOF_OPTIONS.has(k)) unknown.add(`oneof ${t}.${of.name}: ${k}`);
      for (const f of m.fields) {
        for (const o of f.options) for (const k of Object.keys(o)) if (!FIELD_OPTIONS.has(k)) unknown.add(`field ${t}.${f.name}: ${k}`);
        if (f.value.kind === 'enum') enums.add(f.value.enumName);
      }
    }
    for (const e of enums) {
      const schema = registry.enum(e)!;
      for (const [v, o] of Object.entries(schema.valueOptions)) for (const k of Object.keys(o)) if (!ENUM_VALUE_OPTIONS.has(k)) unknown.add(`enum ${e}.${v}: ${k}`);
    }
    expect([...unknown]).toEqual([]);
  });
});
