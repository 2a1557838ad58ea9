// proto3 JSON → protobuf bytes in one pass: every value is checked and written straight to the wire
// (wire-writer.ts), through a plan compiled once per message type from its schema
// (message-schema.ts): field lookup by snake_case or lowerCamel name, each field's tag and kind
// resolved ahead of time. The bytes are those protobufjs writes for the same message (fields in
// number order, present values written even when default, packed repeated scalars), which
// src/codec/json-encoder.test.ts checks against protobufjs itself.
//
// Fields are written in the order the JSON lists them, so the first bad value reported is the first
// in the input; a body whose fields came out of number order is put in order when it ends.
import protobuf from 'protobufjs';
import type { JsonObject } from './json.ts';
import { CodecError } from './codec-error.ts';
import { describeEnum, describeType, type FieldSchema, type ScalarKind } from './message-schema.ts';
import { WRAPPERS, parseDuration } from './well-known-types.ts';
import { lookupType, strip } from './reflection.ts';
import { WireWriter } from './wire-writer.ts';

// Small integers rather than strings: compared on every value written.
const Kind = { Message: 0, Any: 1, Duration: 2, Timestamp: 3, Wrapper: 4, Struct: 5, Value: 6, ListValue: 7 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];
const Shape = { Single: 0, Repeated: 1, Map: 2 } as const;
type Shape = (typeof Shape)[keyof typeof Shape];
const ValueKind = { Scalar: 0, Enum: 1, Message: 2 } as const;
type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

interface TypePlan {
  readonly name: string;
  readonly kind: Kind;
  readonly type: protobuf.Type;
  /** By snake_case and lowerCamel name. */
  readonly fields: Map<string, FieldPlan>;
  /** The wrapper types' one field. */
  value?: FieldPlan;
}

interface FieldPlan {
  readonly name: string;
  readonly number: number;
  readonly shape: Shape;
  readonly valueKind: ValueKind;
  readonly scalar: ScalarKind | undefined;
  /** Tag of one value (wire type of its kind) and of a length-delimited run. */
  readonly tag: number;
  readonly delimitedTag: number;
  readonly packed: boolean;
  readonly enumValues: Readonly<Record<string, number>> | undefined;
  readonly enumName: string | undefined;
  readonly messageName: string | undefined;
  plan: TypePlan | undefined;
  /** Map fields: the key's scalar kind and tag within the entry. */
  readonly mapKey: ScalarKind | undefined;
}

/** protobufjs's writer refuses messages nested deeper than this (q > recursionLimit). */
const RECURSION_LIMIT = protobuf.util.recursionLimit;
/** Marks the next path segment as a map key (`["key"]`), without building that string up front. */
const MAP_KEY = -1;

export class JsonEncoder {
  private readonly root: protobuf.Root;
  private readonly w = new WireWriter();
  /** The path of the value being written; a string only in an error message. */
  private readonly pathStack: (string | number)[] = [];
  /** Field numbers and start offsets of the fields written so far, for every message being written. */
  private segNumbers = new Int32Array(256);
  private segStarts = new Int32Array(256);
  private segTop = 0;
  private depth = 0;

  constructor(root: protobuf.Root) {
    this.root = root;
  }

  /** Encodes a proto3 JSON object of the given message type. Throws CodecError on bad input. */
  encode(typeName: string, json: JsonObject): Uint8Array {
    const plan = this.planNamed(typeName);
    if (!plan) throw new CodecError('', `unknown message type ${typeName}`);
    this.w.reset();
    this.pathStack.length = 0;
    this.segTop = 0;
    this.depth = 0;
    this.body(plan, json);
    return this.w.finish();
  }

  // Plans by type name, once per name: protobufjs resolves a dotted name by walking namespaces on
  // every call, and every resource (and every Any inside one) would pay for it again.
  private readonly plansByName = new Map<string, TypePlan | null>();
  private readonly plans = new Map<string, TypePlan>();

  private planNamed(name: string): TypePlan | undefined {
    let plan = this.plansByName.get(name);
    if (plan === undefined) {
      const type = lookupType(this.root, strip(name));
      plan = type ? this.planFor(type) : null;
      this.plansByName.set(name, plan);
    }
    return plan ?? undefined;
  }

