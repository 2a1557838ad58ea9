// The codec's earlier encoding path, kept as the reference its one-pass encoder
// (src/codec/json-encoder.ts) is checked against and as the benchmark's floor: proto3 JSON is
// converted to protobufjs's object form, checking every value's type on the way, and protobufjs
// encodes that object.
import protobuf from 'protobufjs';
import type { JsonObject } from '../../src/codec/json.ts';
import { CodecError } from '../../src/codec/codec-error.ts';
import { INT32_SCALARS, LONG_SCALARS, WRAPPERS, parseDuration } from '../../src/codec/well-known-types.ts';
import { camel, lookupType, requireType, strip, typeName } from '../../src/codec/reflection.ts';

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

export class ProtobufjsObjectEncoder {
  private readonly root: protobuf.Root;

  constructor(root: protobuf.Root) {
    this.root = root;
  }

  /** Encodes a proto3 JSON object of the given message type through protobufjs. Throws CodecError on bad input. */
  encode(typeName: string, json: JsonObject): Uint8Array {
    const type = this.typeNamed(typeName);
    // jsonToPbjs checks every value's type as it converts, so the plain object it returns is
    // encoded directly: no separate verify() or fromObject() walk (each cost as much as the encode).
    const pbjs = this.jsonToPbjs(type, json, '') as Record<string, unknown>;
    return type.encode(pbjs).finish();
  }

  /**
   * The protobufjs object form of a proto3 JSON message, as encode() hands it to protobufjs (Any
   * values already encoded). Lets a benchmark time protobufjs encoding the same messages alone.
   */
  toProtobufObject(typeName: string, json: JsonObject): Record<string, unknown> {
    return this.jsonToPbjs(this.typeNamed(typeName), json, '') as Record<string, unknown>;
  }

  // Type lookups by name, once per name: protobufjs resolves a dotted name by walking namespaces on
  // every call, and every resource (and every Any inside one) would pay for it again.
  private readonly types = new Map<string, protobuf.Type | null>();

  private typeNamed(name: string): protobuf.Type {
    let type = this.types.get(name);
    if (type === undefined) {
      type = lookupType(this.root, strip(name)) ?? null;
      this.types.set(name, type);
    }
    if (!type) return requireType(this.root, name);
    return type;
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

  private typeNamedOrNone(name: string): protobuf.Type | undefined {
    const type = lookupType(this.root, strip(name)) ?? null;
    this.types.set(name, type);
    return type ?? undefined;
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
        const inner = this.types.get(innerName) ?? (this.types.has(innerName) ? undefined : this.typeNamedOrNone(innerName));
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
}

const INT32_RANGE: Record<string, [number, number]> = {
  int32: [-0x80000000, 0x7fffffff], sint32: [-0x80000000, 0x7fffffff], sfixed32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff], fixed32: [0, 0xffffffff],
};

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'an object' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}
