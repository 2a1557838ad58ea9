// The one module that touches protobufjs. It loads Envoy's API protos (from @grpc/grpc-js-xds's
// deps/ trees, with our own protos/ first on the include path so newer fields shadow older files),
// converts between proto3 JSON (snake_case, `@type` on every Any, the form Envoy's docs use) and
// protobuf bytes, and describes message types in plain terms for the strict validator.
//
// Loading reads files, so this is the codec edge of the envoy/ folder; builders stay pure and hand
// plain JSON objects here.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

import type { Json, JsonObject } from './json.ts';

export type { Json, JsonObject };

export { MessageType, TYPE_URL_PREFIX, typeUrl } from './message-type.ts';

// Entry files; their imports pull in the rest of the closure.
const ENTRY_FILES = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/stateful_session/v3/stateful_session.proto',
  'envoy/extensions/http/stateful_session/cookie/v3/cookie.proto',
  'envoy/extensions/http/stateful_session/header/v3/header.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/status/v3/csds.proto',
  'tether/session/v1/session_cookie.proto',
];

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');

/** Include path, most specific first: our protos/, then the Envoy, xDS, googleapis and PGV trees. */
export function protoIncludeDirs(): string[] {
  const require = createRequire(import.meta.url);
  const xdsPkg = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const pbjsPkg = dirname(require.resolve('protobufjs/package.json'));
  return [
    join(projectRoot, 'protos'),
    join(xdsPkg, 'deps', 'envoy-api'),
    join(xdsPkg, 'deps', 'xds'),
    join(xdsPkg, 'deps', 'googleapis'),
    join(xdsPkg, 'deps', 'protoc-gen-validate'),
    pbjsPkg, // google/protobuf/descriptor.proto, imported by validate.proto and the udpa annotations
  ];
}

// ---------------------------------------------------------------------------------------------
// Plain descriptions of message types, for the strict validator (which must not use protobufjs).

export type ScalarKind =
  | 'double' | 'float' | 'int32' | 'uint32' | 'sint32' | 'fixed32' | 'sfixed32'
  | 'int64' | 'uint64' | 'sint64' | 'fixed64' | 'sfixed64' | 'bool' | 'string' | 'bytes';

/** What a field holds: a scalar, an enum (by full name) or a message (by full name). */
export type FieldValueType =
  | { kind: 'scalar'; scalar: ScalarKind }
  | { kind: 'enum'; enumName: string }
  | { kind: 'message'; messageName: string };

export interface FieldSchema {
  name: string; // snake_case, as in the .proto
  jsonName: string; // lowerCamelCase
  number: number;
  value: FieldValueType;
  repeated: boolean;
  /** For map fields: the key scalar; `value` is the map's value type. */
  mapKey?: ScalarKind;
  /** Name of the oneof this field belongs to (proto3 `optional` fields are synthetic oneofs). */
  oneof?: string;
  /** True for proto3 `optional` scalars (explicit presence). */
  proto3Optional: boolean;
  /** Every parsed option, in order: `[{"(validate.rules)": {...}}, {"deprecated": true}, ...]`. */
  options: Record<string, unknown>[];
}

export interface OneofSchema {
  name: string;
  fields: string[];
  options: Record<string, unknown>[];
  synthetic: boolean; // proto3 `optional`
}

export interface MessageSchema {
  fullName: string;
  fields: FieldSchema[];
  oneofs: OneofSchema[];
  options: Record<string, unknown>[];
}

export interface EnumSchema {
  fullName: string;
  values: Record<string, number>;
  /** Options per value name, e.g. `{deprecated: true}`. */
  valueOptions: Record<string, Record<string, unknown>>;
}

const SCALARS = new Set<string>([
  'double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32',
  'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool', 'string', 'bytes',
]);
const LONG_SCALARS = new Set<string>(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32_SCALARS = new Set<string>(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

const WRAPPERS = new Set([
  'google.protobuf.DoubleValue', 'google.protobuf.FloatValue', 'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value', 'google.protobuf.Int32Value', 'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue', 'google.protobuf.StringValue', 'google.protobuf.BytesValue',
]);

export const isWrapperType = (name: string): boolean => WRAPPERS.has(name);

/** Thrown when a value cannot be converted or encoded; `path` names the field. */
export class CodecError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'CodecError';
    this.path = path;
  }
}

