import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry, typeUrl } from '../codec/proto-registry.ts';
import { schemaWalker, validateEncoded } from './strict-validator.ts';
import type { Finding } from './finding.ts';
import { sampleListener } from './sample-resources.ts';
import { scanWire } from './wire-scan.ts';

const scan = (type: string, bytes: Uint8Array): Finding[] => {
  const out: Finding[] = [];
  scanWire(schemaWalker(), type, bytes, out);
  return out;
};
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
};
const len = (field: number, body: Uint8Array | number[]): number[] => [...varint((field << 3) | 2), ...varint(body.length), ...body];
const text = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const bytes = (...parts: (number[] | Uint8Array)[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

describe('wire scan', () => {
  it('finds nothing in what the registry encodes', () => {
    expect(scan(MessageType.listener, protoRegistry().encode(MessageType.listener, sampleListener()))).toEqual([]);
  });

  it('reports an unknown field number at the root', () => {
    const b = bytes(protoRegistry().encode(MessageType.listener, sampleListener()), varint((999 << 3) | 0), [1]);
    expect(validateEncoded(MessageType.listener, b)).toEqual([
      { level: 'error', path: '<root>', message: 'unknown field number 999 (varint) in envoy.config.listener.v3.Listener' },
    ]);
  });

  it('follows Anys into their packed type', () => {
    // StatefulSession { session_state: { name, typed_config: Any(HeaderBasedSessionState { name, <field 2> }) } }
    const header = bytes(protoRegistry().encode(MessageType.headerSessionState, { name: 'x-session' }), [0x10, 0x01]);
    const any = bytes(len(1, text(typeUrl(MessageType.headerSessionState))), len(2, header));
    const state = bytes(len(1, text('envoy.http.stateful_session.header')), len(2, any));
    const session = bytes(len(1, state));
    expect(scan(MessageType.statefulSession, session)).toEqual([
      { level: 'error', path: 'session_state.typed_config', message: 'unknown field number 2 (varint) in envoy.extensions.http.stateful_session.header.v3.HeaderBasedSessionState' },
    ]);
  });

  it('reports a wire type that does not match the declaration', () => {
    // Cluster.name (field 1, string) sent as a varint.
    expect(scan(MessageType.cluster, Uint8Array.from([0x08, 0x01]))).toEqual([
      { level: 'error', path: 'name', message: 'field name sent as varint, which its type does not allow' },
    ]);
  });

  it('names repeated elements and map entries in paths', () => {
    // RouteConfiguration.virtual_hosts[1] carries field 99; typed_per_filter_config["k"] carries an Any of Router with field 99.
    const vh = (extra: number[]): number[] => len(2, [...len(1, text('vh')), ...len(2, text('a.example')), ...extra]);
    const router = bytes(len(1, text(typeUrl(MessageType.router))), len(2, [...varint((99 << 3) | 0), 1]));
    const entry = len(15, [...len(1, text('k')), ...len(2, router)]);
    const rc = bytes(vh([]), vh(entry), vh([...varint((99 << 3) | 0), 1]));
    expect(scan(MessageType.routeConfiguration, rc)).toEqual([
      { level: 'error', path: 'virtual_hosts[1].typed_per_filter_config["k"]', message: 'unknown field number 99 (varint) in envoy.extensions.filters.http.router.v3.Router' },
      { level: 'error', path: 'virtual_hosts[2]', message: 'unknown field number 99 (varint) in envoy.config.route.v3.VirtualHost' },
    ]);
  });

  it('reports truncated input', () => {
    expect(scan(MessageType.cluster, Uint8Array.from([0x0a, 0x05, 0x61]))).toEqual([
      { level: 'error', path: '', message: 'malformed protobuf: truncated field' },
    ]);
  });
});