  private planFor(type: protobuf.Type): TypePlan {
    const schema = describeType(type);
    const existing = this.plans.get(schema.fullName);
    if (existing) return existing;
    const name = schema.fullName;
    const kind: Kind =
      name === 'google.protobuf.Any' ? Kind.Any
      : name === 'google.protobuf.Duration' ? Kind.Duration
      : name === 'google.protobuf.Timestamp' ? Kind.Timestamp
      : WRAPPERS.has(name) ? Kind.Wrapper
      : name === 'google.protobuf.Struct' ? Kind.Struct
      : name === 'google.protobuf.Value' ? Kind.Value
      : name === 'google.protobuf.ListValue' ? Kind.ListValue
      : Kind.Message;
    const plan: TypePlan = { name, kind, type, fields: new Map() };
    this.plans.set(name, plan);
    for (const f of schema.fields) {
      const fp = this.fieldPlan(f);
      plan.fields.set(f.name, fp);
      plan.fields.set(f.jsonName, fp);
      if (f.name === 'value') plan.value = fp;
    }
    return plan;
  }

  private fieldPlan(f: FieldSchema): FieldPlan {
    const v = f.value;
    const valueKind: ValueKind = v.kind === 'scalar' ? ValueKind.Scalar : v.kind === 'enum' ? ValueKind.Enum : ValueKind.Message;
    const scalar = v.kind === 'scalar' ? v.scalar : undefined;
    const wireType = v.kind === 'enum' ? 0 : v.kind === 'message' ? 2 : WIRE_TYPE[v.scalar];
    const enumSchema = v.kind === 'enum' ? describeEnum(this.root, v.enumName) : undefined;
    return {
      name: f.name,
      number: f.number,
      shape: f.mapKey ? Shape.Map : f.repeated ? Shape.Repeated : Shape.Single,
      valueKind,
      scalar,
      tag: ((f.number << 3) | wireType) >>> 0,
      delimitedTag: ((f.number << 3) | 2) >>> 0,
      packed: f.packed && valueKind !== ValueKind.Message && scalar !== 'string' && scalar !== 'bytes',
      enumValues: enumSchema?.values,
      enumName: v.kind === 'enum' ? v.enumName : undefined,
      messageName: v.kind === 'message' ? v.messageName : undefined,
      plan: undefined,
      mapKey: f.mapKey,
    };
  }

  private messagePlan(field: FieldPlan): TypePlan {
    return field.plan ?? (field.plan = this.planNamed(field.messageName!)!);
  }

  private fail(message: string): never {
    let path = '';
    const stack = this.pathStack;
    for (let i = 0; i < stack.length; i++) {
      const seg = stack[i];
      if (seg === MAP_KEY) path += `["${stack[++i]}"]`;
      else if (typeof seg === 'number') path += `[${seg}]`;
      else path += path ? `.${seg}` : seg;
    }
    throw new CodecError(path, message);
  }

  /** A nested message: its tag, its length and its body. */
  private nested(tag: number, plan: TypePlan, json: unknown): void {
    const w = this.w;
    w.uint32(tag);
    const start = w.beginDelimited();
    this.depth++;
    this.body(plan, json);
    this.depth--;
    w.endDelimited(start);
  }