const join2 = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const index2 = (path: string, i: number): string => `${path}[${i}]`;

function strip(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

// protobufjs computes `fullName` by walking the parents on every read; encoding a large
// RouteConfiguration reads it for every nested message, so remember it per type.
const typeNames = new WeakMap<protobuf.Type, string>();
function typeName(type: protobuf.Type): string {
  let name = typeNames.get(type);
  if (name === undefined) {
    name = strip(type.fullName);
    typeNames.set(type, name);
  }
  return name;
}

/** Parses a proto3 JSON Duration ("1.5s", "-2s") into seconds and nanos. */
export function parseDuration(text: string): { seconds: number; nanos: number } | undefined {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) return undefined;
  const sign = m[1] ? -1 : 1;
  const seconds = Number(m[2]);
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  if (!Number.isSafeInteger(seconds) || seconds > 315_576_000_000) return undefined;
  return { seconds: sign * seconds, nanos: sign * nanos };
}

/** Formats seconds and nanos as proto3 JSON ("3600s", "0.250s"). */
export function formatDuration(seconds: number, nanos: number): string {
  const negative = seconds < 0 || nanos < 0;
  const s = Math.abs(seconds);
  const n = Math.abs(nanos);
  let frac = '';
  if (n !== 0) {
    const padded = String(n).padStart(9, '0');
    frac = '.' + (padded.endsWith('000000') ? padded.slice(0, 3) : padded.endsWith('000') ? padded.slice(0, 6) : padded);
  }
  return `${negative ? '-' : ''}${s}${frac}s`;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value) return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

type TypeKind = 'any' | 'duration' | 'timestamp' | 'wrapper' | 'struct' | 'value' | 'listvalue' | 'message';

interface TypePlan {
  type: protobuf.Type;
  name: string;
  kind: TypeKind;
  /** By snake_case, lowerCamel and json name. */
  fields: Map<string, FieldPlan>;
}

interface FieldPlan {
  name: string;
  repeated: boolean;
  map: boolean;
  scalar?: string;
  enumValues?: Record<string, number>;
  enumName?: string;
  messageType?: protobuf.Type;
  messagePlan?: TypePlan;
}

export class ProtoRegistry {
  private readonly root: protobuf.Root;
  private readonly messageCache = new Map<string, MessageSchema | null>();
  private readonly enumCache = new Map<string, EnumSchema | null>();

  constructor(root: protobuf.Root) {
    this.root = root;
  }

  // ----- descriptions

  /** The plain description of a message type, or undefined if it is not loaded. */
  message(fullName: string): MessageSchema | undefined {
    const name = strip(fullName);
    const cached = this.messageCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const type = this.lookupType(name);
    const schema = type ? describeType(type) : null;
    this.messageCache.set(name, schema);
    return schema ?? undefined;
  }

  enum(fullName: string): EnumSchema | undefined {
    const name = strip(fullName);
    const cached = this.enumCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let schema: EnumSchema | null = null;
    try {
      const e = this.root.lookupEnum(name);
      const valueOptions: Record<string, Record<string, unknown>> = {};
      const raw = (e as unknown as { valuesOptions?: Record<string, Record<string, unknown>> }).valuesOptions ?? {};
      for (const [k, v] of Object.entries(raw)) valueOptions[k] = { ...v };
      schema = { fullName: name, values: { ...e.values }, valueOptions };
    } catch {
      schema = null;
    }
    this.enumCache.set(name, schema);
    return schema ?? undefined;
  }

