import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../codec/proto-registry.ts';
import { decodeDeltaDiscoveryRequest, decodeDiscoveryRequest } from './discovery-request.ts';
import { bytesField, encodeAny, stringField } from './proto-wire.ts';

const r = protoRegistry();
const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const node = { id: 'envoy-1', cluster: 'ns/gw', user_agent_name: 'envoy' };

describe('decodeDiscoveryRequest', () => {
  it('reads every field Tether uses, and leaves a restated names list undecoded', () => {
    const bytes = r.encode(MessageType.discoveryRequest, { version_info: 'v1', node, resource_names: ['a', 'b'], type_url: CDS, response_nonce: '3' });
    const first = decodeDiscoveryRequest(bytes);
    expect(first).toEqual({ version_info: 'v1', node, resource_names: ['a', 'b'], names_digest: first.names_digest, type_url: CDS, response_nonce: '3' });
    expect(first.names_digest).toMatch(/^2:/);
    // The same list again: the digest matches the one the stream remembers, so no strings are made.
    const again = decodeDiscoveryRequest(bytes, (typeUrl) => (typeUrl === CDS ? first.names_digest : undefined));
    expect(again.resource_names).toBeUndefined();
    expect(again.names_digest).toBe(first.names_digest);
    // A different list is decoded.
    const other = decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: ['a'], type_url: CDS }), () => first.names_digest);
    expect(other.resource_names).toEqual(['a']);
  });

  it('reads a NACK, dropping status details it cannot read', () => {
    const unreadable = bytesField(3, encodeAny('type.googleapis.com/not.a.Known', Buffer.from([0xff, 0xff])));
    const status = Buffer.concat([Buffer.from([0x08, 0x03]), stringField(2, 'bad cluster'), unreadable]);
    const req = decodeDiscoveryRequest(Buffer.concat([stringField(4, CDS), stringField(5, '7'), bytesField(6, status)]));
    expect(req.error_detail).toEqual({ code: 3, message: 'bad cluster' });
  });
});

describe('decodeDeltaDiscoveryRequest', () => {
  it('reads subscriptions, initial versions, nonce and error detail', () => {
    const bytes = r.encode(MessageType.deltaDiscoveryRequest, {
      node,
      type_url: CDS,
      resource_names_subscribe: ['a', '*'],
      resource_names_unsubscribe: ['b'],
      initial_resource_versions: { a: 'h1', c: 'h2' },
      response_nonce: '4',
      error_detail: { code: 3, message: 'no' },
    });
    expect(decodeDeltaDiscoveryRequest(bytes)).toEqual({
      node,
      type_url: CDS,
      resource_names_subscribe: ['a', '*'],
      resource_names_unsubscribe: ['b'],
      initial_resource_versions: { a: 'h1', c: 'h2' },
      response_nonce: '4',
      error_detail: { code: 3, message: 'no' },
    });
    expect(decodeDeltaDiscoveryRequest(new Uint8Array())).toEqual({ resource_names_subscribe: [], resource_names_unsubscribe: [] });
  });
});