  /** The body of one message of the given type, from its proto3 JSON form. */
  private body(plan: TypePlan, json: unknown): void {
    if (this.depth > RECURSION_LIMIT) throw Error('max depth exceeded');
    const w = this.w;
    switch (plan.kind) {
      case Kind.Message:
        if (json === null || typeof json !== 'object' || Array.isArray(json)) this.fail(`${plan.name} must be an object`);
        this.fields(plan, json as Record<string, unknown>, false);
        return;
      case Kind.Any: {
        if (!json || typeof json !== 'object' || Array.isArray(json)) this.fail('Any must be an object with "@type"');
        const obj = json as Record<string, unknown>;
        const url = obj['@type'];
        if (typeof url !== 'string') this.fail('Any needs "@type"');
        const inner = this.planNamed(url.slice(url.lastIndexOf('/') + 1));
        if (!inner) this.fail(`Any: unknown type ${url}`);
        // An Any inside an Any would need its own "@type" beside the outer one's.
        if (inner.kind === Kind.Any) this.fail('Any needs "@type"');
        // type_url = 1, value = 2: the payload's bytes, written in place.
        w.uint32(0x0a);
        w.string(url);
        w.uint32(0x12);
        const start = w.beginDelimited();
        // The payload is a message of its own, as deep as protobufjs counts it.
        const depth = this.depth;
        this.depth = 0;
        // Well-known types carry their JSON form under "value".
        if (inner.kind !== Kind.Message) this.body(inner, obj['value']);
        else this.fields(inner, obj, true);
        this.depth = depth;
        w.endDelimited(start);
        return;
      }
      case Kind.Duration:
        if (typeof json !== 'string') return this.unchecked(plan, json);
        {
          const d = parseDuration(json);
          if (!d) this.fail(`bad Duration "${json}"`);
          this.secondsNanos(d.seconds, d.nanos);
        }
        return;
      case Kind.Timestamp:
        if (typeof json !== 'string') return this.unchecked(plan, json);
        {
          const ms = Date.parse(json);
          if (Number.isNaN(ms)) this.fail(`bad Timestamp "${json}"`);
          this.secondsNanos(Math.floor(ms / 1000), (ms % 1000) * 1e6);
        }
        return;
      case Kind.Wrapper:
        if (json === null || typeof json !== 'object' || Array.isArray(json)) {
          // A bare value is the wrapper's one field.
          if (json === null || json === undefined) return;
          const field = plan.value!;
          this.pathStack.push(field.name);
          this.single(field, json);
          this.pathStack.pop();
          return;
        }
        this.fields(plan, json as Record<string, unknown>, false);
        return;
      case Kind.Struct:
        this.structFields(json);
        return;
      case Kind.Value:
        this.structValue(json);
        return;
      case Kind.ListValue:
        if (!Array.isArray(json)) this.fail('ListValue must be an array');
        this.structList(json);
        return;
    }
  }

  /** Duration and Timestamp: seconds = 1, nanos = 2, both written. */
  private secondsNanos(seconds: number, nanos: number): void {
    const w = this.w;
    w.uint32(0x08);
    w.int64(seconds, 'varint');
    w.uint32(0x10);
    w.int32(nanos);
  }

  /** Duration or Timestamp given in object form: handed to protobufjs as it is, unchecked. */
  private unchecked(plan: TypePlan, json: unknown): void {
    const bytes = plan.type.encode(json as Record<string, unknown>).finish();
    const w = this.w;
    w.ensure(bytes.length);
    w.buf.set(bytes, w.pos);
    w.pos += bytes.length;
  }

  private fields(plan: TypePlan, json: Record<string, unknown>, skipType: boolean): void {
    const stack = this.pathStack;
    const w = this.w;
    const from = this.segTop;
    let last = 0;
    let ordered = true;
    for (const key in json) {
      if (skipType && key === '@type') continue;
      const field = plan.fields.get(key);
      if (!field) {
        stack.push(key);
        this.fail(`unknown field "${key}" in ${plan.name}`);
      }
      const value = json[key];
      if (value === null || value === undefined) continue;
      // Fields written in the JSON's order; recorded to be put in number order at the end.
      const top = this.segTop;
      if (top === this.segNumbers.length) this.growSegments();
      this.segNumbers[top] = field.number;
      this.segStarts[top] = w.pos;
      this.segTop = top + 1;
      if (field.number <= last) ordered = false;
      last = field.number;
      stack.push(field.name);
      if (field.shape === Shape.Single) this.single(field, value);
      else if (field.shape === Shape.Repeated) this.repeated(field, value);
      else this.map(field, value);
      stack.pop();
    }
    if (!ordered) w.moveSegments(this.segNumbers, this.segStarts, from, this.segTop);
    this.segTop = from;
  }

  private growSegments(): void {
    const numbers = new Int32Array(this.segNumbers.length * 2);
    numbers.set(this.segNumbers);
    const starts = new Int32Array(this.segStarts.length * 2);
    starts.set(this.segStarts);
    this.segNumbers = numbers;
    this.segStarts = starts;
  }

