// The one-pass encoder (proto3 JSON → wire bytes) against the codec's earlier path (JSON →
// protobufjs object → protobufjs encode, test/support/protobufjs-object.ts): the same bytes for
// every resource the golden cases hold or build, for the benchmark's generated config, and for
// messages generated at random from the schemas (every scalar kind, enums, maps, Structs, Anys,
// fields out of order, under both names, null); the same error where the input is bad.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { generateInput } from '../../bench/translate-input.ts';
import { ProtobufjsObjectEncoder } from '../../test/support/protobufjs-object.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { buildEnvoyResources } from '../envoy/build-envoy-resources.ts';
import { buildGrpcClientResources } from '../envoy/build-grpc-client-resources.ts';
import { translate } from '../translate/translate.ts';
import { inspectCertificates } from '../sources/certificates/certificate-inspector.ts';
import { JsonEncoder } from './json-encoder.ts';
import { loadProtoRoot } from './proto-loader.ts';
import { MessageType, protoRegistry, typeUrl, type Json, type JsonObject } from './proto-registry.ts';
import { RESOURCE_KINDS } from './resource-kinds.ts';
import type { FieldSchema, ScalarKind } from './message-schema.ts';

const root = loadProtoRoot();
const encoder = new JsonEncoder(root);
const reference = new ProtobufjsObjectEncoder(root);
const registry = protoRegistry();
const repo = join(import.meta.dirname, '..', '..');

type Outcome = { bytes: string } | { error: string };

function outcome(encode: () => Uint8Array): Outcome {
  try {
    return { bytes: Buffer.from(encode()).toString('hex') };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Encodes both ways; returns whether it encoded (false: both refused it with the same error). */
function expectSame(type: string, json: JsonObject, label: string): boolean {
  const ours = outcome(() => encoder.encode(type, json));
  const theirs = outcome(() => reference.encode(type, json));
  expect(ours, label).toEqual(theirs);
  return 'bytes' in ours;
}

function expectResourcesSame(resources: Record<string, unknown>, label: string): number {
  let n = 0;
  for (const kind of RESOURCE_KINDS) {
    for (const json of (resources[kind.key] ?? []) as JsonObject[]) {
      // `tether translate` prints each resource as an Any (with its "@type").
      const type = '@type' in json ? 'google.protobuf.Any' : kind.messageType;
      expect(expectSame(type, json, `${label} ${kind.key}`), `${label}: a golden resource must encode`).toBe(true);
      n++;
    }
  }
  return n;
}

const yamlFiles = (dir: string, suffix: string): string[] => readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));

