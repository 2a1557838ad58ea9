// Protobuf wire bytes written into one growing buffer, reused from message to message. A nested
// message's length is not known before its body is written: one byte is reserved for it and the
// body moved right when the length needs more (bodies of 128 bytes and more, moved once per level).
// Every value is written byte for byte as protobufjs's writer writes it (json-encoder.ts promises
// identical output): negative int32s as ten-byte varints, strings shorter than 40 UTF-16 units by
// its own UTF-8 loop and longer ones by Buffer's, bytes given as base64 decoded by Buffer.
import protobuf from 'protobufjs';

const INITIAL = 64 * 1024;
/** A buffer grown past this for one message is dropped afterwards rather than kept for the next. */
const KEEP_AT_MOST = 4 * 1024 * 1024;

const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

type Utf8Buffer = Buffer & { utf8Write(text: string, offset: number): number };

export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

export class WireWriter {
  buf: Utf8Buffer = Buffer.allocUnsafe(INITIAL) as Utf8Buffer;
  pos = 0;
  /** Where reordered fields are staged (see moveSegments). */
  private scratch: Buffer = Buffer.allocUnsafe(0);

  reset(): void {
    if (this.buf.length > KEEP_AT_MOST) this.buf = Buffer.allocUnsafe(INITIAL) as Utf8Buffer;
    if (this.scratch.length > KEEP_AT_MOST) this.scratch = Buffer.allocUnsafe(0);
    this.pos = 0;
  }

  /** The bytes written, copied out (a pooled Buffer for small ones, as protobufjs's finish()). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size) as Utf8Buffer;
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned 32-bit varint (the value is taken `>>> 0`, as protobufjs's uint32()). */
  uint32(value: number): void {
    let v = value >>> 0;
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    while (v > 127) {
      buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
  }

  int32(value: number): void {
    if (value < 0) this.varint64(protobuf.util.LongBits.fromNumber(value));
    else this.uint32(value);
  }

  sint32(value: number): void {
    this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  bool(value: boolean): void {
    this.uint32(value ? 1 : 0);
  }

  fixed32(value: number): void {
    const v = value >>> 0;
    this.ensure(4);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = v & 255;
    buf[p + 1] = (v >>> 8) & 255;
    buf[p + 2] = (v >>> 16) & 255;
    buf[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  float(value: number): void {
    f32[0] = value;
    this.ensure(4);
    this.buf.set(f32b, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    f64[0] = value;
    this.ensure(8);
    this.buf.set(f64b, this.pos);
    this.pos += 8;
  }

  /** int64 / uint64 (same varint), sint64 (zig-zag), fixed64 / sfixed64, from a number or a Long. */
  int64(value: unknown, kind: 'varint' | 'zigzag' | 'fixed'): void {
    let bits = protobuf.util.LongBits.from(value as number);
    if (kind === 'zigzag') bits = bits.zzEncode();
    if (kind === 'fixed') {
      this.fixed32(bits.lo);
      this.fixed32(bits.hi);
    } else {
      this.varint64(bits);
    }
  }

  private varint64(bits: { lo: number; hi: number }): void {
    let lo = bits.lo;
    let hi = bits.hi;
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    while (hi) {
      buf[p++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[p++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[p++] = lo;
    this.pos = p;
  }

  /** A length-delimited UTF-8 string. */
  string(text: string): void {
    const n = text.length;
    if (n < 40) {
      // At most 120 bytes: the length fits the one byte before them.
      this.ensure(1 + n * 3);
      const buf = this.buf;
      const start = this.pos + 1;
      let p = start;
      for (let i = 0; i < n; i++) {
        let c1 = text.charCodeAt(i);
        let c2: number;
        if (c1 < 128) {
          buf[p++] = c1;
        } else if (c1 < 2048) {
          buf[p++] = (c1 >> 6) | 192;
          buf[p++] = (c1 & 63) | 128;
        } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = text.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
          c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
          ++i;
          buf[p++] = (c1 >> 18) | 240;
          buf[p++] = ((c1 >> 12) & 63) | 128;
          buf[p++] = ((c1 >> 6) & 63) | 128;
          buf[p++] = (c1 & 63) | 128;
        } else {
          buf[p++] = (c1 >> 12) | 224;
          buf[p++] = ((c1 >> 6) & 63) | 128;
          buf[p++] = (c1 & 63) | 128;
        }
      }
      buf[start - 1] = p - start;
      this.pos = p;
      return;
    }
    this.ensure(5 + n * 3);
    // Written after room for the length of an ASCII text; moved when the bytes need a longer one.
    const guess = varintSize(n);
    const written = this.buf.utf8Write(text, this.pos + guess);
    const size = varintSize(written);
    if (size !== guess) this.buf.copyWithin(this.pos + size, this.pos + guess, this.pos + guess + written);
    this.uint32(written);
    this.pos += written;
  }

  /** Length-delimited bytes: a Uint8Array, or base64 text (decoded as protobufjs does under Node). */
  bytes(value: Uint8Array | string): void {
    const data = typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    const n = data.length >>> 0;
    this.uint32(n);
    if (n === 0) return;
    this.ensure(n);
    this.buf.set(data, this.pos);
    this.pos += n;
  }

  /** Reserves the length of a nested message; returns where its body starts (for endDelimited). */
  beginDelimited(): number {
    this.ensure(1);
    return ++this.pos;
  }

  endDelimited(start: number): void {
    const len = this.pos - start;
    if (len < 128) {
      this.buf[start - 1] = len;
      return;
    }
    const size = varintSize(len);
    this.ensure(size - 1);
    this.buf.copyWithin(start - 1 + size, start, this.pos);
    this.pos = start - 1;
    this.uint32(len);
    this.pos += len;
  }

  /**
   * Puts the fields of a message body written out of field-number order back in order. Segment i
   * is field numbers[i], written from starts[i] to starts[i + 1] (the last one to the end); where
   * one field was written twice, the later write is the one kept.
   */
  moveSegments(numbers: Int32Array, starts: Int32Array, from: number, to: number): void {
    const bodyStart = starts[from];
    const bodyEnd = this.pos;
    const count = to - from;
    const order: number[] = [];
    for (let i = from; i < to; i++) order.push(i);
    order.sort((a, b) => numbers[a] - numbers[b] || a - b);
    if (this.scratch.length < bodyEnd - bodyStart) this.scratch = Buffer.allocUnsafe(Math.max(bodyEnd - bodyStart, this.scratch.length * 2));
    this.buf.copy(this.scratch, 0, bodyStart, bodyEnd);
    let p = bodyStart;
    for (let k = 0; k < count; k++) {
      const i = order[k];
      if (k + 1 < count && numbers[order[k + 1]] === numbers[i]) continue;
      const s = starts[i] - bodyStart;
      const e = (i + 1 < to ? starts[i + 1] : bodyEnd) - bodyStart;
      this.scratch.copy(this.buf, p, s, e);
      p += e - s;
    }
    this.pos = p;
  }
}
