import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry, type JsonObject } from '../codec/proto-registry.ts';
import { decodeDeltaDiscoveryRequest, decodeDiscoveryRequest, isPlainAck, namesOf } from './discovery-request.ts';
import type { NamesSpan } from './names-span.ts';
import { bytesField, encodeAny, stringField } from './proto-wire.ts';
import { StreamError } from './stream-error.ts';
import { DEFAULT_XDS_LIMITS as L } from './xds-limits.ts';

const r = protoRegistry();
const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const RDS = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
const node = { id: 'envoy-1', cluster: 'ns/gw', user_agent_name: 'envoy' };

describe('decodeDiscoveryRequest', () => {
  it('reads every field Tether uses, and leaves a restated names list undecoded', () => {
    const bytes = r.encode(MessageType.discoveryRequest, { version_info: 'v1', node, resource_names: ['a', 'b'], type_url: CDS, response_nonce: '3' });
    const first = decodeDiscoveryRequest(bytes, L);
    expect(first).toEqual({ version_info: 'v1', node, resource_names: ['a', 'b'], names_span: first.names_span, type_url: CDS, response_nonce: '3' });
    expect(first.names_span!.count).toBe(2);
    expect(namesOf(first.names_span!)).toEqual(['a', 'b']);
    // The same list again: its bytes are the span the stream holds, so no strings are made.
    const again = decodeDiscoveryRequest(bytes, L, [first.names_span!]);
    expect(again).toEqual({ version_info: 'v1', node, names_span: first.names_span, type_url: CDS, response_nonce: '3' });
    // A different list is decoded, and so is a list that starts with the known one.
    const other = decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: ['a'], type_url: CDS }), L, [first.names_span!]);
    expect(other.resource_names).toEqual(['a']);
    const longer = decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: ['a', 'b', 'c'], type_url: CDS }), L, [first.names_span!]);
    expect(longer.resource_names).toEqual(['a', 'b', 'c']);
    expect(longer.names_span).not.toBe(first.names_span);
    // No names: an empty list, and no span.
    expect(decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { type_url: CDS }), L, [first.names_span!])).toEqual({ type_url: CDS, resource_names: [] });
  });

  it('reads names with other fields between them (any field order is valid protobuf) without skipping those fields', () => {
    const known = decodeDiscoveryRequest(Buffer.concat([stringField(3, 'a'), stringField(3, 'b')]), L).names_span!;
    // The known list, then the type URL, then one more name: all three names, and the type URL.
    const req = decodeDiscoveryRequest(Buffer.concat([stringField(3, 'a'), stringField(3, 'b'), stringField(4, CDS), stringField(3, 'c')]), L, [known]);
    expect(req).toEqual({ resource_names: ['a', 'b', 'c'], type_url: CDS });
    // Not written together: no span to recognise it by next time.
    expect(req.names_span).toBeUndefined();
  });

  it('shares the bytes of a large list between requests that carry it', () => {
    const names = Array.from({ length: 100 }, (_, i) => `ns/service-${i}/8080`);
    const request = r.encode(MessageType.discoveryRequest, { resource_names: names, type_url: CDS });
    const a = decodeDiscoveryRequest(request, L);
    const b = decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { version_info: 'v2', resource_names: names, type_url: CDS, response_nonce: '9' }), L);
    expect(b.names_span).toBe(a.names_span);
    expect(a.names_span!.count).toBe(100);
    // A copy in storage of its own: the span keeps neither the request nor a pooled block alive.
    expect(a.names_span!.bytes.buffer).not.toBe(request.buffer);
    expect(a.names_span!.bytes.buffer.byteLength).toBe(a.names_span!.bytes.length);
    const c = decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: names.slice(1), type_url: CDS }), L);
    expect(c.names_span).not.toBe(a.names_span);
  });

  it('shares a short list too, in storage of its own (a pooled block would stay alive for every stream holding a copy)', () => {
    const short = (names: string[], nonce: string) => decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: names, type_url: RDS, response_nonce: nonce }), L);
    const a = short(['http-80'], '1');
    const b = short(['http-80'], '2');
    expect(b.names_span).toBe(a.names_span);
    expect(a.names_span!.bytes.buffer.byteLength).toBe(a.names_span!.bytes.length);
    expect(namesOf(a.names_span!)).toEqual(['http-80']);
    for (const other of [['http-81'], ['http-80', 'http-81'], ['http-8']]) expect(short(other, '3').names_span).not.toBe(a.names_span);
  });

  it('reads a NACK, dropping status details it cannot read', () => {
    const unreadable = bytesField(3, encodeAny('type.googleapis.com/not.a.Known', Buffer.from([0xff, 0xff])));
    const status = Buffer.concat([Buffer.from([0x08, 0x03]), stringField(2, 'bad cluster'), unreadable]);
    const req = decodeDiscoveryRequest(Buffer.concat([stringField(4, CDS), stringField(5, '7'), bytesField(6, status)]), L);
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
    expect(decodeDeltaDiscoveryRequest(bytes, L)).toEqual({
      node,
      type_url: CDS,
      resource_names_subscribe: ['a', '*'],
      resource_names_unsubscribe: ['b'],
      initial_resource_versions: new Map([['a', 'h1'], ['c', 'h2']]),
      response_nonce: '4',
      error_detail: { code: 3, message: 'no' },
    });
    expect(decodeDeltaDiscoveryRequest(new Uint8Array(), L)).toEqual({ resource_names_subscribe: [], resource_names_unsubscribe: [] });
  });
});