  /** Every loaded message type name (for did-you-mean on unknown `@type`s). */
  messageNames(): string[] {
    const out: string[] = [];
    const walk = (ns: protobuf.NamespaceBase): void => {
      for (const nested of ns.nestedArray) {
        if (nested instanceof protobuf.Type) out.push(strip(nested.fullName));
        if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) walk(nested);
      }
    };
    walk(this.root);
    return out;
  }

  // ----- proto3 JSON <-> bytes

  /** Encodes a proto3 JSON object of the given message type. Throws CodecError on bad input. */
  encode(typeName: string, json: JsonObject): Uint8Array {
    const type = this.requireType(typeName);
    // jsonToPbjs checks every value's type as it converts, so the plain object it returns is
    // encoded directly: no separate verify() or fromObject() walk (each cost as much as the encode).
    const pbjs = this.jsonToPbjs(type, json, '') as Record<string, unknown>;
    return type.encode(pbjs).finish();
  }

  /** Decodes bytes into proto3 JSON (snake_case, `@type` on every Any, defaults omitted). */
  decode(typeName: string, bytes: Uint8Array): JsonObject {
    const type = this.requireType(typeName);
    const message = type.decode(bytes);
    const obj = type.toObject(message, { longs: String, enums: String, bytes: String, defaults: false, arrays: false, objects: false, oneofs: false });
    return this.pbjsToJson(type, obj, '') as JsonObject;
  }

  /** Normalises proto3 JSON by encoding and decoding it: what a peer would read back. */
  roundTrip(typeName: string, json: JsonObject): JsonObject {
    return this.decode(typeName, this.encode(typeName, json));
  }

  // ----- internals

  private lookupType(name: string): protobuf.Type | undefined {
    try {
      return this.root.lookupType(name);
    } catch {
      return undefined;
    }
  }

  private requireType(name: string): protobuf.Type {
    const t = this.lookupType(strip(name));
    if (!t) throw new CodecError('', `unknown message type ${name}`);
    return t;
  }

  // JSON → protobufjs object form, through a plan compiled once per message type: field lookup by
  // snake_case, lowerCamel or json name, and each field's kind resolved ahead of time. The path of
  // the value being converted lives in a stack and becomes a string only for an error message.
  private readonly plans = new Map<protobuf.Type, TypePlan>();
  private readonly pathStack: (string | number)[] = [];

  private planFor(type: protobuf.Type): TypePlan {
    let plan = this.plans.get(type);
    if (plan) return plan;
    const name = typeName(type);
    const kind: TypeKind =
      name === 'google.protobuf.Any' ? 'any'
      : name === 'google.protobuf.Duration' ? 'duration'
      : name === 'google.protobuf.Timestamp' ? 'timestamp'
      : WRAPPERS.has(name) ? 'wrapper'
      : name === 'google.protobuf.Struct' ? 'struct'
      : name === 'google.protobuf.Value' ? 'value'
      : name === 'google.protobuf.ListValue' ? 'listvalue'
      : 'message';
    const fields = new Map<string, FieldPlan>();
    plan = { type, name, kind, fields };
    this.plans.set(type, plan);
    for (const f of type.fieldsArray) {
      f.resolve();
      const fp: FieldPlan = {
        name: f.name,
        repeated: f.repeated,
        map: Boolean((f as unknown as { map?: boolean }).map),
        scalar: f.resolvedType ? undefined : f.type,
        enumValues: f.resolvedType instanceof protobuf.Enum ? f.resolvedType.values : undefined,
        enumName: f.resolvedType instanceof protobuf.Enum ? strip(f.resolvedType.fullName) : undefined,
        messageType: f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined,
      };
      fields.set(f.name, fp);
      fields.set(camel(f.name), fp);
      const jsonName = (f as unknown as { jsonName?: string }).jsonName;
      if (jsonName) fields.set(jsonName, fp);
    }
    return plan;
  }

  private fail(message: string): never {
    let path = '';
    for (const seg of this.pathStack) {
      if (typeof seg === 'number') path += `[${seg}]`;
      else if (seg.startsWith('[')) path += seg;
      else path += path ? `.${seg}` : seg;
    }
    throw new CodecError(path, message);
  }

  private jsonToPbjs(type: protobuf.Type, json: unknown, path: string): unknown {
    this.pathStack.length = 0;
    if (path) this.pathStack.push(path);
    return this.convertMessage(this.planFor(type), json);
  }

  private convertMessage(plan: TypePlan, json: unknown): unknown {
    switch (plan.kind) {
      case 'any': {
        if (!json || typeof json !== 'object' || Array.isArray(json)) this.fail('Any must be an object with "@type"');
        const obj = json as Record<string, unknown>;
        const url = obj['@type'];
        if (typeof url !== 'string') this.fail('Any needs "@type"');
        const innerName = url.slice(url.lastIndexOf('/') + 1);
        const inner = this.lookupType(innerName);
        if (!inner) this.fail(`Any: unknown type ${url}`);
        const innerPlan = this.planFor(inner);
        let payload: unknown;
        // Well-known types carry their JSON form under "value".
        if (innerPlan.kind !== 'message' && innerPlan.kind !== 'any') payload = obj['value'];
        else {
          const rest: Record<string, unknown> = {};
          for (const k in obj) if (k !== '@type') rest[k] = obj[k];
          payload = rest;
        }
        const innerPbjs = this.convertMessage(innerPlan, payload) as Record<string, unknown>;
        return { type_url: url, value: inner.encode(innerPbjs).finish() };
      }
      case 'duration':
        if (typeof json === 'string') {
          const d = parseDuration(json);
          if (!d) this.fail(`bad Duration "${json}"`);
          return d;
        }
        return json;
      case 'timestamp':
        if (typeof json === 'string') {
          const ms = Date.parse(json);
          if (Number.isNaN(ms)) this.fail(`bad Timestamp "${json}"`);
          return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
        }
        return json;
      case 'wrapper':
        if (json === null || typeof json !== 'object' || Array.isArray(json)) return this.convertFields(plan, { value: json });
        return this.convertFields(plan, json as Record<string, unknown>);
      case 'struct':
        return { fields: this.structFields(json) };
      case 'value':
        return this.structValue(json);
      case 'listvalue':
        if (!Array.isArray(json)) this.fail('ListValue must be an array');
        return { values: this.structList(json) };
      case 'message':
        if (json === null || typeof json !== 'object' || Array.isArray(json)) this.fail(`${plan.name} must be an object`);
        return this.convertFields(plan, json as Record<string, unknown>);
    }
  }

  private convertFields(plan: TypePlan, json: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const stack = this.pathStack;
    for (const key in json) {
      const field = plan.fields.get(key);
      if (!field) {
        stack.push(key);
        this.fail(`unknown field "${key}" in ${plan.name}`);
      }
      const value = json[key];
      if (value === null || value === undefined) continue;
      stack.push(field.name);
      out[field.name] = this.convertField(field, value);
      stack.pop();
    }
    return out;
  }

  private convertField(field: FieldPlan, value: unknown): unknown {
    const stack = this.pathStack;
    if (field.map) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) this.fail('map must be an object');
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const k in obj) {
        stack.push(`["${k}"]`);
        out[k] = this.convertOne(field, obj[k]);
        stack.pop();
      }
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) this.fail('repeated field must be an array');
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        stack.push(i);
        out[i] = this.convertOne(field, value[i]);
        stack.pop();
      }
      return out;
    }
    return this.convertOne(field, value);
  }

  private convertOne(field: FieldPlan, v: unknown): unknown {
    if (field.messageType) return this.convertMessage(field.messagePlan ?? (field.messagePlan = this.planFor(field.messageType)), v);
    if (field.enumValues) {
      if (typeof v !== 'string') {
        if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`enum value expected, got ${describe(v)}`);
        return v;
      }
      const n = field.enumValues[v];
      if (n === undefined) this.fail(`unknown enum value "${v}" of ${field.enumName}`);
      return n;
    }
    const type = field.scalar as string;
    if (typeof v === 'string') {
      // base64, which protobufjs decodes; proto3 JSON also allows the URL-safe alphabet.
      if (type === 'bytes') return v.replace(/-/g, '+').replace(/_/g, '/');
      // proto3 JSON allows 32-bit integers as decimal strings too.
      if (INT32_SCALARS.has(type)) {
        if (!/^-?\d+$/.test(v)) this.fail(`not an integer: "${v}"`);
        const n = Number(v);
        this.checkScalar(type, n);
        return n;
      }
      if (LONG_SCALARS.has(type)) {
        if (!/^-?\d+$/.test(v)) this.fail(`not an integer: "${v}"`);
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : (protobuf.util.Long as unknown as { fromString(s: string, unsigned: boolean): unknown }).fromString(v, type.startsWith('u') || type.startsWith('fixed'));
      }
      if (type === 'double' || type === 'float') {
        if (v === 'NaN') return NaN;
        if (v === 'Infinity') return Infinity;
        if (v === '-Infinity') return -Infinity;
        const n = Number(v);
        if (v.trim() === '' || Number.isNaN(n)) this.fail(`not a number: "${v}"`);
        return n;
      }
    }
    this.checkScalar(type, v);
    return v;
  }

  /** The type checks protobufjs's verify() made, done inline while converting (encode trusts them). */
  private checkScalar(type: string, v: unknown): void {
    const range = INT32_RANGE[type];
    if (range) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) this.fail(`${type} expected, got ${describe(v)}`);
      return;
    }
    if (LONG_SCALARS.has(type)) {
      const isLong = typeof v === 'object' && v !== null && 'low' in v && 'high' in v;
      if (!isLong && (typeof v !== 'number' || !Number.isInteger(v))) this.fail(`${type} expected, got ${describe(v)}`);
      return;
    }
    switch (type) {
      case 'double':
      case 'float':
        if (typeof v !== 'number') this.fail(`number expected, got ${describe(v)}`);
        return;
      case 'bool':
        if (typeof v !== 'boolean') this.fail(`boolean expected, got ${describe(v)}`);
        return;
      case 'string':
        if (typeof v !== 'string') this.fail(`string expected, got ${describe(v)}`);
        return;
      case 'bytes':
        if (typeof v !== 'string' && !(v instanceof Uint8Array)) this.fail(`bytes expected, got ${describe(v)}`);
        return;
    }
  }

  // protobufjs's built-in struct.proto names Value's fields in lowerCamel (numberValue, ...).
  private structFields(json: unknown): Record<string, unknown> {
    if (!json || typeof json !== 'object' || Array.isArray(json)) this.fail('Struct must be an object');
    const out: Record<string, unknown> = {};
    const obj = json as Record<string, unknown>;
    for (const k in obj) {
      this.pathStack.push(k);
      out[k] = this.structValue(obj[k]);
      this.pathStack.pop();
    }
    return out;
  }

  private structList(list: unknown[]): unknown[] {
    return list.map((x, i) => {
      this.pathStack.push(i);
      const v = this.structValue(x);
      this.pathStack.pop();
      return v;
    });
  }

  private structValue(v: unknown): unknown {
    if (v === null) return { nullValue: 0 };
    if (typeof v === 'number') return { numberValue: v };
    if (typeof v === 'string') return { stringValue: v };
    if (typeof v === 'boolean') return { boolValue: v };
    if (Array.isArray(v)) return { listValue: { values: this.structList(v) } };
    if (typeof v === 'object') return { structValue: { fields: this.structFields(v) } };
    return this.fail('not a JSON value');
  }

  private pbjsToJson(type: protobuf.Type, obj: unknown, path: string): Json {
    const full = typeName(type);
    const o = (obj ?? {}) as Record<string, unknown>;
    if (full === 'google.protobuf.Any') {
      const url = typeof o['type_url'] === 'string' ? o['type_url'] : '';
      const innerName = url.slice(url.lastIndexOf('/') + 1);
      const inner = this.lookupType(innerName);
      if (!inner) throw new CodecError(path, `Any: unknown type ${url}`);
      const raw = o['value'];
      const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64') : (raw as Uint8Array | undefined) ?? new Uint8Array();
      const msg = inner.decode(bytes);
      const innerObj = inner.toObject(msg, { longs: String, enums: String, bytes: String, defaults: false });
      const innerJson = this.pbjsToJson(inner, innerObj, path);
      if (isWellKnownJson(innerName)) return { '@type': url, value: innerJson };
      return { '@type': url, ...(innerJson as JsonObject) };
    }
    if (full === 'google.protobuf.Duration') return formatDuration(toNumber(o['seconds'] ?? 0), toNumber(o['nanos'] ?? 0));
    if (full === 'google.protobuf.Timestamp') {
      const ms = toNumber(o['seconds'] ?? 0) * 1000 + Math.floor(toNumber(o['nanos'] ?? 0) / 1e6);
      return new Date(ms).toISOString();
    }
    if (WRAPPERS.has(full)) {
      const v = o['value'];
      const inner = type.fields['value'];
      if (v === undefined) return inner && (inner.type === 'string' || inner.type === 'bytes') ? '' : inner?.type === 'bool' ? false : LONG_SCALARS.has(inner?.type ?? '') ? '0' : 0;
      return v as Json;
    }
    if (full === 'google.protobuf.Struct') return this.structToJson(o['fields']);
    if (full === 'google.protobuf.Value') return this.valueToJson(o);
    const out: JsonObject = {};
    for (const field of type.fieldsArray) {
      const v = o[field.name];
      if (v === undefined || v === null) continue;
      field.resolve();
      const convertOne = (x: unknown, p: string): Json => {
        if (field.resolvedType instanceof protobuf.Type) return this.pbjsToJson(field.resolvedType, x, p);
        if (typeof x === 'number' && !Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
        return x as Json;
      };
      if (field.map) {
        const m: JsonObject = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) m[k] = convertOne(x, `${path}["${k}"]`);
        out[field.name] = m;
      } else if (field.repeated) {
        out[field.name] = (v as unknown[]).map((x, i) => convertOne(x, index2(join2(path, field.name), i)));
      } else {
        out[field.name] = convertOne(v, join2(path, field.name));
      }
    }
    return out;
  }

  private structToJson(fields: unknown): JsonObject {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries((fields ?? {}) as Record<string, unknown>)) out[k] = this.valueToJson(v as Record<string, unknown>);
    return out;
  }

  private valueToJson(v: Record<string, unknown>): Json {
    if ('nullValue' in v) return null;
    if ('numberValue' in v) return v['numberValue'] as number;
    if ('stringValue' in v) return v['stringValue'] as string;
    if ('boolValue' in v) return v['boolValue'] as boolean;
    if ('listValue' in v) return (((v['listValue'] as Record<string, unknown>)['values'] ?? []) as Record<string, unknown>[]).map((x) => this.valueToJson(x));
    if ('structValue' in v) return this.structToJson((v['structValue'] as Record<string, unknown>)['fields']);
    return null;
  }
}

