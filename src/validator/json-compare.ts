// Semantic comparison of two proto3 JSON values of one message type: what we meant to send and
// what a peer decodes from the bytes. Equal means equal as protobuf values: "1024" == 1024 for
// 64-bit ints, "1s" == "1.000s", an absent plain scalar == its default, lowerCamel == snake_case
// keys, enum names == numbers. Any other difference is a silent change by the codec.
import type { FieldSchema, ScalarKind } from '../codec/proto-registry.ts';
import { parseDuration } from '../codec/proto-registry.ts';
import type { Finding } from './finding.ts';
import { fieldPath, indexPath, keyPath } from './finding.ts';
import { decodeBase64, parseTimestamp } from './schema-walker.ts';
import type { SchemaWalker } from './schema-walker.ts';

// The wrapper and JSON-valued type lists below repeat what codec/well-known-types.ts knows, on
// purpose: this comparison checks the codec, so it keeps its own copy of the proto3 JSON rules
// rather than trusting the code it checks.
const WRAPPED: Record<string, ScalarKind> = {
  'google.protobuf.DoubleValue': 'double', 'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64', 'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32', 'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool', 'google.protobuf.StringValue': 'string', 'google.protobuf.BytesValue': 'bytes',
};

// Well-known types whose JSON form is not an object: inside an Any they sit under "value".
const JSON_VALUED = new Set(['google.protobuf.Duration', 'google.protobuf.Timestamp', 'google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue', 'google.protobuf.FieldMask']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return s.length > 200 ? `${s.slice(0, 190)}…` : s;
}

/** Compares `sent` with `received` as messages of `typeName`, appending one error per difference. */
export function compareMessages(w: SchemaWalker, typeName: string, sent: unknown, received: unknown, path: string, out: Finding[]): void {
  new Comparer(w, out).message(typeName, sent, received, path);
}

class Comparer {
  private readonly w: SchemaWalker;
  private readonly out: Finding[];

  constructor(w: SchemaWalker, out: Finding[]) {
    this.w = w;
    this.out = out;
  }

  private diff(path: string, a: unknown, b: unknown): void {
    let message: string;
    if (a === undefined) message = `round trip added a value: ${show(b)}`;
    else if (b === undefined) message = `round trip dropped the value ${show(a)}`;
    else message = `round trip changed the value: sent ${show(a)}, got back ${show(b)}`;
    this.out.push({ level: 'error', path, message });
  }

  message(typeName: string, a: unknown, b: unknown, path: string): void {
    const wrapped = WRAPPED[typeName];
    if (wrapped) {
      const ua = isObject(a) ? a['value'] : a;
      const ub = isObject(b) ? b['value'] : b;
      if (!sameScalar(wrapped, ua ?? defaultScalar(wrapped), ub ?? defaultScalar(wrapped))) this.diff(path, a, b);
      return;
    }
    switch (typeName) {
      case 'google.protobuf.Duration':
        if (durationNanos(a) !== durationNanos(b)) this.diff(path, a, b);
        return;
      case 'google.protobuf.Timestamp':
        if (typeof a !== 'string' || typeof b !== 'string' || parseTimestamp(a) !== parseTimestamp(b)) this.diff(path, a, b);
        return;
      case 'google.protobuf.Struct':
      case 'google.protobuf.Value':
      case 'google.protobuf.ListValue':
      case 'google.protobuf.FieldMask':
        if (!deepEqual(a, b)) this.diff(path, a, b);
        return;
      case 'google.protobuf.Any':
        this.any(a, b, path);
        return;
    }
    const plan = this.w.plan(typeName);
    if (!plan || !isObject(a) || !isObject(b)) {
      if (!deepEqual(a, b)) this.diff(path, a, b);
      return;
    }
    for (const f of plan.schema.fields) {
      const av = get(a, f);
      const bv = get(b, f);
      this.field(f, av, bv, fieldPath(path, f.name), plan.schema.oneofs.some((o) => !o.synthetic && o.name === f.oneof));
    }
  }

  private any(a: unknown, b: unknown, path: string): void {
    if (!isObject(a) || !isObject(b)) {
      if (!deepEqual(a, b)) this.diff(path, a, b);
      return;
    }
    const ta = a['@type'];
    if (ta !== b['@type']) {
      this.diff(fieldPath(path, '@type'), ta, b['@type']);
      return;
    }
    if (typeof ta !== 'string') return;
    const name = ta.slice(ta.lastIndexOf('/') + 1);
    if (WRAPPED[name] || JSON_VALUED.has(name)) {
      this.message(name, a['value'], b['value'], fieldPath(path, 'value'));
      return;
    }
    this.message(name, a, b, path);
  }