describe('decodeDeltaDiscoveryRequest with lists the fleet sent', () => {
  const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
  const names = Array.from({ length: 100 }, (_, i) => `ns/service-${i}/8080`);
  const decode = (request: JsonObject, recent: () => readonly NamesSpan[] = () => [], limits = L) => decodeDeltaDiscoveryRequest(r.encode(MessageType.deltaDiscoveryRequest, request), limits, recent);

  it('leaves a large subscribe list undecoded when it is one of the recent lists, byte for byte', () => {
    const first = decode({ type_url: EDS, resource_names_subscribe: names });
    expect(first.resource_names_subscribe).toEqual(names);
    expect(first.subscribe_span!.count).toBe(100);
    expect(namesOf(first.subscribe_span!)).toEqual(names);
    const span = first.subscribe_span!;
    const again = decode({ type_url: EDS, resource_names_subscribe: names, resource_names_unsubscribe: ['x'], response_nonce: '4' }, () => [span]);
    expect(again).toEqual({ type_url: EDS, subscribe_span: span, resource_names_unsubscribe: ['x'], response_nonce: '4' });
    // A list that starts with the known one, one that differs, and a short one are read name by name.
    expect(decode({ resource_names_subscribe: [...names, 'more'] }, () => [span]).resource_names_subscribe).toEqual([...names, 'more']);
    const other = decode({ resource_names_subscribe: names.slice(1) }, () => [span]);
    expect(other.resource_names_subscribe).toEqual(names.slice(1));
    expect(other.subscribe_span).not.toBe(span);
    expect(decode({ resource_names_subscribe: ['a', 'b'] }, () => [span])).toEqual({ resource_names_subscribe: ['a', 'b'], resource_names_unsubscribe: [] });
  });

  it('still counts the names of a known list against the limit', () => {
    const span = decode({ resource_names_subscribe: names }).subscribe_span!;
    const small = { ...L, maxSubscribedNames: 100 };
    expect(refusal(() => decode({ resource_names_subscribe: names }, () => [span], small))).toBeUndefined();
    expect(refusal(() => decode({ resource_names_subscribe: [...names, 'one more'] }, () => [span], small))?.code).toBe(status.RESOURCE_EXHAUSTED);
  });
});

/** The StreamError a decode throws (or undefined). */
function refusal(decode: () => unknown): { code: status; message: string } | undefined {
  try {
    decode();
    return undefined;
  } catch (err) {
    if (!(err instanceof StreamError)) throw err;
    return { code: err.code, message: err.message };
  }
}

