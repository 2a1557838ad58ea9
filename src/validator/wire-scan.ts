// Reads protobuf wire format against the registry's schemas, looking for what a decoder drops
// without a word: field numbers the schema does not have, and fields sent with a wire type that
// does not match their declaration. Anys are followed into their packed type. Nothing is decoded
// into values; the strict validator checks those after the codec has decoded them.
import type { FieldSchema } from '../codec/proto-registry.ts';
import type { Finding } from './finding.ts';
import { fieldPath, indexPath, keyPath } from './finding.ts';
import type { SchemaWalker } from './schema-walker.ts';

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit'];

function expectedWire(f: FieldSchema): number[] {
  if (f.mapKey || f.value.kind === 'message') return [LEN];
  if (f.value.kind === 'enum') return f.repeated ? [VARINT, LEN] : [VARINT];
  switch (f.value.scalar) {
    case 'string':
    case 'bytes':
      return [LEN];
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return f.repeated ? [I64, LEN] : [I64];
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return f.repeated ? [I32, LEN] : [I32];
    default:
      return f.repeated ? [VARINT, LEN] : [VARINT];
  }
}

class Reader {
  pos: number;
  readonly end: number;
  readonly buf: Uint8Array;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw new Error('truncated field');
    this.pos += n;
  }
}

/**
 * Appends an error for every unknown field number or mismatched wire type in `bytes`; returns
 * false (with an error) if the bytes are not well-formed protobuf at all.
 */
export function scanWire(w: SchemaWalker, typeName: string, bytes: Uint8Array, out: Finding[]): boolean {
  try {
    scanMessage(w, typeName, bytes, 0, bytes.length, '', out);
    return true;
  } catch (e) {
    out.push({ level: 'error', path: '', message: `malformed protobuf: ${(e as Error).message}` });
    return false;
  }
}

function scanMessage(w: SchemaWalker, typeName: string, buf: Uint8Array, start: number, end: number, path: string, out: Finding[]): void {
  if (typeName === 'google.protobuf.Any') {
    scanAny(w, buf, start, end, path, out);
    return;
  }
  const plan = w.plan(typeName);
  if (!plan) return;
  const byNumber = new Map(plan.schema.fields.map((f) => [f.number, f]));
  const counts = new Map<number, number>();
  const r = new Reader(buf, start, end);
  while (r.pos < r.end) {
    const tag = r.varint();
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const f = byNumber.get(number);
    let len = 0;
    let bodyStart = r.pos;
    switch (wire) {
      case VARINT: r.varint(); break;
      case I64: r.skip(8); break;
      case I32: r.skip(4); break;
      case LEN: len = Number(r.varint()); bodyStart = r.pos; r.skip(len); break;
      default: throw new Error(`unsupported wire type ${wire} for field ${number} of ${typeName}`);
    }
    if (!f) {
      // Envoy counts these (server.dynamic_unknown_fields) and rejects them with --reject-unknown-dynamic-fields.
      out.push({ level: 'error', path: path || '<root>', message: `unknown field number ${number} (${WIRE_NAMES[wire]}) in ${typeName}` });
      continue;
    }
    const n = counts.get(number) ?? 0;
    counts.set(number, n + 1);
    const p = f.repeated && !f.mapKey ? indexPath(fieldPath(path, f.name), n) : fieldPath(path, f.name);
    if (!expectedWire(f).includes(wire)) {
      out.push({ level: 'error', path: p, message: `field ${f.name} sent as ${WIRE_NAMES[wire]}, which its type does not allow` });
      continue;
    }
    if (wire !== LEN) continue;
    if (f.mapKey) {
      scanMapEntry(w, f, buf, bodyStart, bodyStart + len, fieldPath(path, f.name), out);
    } else if (f.value.kind === 'message') {
      scanMessage(w, f.value.messageName, buf, bodyStart, bodyStart + len, p, out);
    }
  }
}

function scanMapEntry(w: SchemaWalker, f: FieldSchema, buf: Uint8Array, start: number, end: number, path: string, out: Finding[]): void {
  const r = new Reader(buf, start, end);
  let key = '?';
  let value: [number, number] | undefined;
  while (r.pos < r.end) {
    const tag = r.varint();
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === LEN) {
      const len = Number(r.varint());
      const s = r.pos;
      r.skip(len);
      if (number === 1) key = new TextDecoder().decode(buf.subarray(s, s + len));
      else if (number === 2) value = [s, s + len];
    } else if (wire === VARINT) {
      const v = r.varint();
      if (number === 1) key = v.toString();
    } else if (wire === I64) r.skip(8);
    else if (wire === I32) r.skip(4);
    else throw new Error(`unsupported wire type ${wire} in a map entry`);
  }
  if (value && f.value.kind === 'message') scanMessage(w, f.value.messageName, buf, value[0], value[1], keyPath(path, key), out);
}

function scanAny(w: SchemaWalker, buf: Uint8Array, start: number, end: number, path: string, out: Finding[]): void {
  const r = new Reader(buf, start, end);
  let url: string | undefined;
  let value: [number, number] = [start, start];
  while (r.pos < r.end) {
    const tag = r.varint();
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire !== LEN || (number !== 1 && number !== 2)) {
      out.push({ level: 'error', path: path || '<root>', message: `unexpected field ${number} (${WIRE_NAMES[wire] ?? wire}) in google.protobuf.Any` });
      return;
    }
    const len = Number(r.varint());
    const s = r.pos;
    r.skip(len);
    if (number === 1) url = new TextDecoder().decode(buf.subarray(s, s + len));
    else value = [s, s + len];
  }
  if (url === undefined) return;
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (w.plan(name)) scanMessage(w, name, buf, value[0], value[1], path, out);
}