  private single(field: FieldPlan, value: unknown): void {
    if (field.valueKind === ValueKind.Message) {
      this.nested(field.delimitedTag, this.messagePlan(field), value);
      return;
    }
    const w = this.w;
    if (field.valueKind === ValueKind.Enum) {
      const n = this.enumNumber(field, value);
      w.uint32(field.tag);
      w.int32(n);
      return;
    }
    const scalar = field.scalar!;
    const v = this.scalarValue(scalar, value);
    w.uint32(field.tag);
    this.writeScalar(scalar, v);
  }

  private repeated(field: FieldPlan, value: unknown): void {
    if (!Array.isArray(value)) this.fail('repeated field must be an array');
    const n = value.length;
    if (n === 0) return;
    const stack = this.pathStack;
    const w = this.w;
    if (field.packed) {
      w.uint32(field.delimitedTag);
      const start = w.beginDelimited();
      for (let i = 0; i < n; i++) {
        stack.push(i);
        if (field.valueKind === ValueKind.Enum) w.int32(this.enumNumber(field, value[i]));
        else this.writeScalar(field.scalar!, this.scalarValue(field.scalar!, value[i]));
        stack.pop();
      }
      w.endDelimited(start);
      return;
    }
    for (let i = 0; i < n; i++) {
      stack.push(i);
      this.single(field, value[i]);
      stack.pop();
    }
  }

  private map(field: FieldPlan, value: unknown): void {
    if (!value || typeof value !== 'object' || Array.isArray(value)) this.fail('map must be an object');
    const obj = value as Record<string, unknown>;
    const stack = this.pathStack;
    const w = this.w;
    const keyKind = field.mapKey!;
    for (const k in obj) {
      stack.push(MAP_KEY, k);
      // An entry: key = 1, value = 2, both always written.
      w.uint32(field.delimitedTag);
      const start = w.beginDelimited();
      w.uint32(8 | WIRE_TYPE[keyKind]);
      this.writeScalar(keyKind, k);
      const v = obj[k];
      if (field.valueKind === ValueKind.Message) {
        this.nested(0x12, this.messagePlan(field), v);
      } else if (field.valueKind === ValueKind.Enum) {
        const n = this.enumNumber(field, v);
        w.uint32(0x10);
        w.int32(n);
      } else {
        const scalar = field.scalar!;
        const sv = this.scalarValue(scalar, v);
        w.uint32(16 | WIRE_TYPE[scalar]);
        this.writeScalar(scalar, sv);
      }
      w.endDelimited(start);
      stack.pop();
      stack.pop();
    }
  }

