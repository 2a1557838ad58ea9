// Protobuf bytes → proto3 JSON (snake_case, `@type` on every Any, defaults omitted): the form
// Envoy's docs and config dumps use.
import protobuf from 'protobufjs';
import type { Json, JsonObject } from './json.ts';
import { CodecError } from './codec-error.ts';
import { LONG_SCALARS, WRAPPERS, formatDuration, isWellKnownJson } from './well-known-types.ts';
import { lookupType, requireType, typeName } from './reflection.ts';

const join2 = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const index2 = (path: string, i: number): string => `${path}[${i}]`;

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value) return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

export class JsonDecoder {
  private readonly root: protobuf.Root;

  constructor(root: protobuf.Root) {
    this.root = root;
  }

  /** Decodes bytes of the given message type. */
  decode(typeName: string, bytes: Uint8Array): JsonObject {
    const type = requireType(this.root, typeName);
    const message = type.decode(bytes);
    const obj = type.toObject(message, { longs: String, enums: String, bytes: String, defaults: false, arrays: false, objects: false, oneofs: false });
    return this.pbjsToJson(type, obj, '') as JsonObject;
  }

  private pbjsToJson(type: protobuf.Type, obj: unknown, path: string): Json {
    const full = typeName(type);
    const o = (obj ?? {}) as Record<string, unknown>;
    if (full === 'google.protobuf.Any') {
      const url = typeof o['type_url'] === 'string' ? o['type_url'] : '';
      const innerName = url.slice(url.lastIndexOf('/') + 1);
      const inner = lookupType(this.root, innerName);
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
