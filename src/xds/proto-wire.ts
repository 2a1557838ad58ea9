// Protobuf wire-format framing for responses: tags, varints and length-delimited fields. Messages
// are built by concatenating pre-encoded fields; protobuf parsers accept fields in any order.

/** Bytes an unsigned varint takes. */
function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/** Writes an unsigned varint at `at`; returns the position after it. */
function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  let i = at;
  while (v >= 0x80) {
    out[i++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[i++] = v;
  return i;
}

/** Bytes of an unsigned varint (values up to 2^53). */
export function varint(value: number): Buffer {
  const out = Buffer.allocUnsafe(varintLength(value));
  writeVarint(out, 0, value);
  return out;
}

/** A length-delimited field (wire type 2): tag, length, payload. */
export function bytesField(fieldNumber: number, payload: Uint8Array): Buffer {
  const tag = (fieldNumber << 3) | 2;
  const out = Buffer.allocUnsafe(varintLength(tag) + varintLength(payload.length) + payload.length);
  out.set(payload, writeVarint(out, writeVarint(out, 0, tag), payload.length));
  return out;
}

/** The tag and length of a length-delimited field whose payload (`length` bytes) follows. */
export function fieldHead(fieldNumber: number, length: number): Buffer {
  const tag = (fieldNumber << 3) | 2;
  const out = Buffer.allocUnsafe(varintLength(tag) + varintLength(length));
  writeVarint(out, writeVarint(out, 0, tag), length);
  return out;
}

/**
 * A string field; empty strings are omitted, as proto3 does. One allocation: a response's version
 * and nonce fields are framed per stream.
 */
export function stringField(fieldNumber: number, value: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  const length = Buffer.byteLength(value, 'utf8');
  const tag = (fieldNumber << 3) | 2;
  const out = Buffer.allocUnsafe(varintLength(tag) + varintLength(length) + length);
  out.write(value, writeVarint(out, writeVarint(out, 0, tag), length), 'utf8');
  return out;
}

const typeUrlFields = new Map<string, Buffer>();

/** A response's `type_url` field (number 4), framed once per type URL: every response carries one. */
export function typeUrlField(typeUrl: string): Buffer {
  let field = typeUrlFields.get(typeUrl);
  if (!field) {
    field = stringField(4, typeUrl);
    typeUrlFields.set(typeUrl, field);
  }
  return field;
}

/** The bytes of a google.protobuf.Any: type_url = 1, value = 2. */
export function encodeAny(typeUrl: string, value: Uint8Array): Buffer {
  return Buffer.concat([stringField(1, typeUrl), bytesField(2, value)]);
}

interface WireField {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  /** Payload bounds for length-delimited fields. */
  readonly payloadStart: number;
}

/**
 * Visits the top-level fields of a message in order, allocating nothing per field. A visitor may
 * return where to go on (past `end`) to skip fields it recognised without reading them. Throws on
 * malformed input.
 */
export function forEachField(buf: Uint8Array, visit: (fieldNumber: number, start: number, payloadStart: number, end: number) => number | void): void {
  const n = buf.length;
  let pos = 0;
  while (pos < n) {
    const start = pos;
    // Tag varint.
    let tag = 0;
    let mul = 1;
    for (;;) {
      if (pos >= n) throw new Error('truncated varint');
      const b = buf[pos++];
      tag += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 0x80;
    }
    const wireType = tag & 7;
    let payloadStart = pos;
    let end: number;
    if (wireType === 0) {
      while (pos < n && (buf[pos] & 0x80) !== 0) pos++;
      if (pos >= n) throw new Error('truncated varint');
      end = pos + 1;
    } else if (wireType === 1) end = pos + 8;
    else if (wireType === 5) end = pos + 4;
    else if (wireType === 2) {
      let len = 0;
      mul = 1;
      for (;;) {
        if (pos >= n) throw new Error('truncated varint');
        const b = buf[pos++];
        len += (b & 0x7f) * mul;
        if ((b & 0x80) === 0) break;
        mul *= 0x80;
      }
      payloadStart = pos;
      end = pos + len;
    } else throw new Error(`unsupported wire type ${wireType}`);
    if (end > n) throw new Error('truncated field');
    const next = visit(Math.floor(tag / 8), start, payloadStart, end);
    pos = typeof next === 'number' && next > end ? next : end;
  }
}

/** Up to this many bytes a loop compares faster than a call to the native comparison. */
const LOOP_COMPARE_MAX = 128;

/**
 * Does `buf` hold exactly `want` in [start, end)? Short spans (a type URL, a nonce: what every ACK
 * is checked against) are compared in a loop, long ones by the native memory comparison.
 */
export function bytesAt(buf: Buffer, start: number, end: number, want: Uint8Array): boolean {
  const n = want.length;
  if (end - start !== n || end > buf.length) return false;
  if (n > LOOP_COMPARE_MAX) return buf.compare(want, 0, n, start, end) === 0;
  for (let i = 0; i < n; i++) if (buf[start + i] !== want[i]) return false;
  return true;
}

/** The top-level fields of a message, in order. Throws on malformed input. */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  forEachField(buf, (number, start, payloadStart, end) => out.push({ number, start, end, payloadStart }));
  return out;
}

/** The message without any occurrence of one field (e.g. google.rpc.Status.details we cannot read). */
export function dropField(buf: Uint8Array, fieldNumber: number): Buffer {
  return Buffer.concat(readFields(buf).filter((f) => f.number !== fieldNumber).map((f) => Buffer.from(buf.subarray(f.start, f.end))));
}