  private enumNumber(field: FieldPlan, v: unknown): number {
    if (typeof v !== 'string') {
      if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`enum value expected, got ${describe(v)}`);
      return v;
    }
    const n = Object.hasOwn(field.enumValues!, v) ? field.enumValues![v] : undefined;
    if (n === undefined) this.fail(`unknown enum value "${v}" of ${field.enumName}`);
    return n;
  }

  /** A scalar's value as it is written: checked, and converted from the strings proto3 JSON allows. */
  private scalarValue(type: ScalarKind, v: unknown): unknown {
    if (typeof v === 'string') {
      switch (type) {
        case 'string':
          return v;
        // base64; proto3 JSON also allows the URL-safe alphabet.
        case 'bytes':
          return v.replace(/-/g, '+').replace(/_/g, '/');
        // proto3 JSON allows 32-bit integers as decimal strings too.
        case 'int32': case 'uint32': case 'sint32': case 'fixed32': case 'sfixed32': {
          if (!/^-?\d+$/.test(v)) this.fail(`not an integer: "${v}"`);
          const n = Number(v);
          this.checkScalar(type, n);
          return n;
        }
        case 'int64': case 'uint64': case 'sint64': case 'fixed64': case 'sfixed64': {
          if (!/^-?\d+$/.test(v)) this.fail(`not an integer: "${v}"`);
          const n = Number(v);
          return Number.isSafeInteger(n) ? n : (protobuf.util.Long as unknown as { fromString(s: string, unsigned: boolean): unknown }).fromString(v, type.startsWith('u') || type.startsWith('fixed'));
        }
        case 'double': case 'float': {
          if (v === 'NaN') return NaN;
          if (v === 'Infinity') return Infinity;
          if (v === '-Infinity') return -Infinity;
          const n = Number(v);
          if (v.trim() === '' || Number.isNaN(n)) this.fail(`not a number: "${v}"`);
          return n;
        }
      }
    }
    this.checkScalar(type, v);
    return v;
  }

  private checkScalar(type: ScalarKind, v: unknown): void {
    switch (type) {
      case 'int32': case 'sint32': case 'sfixed32':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) this.fail(`${type} expected, got ${describe(v)}`);
        return;
      case 'uint32': case 'fixed32':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) this.fail(`${type} expected, got ${describe(v)}`);
        return;
      case 'int64': case 'uint64': case 'sint64': case 'fixed64': case 'sfixed64': {
        const isLong = typeof v === 'object' && v !== null && 'low' in v && 'high' in v;
        if (!isLong && (typeof v !== 'number' || !Number.isInteger(v))) this.fail(`${type} expected, got ${describe(v)}`);
        return;
      }
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

  /** Writes a checked scalar (or a map key, which arrives as a string) as protobufjs's writer does. */
  private writeScalar(type: ScalarKind, v: unknown): void {
    const w = this.w;
    switch (type) {
      case 'string': w.string(v as string); return;
      case 'bool': w.bool(v as boolean); return;
      case 'uint32': w.uint32(v as number); return;
      case 'int32': w.int32(v as number); return;
      case 'sint32': w.sint32(v as number); return;
      case 'fixed32': case 'sfixed32': w.fixed32(v as number); return;
      case 'int64': case 'uint64': w.int64(v, 'varint'); return;
      case 'sint64': w.int64(v, 'zigzag'); return;
      case 'fixed64': case 'sfixed64': w.int64(v, 'fixed'); return;
      case 'double': w.double(v as number); return;
      case 'float': w.float(v as number); return;
      case 'bytes': w.bytes(v as Uint8Array | string); return;
    }
  }

  // Struct = { fields = 1: map<string, Value> }; Value: null_value = 1, number_value = 2,
  // string_value = 3, bool_value = 4, struct_value = 5, list_value = 6; ListValue = { values = 1 }.
  private structFields(json: unknown): void {
    if (!json || typeof json !== 'object' || Array.isArray(json)) this.fail('Struct must be an object');
    if (this.depth > RECURSION_LIMIT) throw Error('max depth exceeded');
    const obj = json as Record<string, unknown>;
    const w = this.w;
    for (const k in obj) {
      this.pathStack.push(k);
      w.uint32(0x0a);
      const start = w.beginDelimited();
      w.uint32(0x0a);
      w.string(k);
      // The entry's value is a Value message, one level below the Struct.
      w.uint32(0x12);
      const vstart = w.beginDelimited();
      this.depth++;
      this.structValue(obj[k]);
      this.depth--;
      w.endDelimited(vstart);
      w.endDelimited(start);
      this.pathStack.pop();
    }
  }

  private structList(list: unknown[]): void {
    if (this.depth > RECURSION_LIMIT) throw Error('max depth exceeded');
    const w = this.w;
    for (let i = 0; i < list.length; i++) {
      this.pathStack.push(i);
      w.uint32(0x0a);
      const start = w.beginDelimited();
      this.depth++;
      this.structValue(list[i]);
      this.depth--;
      w.endDelimited(start);
      this.pathStack.pop();
    }
  }

  private structValue(v: unknown): void {
    if (this.depth > RECURSION_LIMIT) throw Error('max depth exceeded');
    const w = this.w;
    if (v === null) {
      w.uint32(0x08);
      w.uint32(0);
    } else if (typeof v === 'number') {
      w.uint32(0x11);
      w.double(v);
    } else if (typeof v === 'string') {
      w.uint32(0x1a);
      w.string(v);
    } else if (typeof v === 'boolean') {
      w.uint32(0x20);
      w.bool(v);
    } else if (Array.isArray(v)) {
      w.uint32(0x32);
      const start = w.beginDelimited();
      this.depth++;
      this.structList(v);
      this.depth--;
      w.endDelimited(start);
    } else if (typeof v === 'object') {
      w.uint32(0x2a);
      const start = w.beginDelimited();
      this.depth++;
      this.structFields(v);
      this.depth--;
      w.endDelimited(start);
    } else {
      this.fail('not a JSON value');
    }
  }
}

const WIRE_TYPE: Record<ScalarKind, number> = {
  double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5,
  int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
};

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'an object' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}
