import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../codec/proto-registry.ts';
import { bytesAt, bytesField, dropField, encodeAny, forEachField, readFields, stringField, varint } from './proto-wire.ts';

describe('proto-wire', () => {
  it('writes varints and length-delimited fields protobuf reads back', () => {
    expect([...varint(0)]).toEqual([0]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(2 ** 40)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    const long = 'n'.repeat(200);
    const msg = Buffer.concat([stringField(1, 'v1'), stringField(3, long), stringField(4, 't'), stringField(5, '')]);
    expect(protoRegistry().decode(MessageType.discoveryRequest, msg)).toEqual({ version_info: 'v1', resource_names: [long], type_url: 't' });
  });

  it('writes each field as protobufjs does: multi-byte UTF-8, and lengths of one, two and three varint bytes', () => {
    const r = protoRegistry();
    for (const name of ['a', 'ns/café-€/😀', 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(9000)]) {
      expect(stringField(3, name)).toEqual(Buffer.from(r.encode(MessageType.discoveryRequest, { resource_names: [name] })));
    }
    const payload = Buffer.alloc(20_000, 7);
    const field = bytesField(2, payload);
    expect(field.subarray(0, 4)).toEqual(Buffer.from([0x12, 0xa0, 0x9c, 0x01]));
    expect(field.subarray(4)).toEqual(payload);
  });

  it('tells whether a buffer holds exact bytes at a place, short spans and long ones alike', () => {
    for (const size of [0, 1, 5, 128, 129, 20_000]) {
      const want = Buffer.alloc(size, 0x61);
      if (size > 0) want[size - 1] = 0x7a;
      const buf = Buffer.concat([Buffer.from('head'), want, Buffer.from('tail')]);
      expect(bytesAt(buf, 4, 4 + size, want)).toBe(true);
      // One place off, one byte short or long, or running past the end is not a match.
      if (size > 0) expect(bytesAt(buf, 3, 3 + size, want)).toBe(false);
      expect(bytesAt(buf, 4, 5 + size, want)).toBe(false);
      if (size > 0) expect(bytesAt(buf, 4, 3 + size, want)).toBe(false);
      expect(bytesAt(buf.subarray(0, 3 + size), 4, 4 + size, want)).toBe(false);
      if (size > 0) {
        // A difference in the last byte or the first.
        const last = Buffer.from(buf);
        last[3 + size] = 0x79;
        expect(bytesAt(last, 4, 4 + size, want)).toBe(false);
        const first = Buffer.from(buf);
        first[4] ^= 1;
        expect(bytesAt(first, 4, 4 + size, want)).toBe(false);
      }
    }
  });

  it('lets a visitor skip ahead over fields it recognised', () => {
    const msg = Buffer.concat([stringField(1, 'v'), stringField(3, 'a'), stringField(3, 'b'), stringField(4, 't')]);
    const seen: number[] = [];
    forEachField(msg, (n, start, _payloadStart, end) => {
      seen.push(n);
      // At the first name, skip both names (their bytes are known to the visitor).
      if (n === 3) return end + stringField(3, 'b').length;
      // A position not past the field is ignored: the walk goes on after it.
      return start;
    });
    expect(seen).toEqual([1, 3, 4]);
  });

  it('frames an Any around encoded bytes', () => {
    const r = protoRegistry();
    const any = encodeAny('type.googleapis.com/envoy.config.cluster.v3.Cluster', r.encode(MessageType.cluster, { name: 'c' }));
    expect(r.decode('google.protobuf.Any', any)).toEqual({ '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'c' });
  });

  it('reads fields and drops one', () => {
    const msg = Buffer.concat([stringField(2, 'keep'), bytesField(3, Buffer.from([1, 2, 3])), stringField(3, 'x')]);
    expect(readFields(msg).map((f) => f.number)).toEqual([2, 3, 3]);
    expect(dropField(msg, 3)).toEqual(stringField(2, 'keep'));
    expect(() => readFields(Buffer.from([0x0a, 0x05, 0x01]))).toThrow(/truncated/);
  });
});