describe('request limits', () => {
  const small = { ...L, maxRequestFields: 100, maxSubscribedNames: 10, maxInitialVersions: 5, maxNameBytes: 32, maxNackMessageBytes: 8 };

  it('stops at the field limit, whatever the fields are, before building anything', () => {
    // 2-byte unknown fields (field 15, varint 0), as many as the limit allows and one more.
    const unknown = (n: number): Buffer => Buffer.alloc(n * 2, Buffer.from([0x78, 0x00]));
    expect(refusal(() => decodeDiscoveryRequest(unknown(100), small))).toBeUndefined();
    expect(refusal(() => decodeDiscoveryRequest(unknown(101), small))).toEqual({ code: status.RESOURCE_EXHAUSTED, message: expect.stringContaining('more than 100 fields') });
    expect(refusal(() => decodeDeltaDiscoveryRequest(unknown(101), small))?.code).toBe(status.RESOURCE_EXHAUSTED);
    // Inside node too: its fields count on their own.
    expect(refusal(() => decodeDeltaDiscoveryRequest(bytesField(1, unknown(101)), small))?.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('refuses too many names, initial versions, and names that are too long', () => {
    const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i}`);
    expect(refusal(() => decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: names(10) }), small))).toBeUndefined();
    expect(refusal(() => decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: names(11) }), small))?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refusal(() => decodeDeltaDiscoveryRequest(r.encode(MessageType.deltaDiscoveryRequest, { resource_names_subscribe: names(11) }), small))?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refusal(() => decodeDeltaDiscoveryRequest(r.encode(MessageType.deltaDiscoveryRequest, { resource_names_unsubscribe: names(11) }), small))?.code).toBe(status.RESOURCE_EXHAUSTED);
    const versions = Object.fromEntries(names(6).map((n) => [n, 'v']));
    expect(refusal(() => decodeDeltaDiscoveryRequest(r.encode(MessageType.deltaDiscoveryRequest, { initial_resource_versions: versions }), small))).toEqual({ code: status.RESOURCE_EXHAUSTED, message: expect.stringContaining('initial_resource_versions') });
    expect(refusal(() => decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: ['x'.repeat(33)] }), small))?.code).toBe(status.INVALID_ARGUMENT);
    expect(refusal(() => decodeDeltaDiscoveryRequest(r.encode(MessageType.deltaDiscoveryRequest, { node: { id: 'x'.repeat(33) } }), small))).toEqual({ code: status.INVALID_ARGUMENT, message: expect.stringContaining('node.id') });
  });

  it('keeps only the first bytes of a NACK message, and reads a node without its metadata', () => {
    const req = decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { node: { ...node, metadata: { big: 'x'.repeat(1000) } }, error_detail: { code: 13, message: 'y'.repeat(1000) } }), small);
    expect(req.error_detail).toEqual({ code: 13, message: 'yyyyyyyy' });
    expect(req.node).toEqual(node);
  });

  it('a name that reaches an object prototype is only a name', () => {
    const entry = (k: string, v: string): Buffer => bytesField(5, Buffer.concat([stringField(1, k), stringField(2, v)]));
    const req = decodeDeltaDiscoveryRequest(Buffer.concat([entry('__proto__', 'v'), entry('constructor', 'w')]), L);
    expect([...req.initial_resource_versions!]).toEqual([['__proto__', 'v'], ['constructor', 'w']]);
  });

  it('malformed bytes are INVALID_ARGUMENT', () => {
    expect(refusal(() => decodeDiscoveryRequest(Buffer.from([0x0a, 0x05, 0x01]), L))).toEqual({ code: status.INVALID_ARGUMENT, message: 'malformed request: truncated field' });
    expect(refusal(() => decodeDeltaDiscoveryRequest(Buffer.from([0x0b]), L))?.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('isPlainAck', () => {
  const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
  const want = (names?: string[]) => ({ typeUrl: Buffer.from(EDS), nonce: Buffer.from('~7'), ...(names ? { names: decodeDiscoveryRequest(r.encode(MessageType.discoveryRequest, { resource_names: names }), L).names_span! } : {}) });
  const sotw = (req: JsonObject) => r.encode(MessageType.discoveryRequest, req);
  const delta = (req: JsonObject) => r.encode(MessageType.deltaDiscoveryRequest, req);

  it('SotW: the type URL, the nonce and the names list held, with version_info and node or without', () => {
    const ack = { version_info: 'p-x', resource_names: ['a', 'b'], type_url: EDS, response_nonce: '~7' };
    expect(isPlainAck(sotw(ack), 'sotw', want(['a', 'b']))).toBe(true);
    expect(isPlainAck(sotw({ ...ack, node }), 'sotw', want(['a', 'b']))).toBe(true);
    expect(isPlainAck(sotw({ type_url: EDS, response_nonce: '~7' }), 'sotw', want())).toBe(true);
  });

  it('SotW: anything more or else is not one', () => {
    const ack = { version_info: 'p-x', resource_names: ['a', 'b'], type_url: EDS, response_nonce: '~7' };
    const cases: [string, Uint8Array, ReturnType<typeof want>][] = [
      ['a NACK', sotw({ ...ack, error_detail: { code: 3, message: 'no' } }), want(['a', 'b'])],
      ['another nonce', sotw({ ...ack, response_nonce: '~8' }), want(['a', 'b'])],
      ['another type', sotw({ ...ack, type_url: CDS }), want(['a', 'b'])],
      ['fewer names', sotw({ ...ack, resource_names: ['a'] }), want(['a', 'b'])],
      ['more names', sotw({ ...ack, resource_names: ['a', 'b', 'c'] }), want(['a', 'b'])],
      ['names where none are held', sotw(ack), want()],
      ['no names where some are held', sotw({ type_url: EDS, response_nonce: '~7' }), want(['a', 'b'])],
      ['no nonce', sotw({ resource_names: ['a', 'b'], type_url: EDS }), want(['a', 'b'])],
      ['a field twice', Buffer.concat([sotw(ack), stringField(5, '~7')]), want(['a', 'b'])],
      ['a field Tether does not read', Buffer.concat([sotw(ack), bytesField(7, Buffer.alloc(0))]), want(['a', 'b'])],
      ['truncated', sotw(ack).subarray(0, 20), want(['a', 'b'])],
    ];
    for (const [what, bytes, w] of cases) expect([what, isPlainAck(bytes, 'sotw', w)]).toEqual([what, false]);
  });

  it('delta: the type URL and the nonce, node allowed; names, versions or an error are not one', () => {
    const ack = { type_url: EDS, response_nonce: '~7' };
    expect(isPlainAck(delta(ack), 'delta', want())).toBe(true);
    expect(isPlainAck(delta({ ...ack, node }), 'delta', want())).toBe(true);
    const extras: JsonObject[] = [{ resource_names_subscribe: ['a'] }, { resource_names_unsubscribe: ['a'] }, { initial_resource_versions: { a: 'v' } }, { error_detail: { code: 3, message: 'no' } }, { response_nonce: '~8' }];
    for (const extra of extras) {
      expect([extra, isPlainAck(delta({ ...ack, ...extra }), 'delta', want())]).toEqual([extra, false]);
    }
  });
});
