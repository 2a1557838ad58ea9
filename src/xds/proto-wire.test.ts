import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../codec/proto-registry.ts';
import { bytesField, dropField, encodeAny, readFields, stringField, varint } from './proto-wire.ts';

describe('proto-wire', () => {
  it('writes varints and length-delimited fields protobuf reads back', () => {
    expect([...varint(0)]).toEqual([0]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(2 ** 40)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    const long = 'n'.repeat(200);
    const msg = Buffer.concat([stringField(1, 'v1'), stringField(3, long), stringField(4, 't'), stringField(5, '')]);
    expect(protoRegistry().decode(MessageType.discoveryRequest, msg)).toEqual({ version_info: 'v1', resource_names: [long], type_url: 't' });
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