  private field(f: FieldSchema, a: unknown, b: unknown, path: string, inOneof: boolean): void {
    if (f.mapKey) {
      const ma = isObject(a) ? a : {};
      const mb = isObject(b) ? b : {};
      const kb = new Map(Object.keys(mb).map((k) => [normKey(f.mapKey!, k), k]));
      for (const k of Object.keys(ma)) {
        const other = kb.get(normKey(f.mapKey, k));
        if (other === undefined) this.diff(keyPath(path, k), ma[k], undefined);
        else {
          this.one(f, ma[k], mb[other], keyPath(path, k));
          kb.delete(normKey(f.mapKey, k));
        }
      }
      for (const k of kb.values()) this.diff(keyPath(path, k), undefined, mb[k]);
      return;
    }
    if (f.repeated) {
      const la = Array.isArray(a) ? a : [];
      const lb = Array.isArray(b) ? b : [];
      const n = Math.max(la.length, lb.length);
      for (let i = 0; i < n; i++) {
        if (i >= la.length) this.diff(indexPath(path, i), undefined, lb[i]);
        else if (i >= lb.length) this.diff(indexPath(path, i), la[i], undefined);
        else this.one(f, la[i], lb[i], indexPath(path, i));
      }
      return;
    }
    const hasPresence = f.value.kind === 'message' || inOneof || f.proto3Optional;
    if (hasPresence) {
      if (a === undefined && b === undefined) return;
      if (a === undefined || b === undefined) {
        this.diff(path, a, b);
        return;
      }
      this.one(f, a, b, path);
      return;
    }
    this.one(f, a ?? defaultOf(f), b ?? defaultOf(f), path);
  }

  private one(f: FieldSchema, a: unknown, b: unknown, path: string): void {
    const t = f.value;
    if (t.kind === 'message') {
      this.message(t.messageName, a, b, path);
      return;
    }
    if (t.kind === 'enum') {
      const e = this.w.enumSchema(t.enumName);
      const na = typeof a === 'string' ? e?.values[a] : a;
      const nb = typeof b === 'string' ? e?.values[b] : b;
      if (na !== nb) this.diff(path, a, b);
      return;
    }
    if (!sameScalar(t.scalar, a, b)) this.diff(path, a, b);
  }
}

function get(o: Record<string, unknown>, f: FieldSchema): unknown {
  const v = o[f.name] ?? o[f.jsonName];
  return v === null ? undefined : v;
}

function defaultOf(f: FieldSchema): unknown {
  if (f.value.kind === 'enum') return 0;
  if (f.value.kind === 'scalar') return defaultScalar(f.value.scalar);
  return undefined;
}

function defaultScalar(kind: ScalarKind): unknown {
  if (kind === 'string' || kind === 'bytes') return '';
  if (kind === 'bool') return false;
  return 0;
}

function normKey(kind: ScalarKind, k: string): string {
  if (kind === 'string' || kind === 'bool') return k;
  try {
    return BigInt(k).toString();
  } catch {
    return k;
  }
}

function sameScalar(kind: ScalarKind, a: unknown, b: unknown): boolean {
  switch (kind) {
    case 'string':
    case 'bool':
      return a === b;
    case 'bytes': {
      const da = typeof a === 'string' ? decodeBase64(a) : undefined;
      const db = typeof b === 'string' ? decodeBase64(b) : undefined;
      if (!da || !db) return a === b;
      return da.length === db.length && da.every((x, i) => x === db[i]);
    }
    case 'double':
    case 'float': {
      const na = toDouble(a);
      const nb = toDouble(b);
      if (Number.isNaN(na) && Number.isNaN(nb)) return true;
      return kind === 'float' ? Math.fround(na) === Math.fround(nb) : na === nb;
    }
    default:
      try {
        return BigInt(a as string | number) === BigInt(b as string | number);
      } catch {
        return a === b;
      }
  }
}

function toDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

function durationNanos(v: unknown): bigint | undefined {
  if (typeof v === 'string') {
    const d = parseDuration(v);
    return d ? BigInt(d.seconds) * 1_000_000_000n + BigInt(d.nanos) : undefined;
  }
  if (isObject(v)) {
    try {
      return BigInt((v['seconds'] ?? 0) as string | number) * 1_000_000_000n + BigInt((v['nanos'] ?? 0) as string | number);
    } catch {
      return undefined;
    }
  }
  return v === undefined ? 0n : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