describe('one-pass encoder: the same bytes as protobufjs', () => {
  it('for every Envoy resource and bootstrap in the builders\' golden outputs', () => {
    let n = 0;
    for (const file of yamlFiles(join(repo, 'src/envoy/testdata/build'), '.out.yaml')) {
      const out = parse(readFileSync(file, 'utf8')) as JsonObject;
      if (file.includes('static-bootstrap-')) {
        expect(expectSame(MessageType.bootstrap, out, file)).toBe(true);
        n++;
      } else {
        n += expectResourcesSame(out, file);
      }
    }
    for (const file of yamlFiles(join(repo, 'test/cli/testdata/translate'), '.out.yaml')) n += expectResourcesSame(parse(readFileSync(file, 'utf8')) as JsonObject, file);
    expect(n).toBeGreaterThan(100);
  });

  it('for what every translation golden input builds, both client forms', () => {
    let n = 0;
    for (const dir of ['src/translate/testdata', 'src/translate/sticky/testdata']) {
      for (const file of yamlFiles(join(repo, dir), '.in.yaml')) {
        const objects = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as KubeObject | null).filter((o): o is KubeObject => o !== null);
        const { ir } = translate(objects, { certificates: inspectCertificates(objects), now: '2030-01-01T00:00:00.000Z' });
        for (const g of ir.gateways) {
          n += expectResourcesSame(buildEnvoyResources(g) as unknown as Record<string, unknown>, file);
          n += expectResourcesSame(buildGrpcClientResources(g) as unknown as Record<string, unknown>, file);
        }
      }
    }
    expect(n).toBeGreaterThan(200);
  });

  it('for the benchmark\'s generated config (200 services, 2,000 routes)', () => {
    const { ir } = translate(generateInput({ services: 200, endpointsPerService: 10, routes: 2000 }));
    let n = 0;
    for (const g of ir.gateways) {
      n += expectResourcesSame(buildEnvoyResources(g) as unknown as Record<string, unknown>, 'generated');
      n += expectResourcesSame(buildGrpcClientResources(g) as unknown as Record<string, unknown>, 'generated');
    }
    expect(n).toBeGreaterThan(400);
  });

  it('for 1,500 messages generated at random from the schemas, errors included', () => {
    const gen = new MessageGenerator(7);
    const roots = [MessageType.listener, MessageType.routeConfiguration, MessageType.cluster, MessageType.clusterLoadAssignment, MessageType.secret, MessageType.bootstrap, MessageType.httpConnectionManager];
    let encoded = 0;
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const type = roots[i % roots.length];
      gen.breakOne = i % 5 === 4;
      const json = gen.message(type, 0) as JsonObject;
      if (expectSame(type, json, `message ${i} of ${type}: ${JSON.stringify(json).slice(0, 2000)}`)) encoded++;
      else refused++;
    }
    // Most generated messages are valid; every fifth carries one bad value and is refused.
    expect(encoded).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(150);
  });

  it('for the corners of the wire format', () => {
    const cluster = MessageType.cluster;
    const cases: [string, JsonObject][] = [
      // Lengths whose varint needs two and three bytes; strings at the 40-unit switch of writers.
      ['long name', { name: 'n'.repeat(200) }],
      ['longer name', { name: 'é'.repeat(9000) }],
      ['39 and 40 units', { name: 'x'.repeat(39), alt_stat_name: '€'.repeat(40) }],
      ['lone surrogates', { name: '\ud800a', alt_stat_name: `${'a'.repeat(45)}\udc00` }],
      ['astral', { name: '😀'.repeat(30) }],
      // Negative int32 (ten bytes), enums by number, 64-bit integers beyond 2^53.
      ['negative enum', { name: 'c', lb_policy: -3 }],
      ['big uint64', { name: 'c', load_assignment: { cluster_name: 'c', policy: { overprovisioning_factor: 140 } } }],
      ['fields written twice under two names', { name: 'a', alt_stat_name: 'b', altStatName: 'c' }],
      ['a null after a value keeps the value', { name: 'a', alt_stat_name: 'b', altStatName: null }],
      ['empty repeated under the second name wins', { name: 'a', dns_resolvers: [{ socket_address: { address: '1.1.1.1', port_value: 53 } }], dnsResolvers: [] }],
      ['fields in reverse number order', { upstream_connection_options: { tcp_keepalive: { keepalive_time: 5 } }, connect_timeout: '1.5s', type: 'STRICT_DNS', name: 'c' }],
      ['Struct and metadata', { name: 'c', metadata: { filter_metadata: { 'a.b': { x: 1.5, y: [true, null, 'z', { w: [] }], '10': 'ten', '2': 'two' } } } }],
      ['durations and nested Any', { name: 'c', connect_timeout: '-0.000000001s', typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': typeUrl(MessageType.httpProtocolOptions), explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 100 } } } } }],
      ['Duration in object form', { name: 'c', connect_timeout: { seconds: 3, nanos: 7 } }],
      ['Any of a wrapper', { name: 'c', typed_extension_protocol_options: { x: { '@type': 'type.googleapis.com/google.protobuf.UInt32Value', value: 7 } } }],
      ['Any of an Any', { name: 'c', typed_extension_protocol_options: { x: { '@type': 'type.googleapis.com/google.protobuf.Any', value: {} } } }],
      ['bytes, URL-safe alphabet', { name: 'c', transport_socket: { name: 't', typed_config: { '@type': 'type.googleapis.com/google.protobuf.BytesValue', value: '-_-_' } } }],
      ['deep nesting past the limit', { name: 'c', metadata: { filter_metadata: { a: deepStruct(120) } } }],
    ];
    for (const [label, json] of cases) expectSame(cluster, json, label);
    expect(outcome(() => encoder.encode(cluster, cases[0][1]))).toHaveProperty('bytes');
    expect(outcome(() => encoder.encode(cluster, cases.at(-1)![1]))).toEqual({ error: 'Error: max depth exceeded' });
  });

  it('is reusable after an error and returns buffers of its own', () => {
    expect(() => encoder.encode(MessageType.cluster, { name: 'c', lb_policy: 'NOPE' })).toThrow(/lb_policy: unknown enum value "NOPE"/);
    const a = encoder.encode(MessageType.cluster, { name: 'a' });
    const b = encoder.encode(MessageType.cluster, { name: 'b' });
    expect(Buffer.from(a).toString()).toContain('a');
    expect(Buffer.from(b).toString()).toContain('b');
    expect(registry.decode(MessageType.cluster, a)).toEqual({ name: 'a' });
  });

  it('refuses an enum name that is only an object property', () => {
    expect(() => encoder.encode(MessageType.cluster, { name: 'c', lb_policy: 'constructor' })).toThrow(/unknown enum value "constructor"/);
  });
});