const INT32_RANGE: Record<string, [number, number]> = {
  int32: [-0x80000000, 0x7fffffff], sint32: [-0x80000000, 0x7fffffff], sfixed32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff], fixed32: [0, 0xffffffff],
};

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'an object' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}

function isWellKnownJson(name: string): boolean {
  return WRAPPERS.has(name) || name === 'google.protobuf.Duration' || name === 'google.protobuf.Timestamp' || name === 'google.protobuf.Struct' || name === 'google.protobuf.Value' || name === 'google.protobuf.ListValue';
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function describeType(type: protobuf.Type): MessageSchema {
  const oneofs: OneofSchema[] = type.oneofsArray.map((o) => {
    const synthetic = o.fieldsArray.length === 1 && o.name.startsWith('_') && Boolean((o.fieldsArray[0] as unknown as { options?: Record<string, unknown> }).options?.['proto3_optional']);
    return { name: o.name, fields: o.fieldsArray.map((f) => f.name), options: parsedOptions(o), synthetic };
  });
  const fields: FieldSchema[] = type.fieldsArray.map((f) => {
    f.resolve();
    let value: FieldValueType;
    if (f.resolvedType instanceof protobuf.Type) value = { kind: 'message', messageName: strip(f.resolvedType.fullName) };
    else if (f.resolvedType instanceof protobuf.Enum) value = { kind: 'enum', enumName: strip(f.resolvedType.fullName) };
    else if (SCALARS.has(f.type)) value = { kind: 'scalar', scalar: f.type as ScalarKind };
    else throw new Error(`unresolved field type ${f.type} in ${type.fullName}`);
    const mapField = f as unknown as { map?: boolean; keyType?: string };
    const proto3Optional = Boolean((f as unknown as { options?: Record<string, unknown> }).options?.['proto3_optional']);
    return {
      name: f.name,
      jsonName: camel(f.name),
      number: f.id,
      value,
      repeated: f.repeated,
      mapKey: mapField.map ? (mapField.keyType as ScalarKind) : undefined,
      oneof: f.partOf ? f.partOf.name : undefined,
      proto3Optional,
      options: parsedOptions(f),
    };
  });
  return { fullName: strip(type.fullName), fields, oneofs, options: parsedOptions(type) };
}

function parsedOptions(obj: protobuf.ReflectionObject): Record<string, unknown>[] {
  const parsed = (obj as unknown as { parsedOptions?: Record<string, unknown>[] }).parsedOptions;
  const out = parsed ? parsed.map((p) => ({ ...p })) : [];
  const plain = (obj as unknown as { options?: Record<string, unknown> }).options;
  if (plain?.['deprecated'] === true && !out.some((p) => 'deprecated' in p)) out.push({ deprecated: true });
  return out;
}

let shared: ProtoRegistry | undefined;

/** Loads the protos once per process (about 100 ms) and returns the shared registry. */
export function protoRegistry(): ProtoRegistry {
  if (shared) return shared;
  const includes = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (origin: string, target: string): string => {
    for (const dir of includes) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(ENTRY_FILES, { keepCase: true, alternateCommentMode: false });
  root.resolveAll();
  shared = new ProtoRegistry(root);
  return shared;
}
