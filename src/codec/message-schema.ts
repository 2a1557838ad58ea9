// Message and enum types described in plain terms, for the strict validator (src/validator/), which
// must not use protobufjs: fields with their kinds, oneofs, and every parsed option (PGV rules,
// deprecation).
import protobuf from 'protobufjs';
import { SCALARS } from './well-known-types.ts';
import { camel, strip } from './reflection.ts';

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
  /** Repeated scalars and enums written as one length-delimited run (proto3's default). */
  packed: boolean;
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

export function describeType(type: protobuf.Type): MessageSchema {
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
      packed: f.repeated && f.packed,
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

export function describeEnum(root: protobuf.Root, name: string): EnumSchema | undefined {
  try {
    const e = root.lookupEnum(name);
    const valueOptions: Record<string, Record<string, unknown>> = {};
    const raw = (e as unknown as { valuesOptions?: Record<string, Record<string, unknown>> }).valuesOptions ?? {};
    for (const [k, v] of Object.entries(raw)) valueOptions[k] = { ...v };
    return { fullName: name, values: { ...e.values }, valueOptions };
  } catch {
    return undefined;
  }
}

/** Every loaded message type name. */
export function messageNames(root: protobuf.Root): string[] {
  const out: string[] = [];
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) out.push(strip(nested.fullName));
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) walk(nested);
    }
  };
  walk(root);
  return out;
}