function deepStruct(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = { d: v };
  return v;
}

/** Random proto3 JSON for a message type, from its schema; deterministic for a seed. */
class MessageGenerator {
  private state: number;
  /** When set, one value of the next message is made bad. */
  breakOne = false;
  private readonly anyTypes = [MessageType.router, MessageType.httpProtocolOptions, MessageType.ringHash, MessageType.cors, 'google.protobuf.UInt32Value', 'google.protobuf.Duration', 'google.protobuf.Struct', MessageType.cookieSessionState];

  constructor(seed: number) {
    this.state = seed;
  }

  private random(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  message(type: string, depth: number): Json {
    switch (type) {
      case 'google.protobuf.Duration': return `${this.pick(['', '-'])}${this.int(100000)}${this.pick(['', '.5', '.000000001', '.123456'])}s`;
      case 'google.protobuf.Timestamp': return new Date(this.int(2e12)).toISOString();
      case 'google.protobuf.Struct': return this.struct(depth);
      case 'google.protobuf.Value': return this.jsonValue(depth);
      case 'google.protobuf.ListValue': return [this.jsonValue(depth + 1), this.jsonValue(depth + 1)];
      case 'google.protobuf.Any': {
        const inner = this.pick(this.anyTypes);
        const body = this.message(inner, depth + 1);
        const wellKnown = inner.startsWith('google.protobuf.');
        return wellKnown ? { '@type': typeUrl(inner), value: body } : { '@type': typeUrl(inner), ...(body as JsonObject) };
      }
    }
    const schema = registry.message(type)!;
    if (type.startsWith('google.protobuf.') && type.endsWith('Value') && schema.fields.length === 1) {
      const v = this.value(schema.fields[0], depth);
      return this.random() < 0.5 ? v : { value: v };
    }
    const out: JsonObject = {};
    const chance = depth === 0 ? 0.5 : Math.max(0.05, 0.35 - depth * 0.06);
    const fields = [...schema.fields].sort(() => this.random() - 0.5);
    for (const f of fields) {
      if (this.random() > chance || depth > 7) continue;
      const key = this.random() < 0.2 ? f.jsonName : f.name;
      if (this.breakOne && this.random() < 0.1) {
        this.breakOne = false;
        out[this.random() < 0.3 ? `${f.name}_typo` : key] = this.bad(f);
        continue;
      }
      out[key] = this.random() < 0.03 ? null : this.fieldValue(f, depth);
      // Now and then the same field again under its other name.
      if (this.random() < 0.03) out[key === f.name ? f.jsonName : f.name] = this.random() < 0.3 ? null : this.fieldValue(f, depth);
    }
    return out;
  }

  private fieldValue(f: FieldSchema, depth: number): Json {
    if (f.mapKey) {
      const m: JsonObject = {};
      for (let i = this.int(3); i > 0; i--) m[f.mapKey === 'string' ? this.text() : String(this.int(1000))] = this.value(f, depth + 1);
      return m;
    }
    if (f.repeated) {
      const xs: Json[] = [];
      for (let i = this.int(4); i > 0; i--) xs.push(this.value(f, depth + 1));
      return xs;
    }
    return this.value(f, depth + 1);
  }

  private value(f: FieldSchema, depth: number): Json {
    const v = f.value;
    if (v.kind === 'message') return this.message(v.messageName, depth);
    if (v.kind === 'enum') {
      const names = Object.keys(registry.enum(v.enumName)!.values);
      return this.random() < 0.8 ? this.pick(names) : this.int(5);
    }
    return this.scalar(v.scalar);
  }

  private scalar(kind: ScalarKind): Json {
    const r = this.random();
    switch (kind) {
      case 'string': return this.text();
      case 'bytes': return Buffer.from(this.text()).toString(r < 0.5 ? 'base64' : 'base64url');
      case 'bool': return r < 0.5;
      case 'double': return r < 0.1 ? this.pick(['NaN', 'Infinity', '-Infinity', '2.5']) : (this.random() - 0.5) * 10 ** this.int(12);
      case 'float': return Math.fround((this.random() - 0.5) * 1000);
      case 'int32': case 'sint32': case 'sfixed32': {
        const n = this.int(2 ** 31) * (r < 0.3 ? -1 : 1);
        return r > 0.9 ? String(n) : n;
      }
      case 'uint32': case 'fixed32': {
        const n = this.int(2 ** 32);
        return r > 0.9 ? String(n) : n;
      }
      default: {
        // 64-bit: small numbers, decimal strings, beyond 2^53, negative (for the signed kinds).
        const signed = !kind.startsWith('u') && !kind.startsWith('fixed');
        if (r < 0.3) return this.int(1000);
        if (r < 0.6) return String(this.int(2 ** 40));
        if (r < 0.8) return `${signed && this.random() < 0.5 ? '-' : ''}${9007199254740993 + this.int(1000)}`;
        return signed ? -this.int(2 ** 40) : this.int(2 ** 50);
      }
    }
  }

  private text(): string {
    const alphabets = ['abcdefghij', 'äöüéß', '日本語の文字', '😀🚀', '\ud800', '-_/.:'];
    const len = this.pick([0, 1, 5, 39, 40, 41, 127, 128, 300]);
    let s = '';
    for (let i = 0; i < len; i++) s += this.pick(this.pick(alphabets) === '😀🚀' ? ['😀', '🚀'] : [...this.pick(alphabets)]);
    return s;
  }

  private jsonValue(depth: number): Json {
    if (depth > 6) return null;
    return this.pick<() => Json>([() => null, () => this.random() * 100, () => this.text(), () => this.random() < 0.5, () => this.struct(depth + 1), () => [this.jsonValue(depth + 1)]])();
  }

  private struct(depth: number): JsonObject {
    const out: JsonObject = {};
    for (let i = this.int(3); i > 0; i--) out[this.text()] = this.jsonValue(depth + 1);
    return out;
  }

  /** A bad value for the field: the wrong JSON type, an unknown enum name, a bad duration. */
  private bad(f: FieldSchema): Json {
    if (f.mapKey) return ['not a map'];
    if (f.repeated) return 'not a list';
    const v = f.value;
    if (v.kind === 'enum') return this.pick(['NO_SUCH_VALUE', 1.5, true]);
    if (v.kind === 'message') {
      if (v.messageName === 'google.protobuf.Duration') return '5 minutes';
      if (v.messageName === 'google.protobuf.Any') return { '@type': 'type.googleapis.com/no.such.Type' };
      return 'not an object';
    }
    return v.scalar === 'string' ? 42 : v.scalar === 'bool' ? 'yes' : { x: 1 };
  }
}
