// Encoding benchmark, beside its floor: the Envoy resources of the 1,000-Service / 10,000-endpoint /
// 10,000-route input (both client forms) encoded by Tether's codec (proto3 JSON → bytes, every value
// checked) and by protobufjs alone encoding the same messages from their protobufjs object form,
// prepared ahead (Any payloads inside them already encoded, so the floor does strictly less work).
// Both alternate within each run; prints medians, min–max and the ratio.
//
//   node --expose-gc bench/encode-bench.ts [--services 1000] [--routes 10000] [--runs 7]
import { parseArgs } from 'node:util';
import type protobuf from 'protobufjs';
import { MessageType, protoRegistry, type JsonObject } from '../src/codec/proto-registry.ts';
import { loadProtoRoot } from '../src/codec/proto-loader.ts';
import { buildEnvoyResources } from '../src/envoy/build-envoy-resources.ts';
import { buildGrpcClientResources } from '../src/envoy/build-grpc-client-resources.ts';
import { translate } from '../src/translate/translate.ts';
import { ProtobufjsObjectEncoder } from '../test/support/protobufjs-object.ts';
import { generateInput } from './translate-input.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    routes: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
  },
});
const RUNS = Number(args.runs);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const objects = generateInput({ services: Number(args.services), endpointsPerService: 10, routes: Number(args.routes) });
const ir = translate(objects).ir;
const messages: { type: string; json: JsonObject }[] = [];
for (const g of ir.gateways) {
  for (const built of [buildEnvoyResources(g), buildGrpcClientResources(g)]) {
    for (const [key, type] of [['listeners', MessageType.listener], ['routes', MessageType.routeConfiguration], ['clusters', MessageType.cluster], ['endpoints', MessageType.clusterLoadAssignment]] as const) {
      for (const json of built[key]) messages.push({ type, json });
    }
  }
}

const registry = protoRegistry();
const root = loadProtoRoot();
// The codec's earlier path converts proto3 JSON to protobufjs's object form; the floor encodes those.
const encoder = new ProtobufjsObjectEncoder(root);
const prepared: { type: protobuf.Type; object: Record<string, unknown> }[] = messages.map((m) => ({ type: root.lookupType(m.type), object: encoder.toProtobufObject(m.type, m.json) }));

function timeCpu(fn: () => number): { ms: number; bytes: number } {
  gc();
  const c = process.cpuUsage();
  const bytes = fn();
  const u = process.cpuUsage(c);
  return { ms: (u.user + u.system) / 1000, bytes };
}

const tether = (): number => {
  let n = 0;
  for (const m of messages) n += registry.encode(m.type, m.json).length;
  return n;
};
const floor = (): number => {
  let n = 0;
  for (const p of prepared) n += p.type.encode(p.object).finish().length;
  return n;
};

// Warm both paths before timing.
tether();
floor();
const results = { tether: [] as number[], floor: [] as number[] };
let bytes = { tether: 0, floor: 0 };
for (let run = 0; run < RUNS; run++) {
  const order = run % 2 === 0 ? (['tether', 'floor'] as const) : (['floor', 'tether'] as const);
  for (const who of order) {
    const r = timeCpu(who === 'tether' ? tether : floor);
    results[who].push(r.ms);
    bytes = { ...bytes, [who]: r.bytes };
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const line = (xs: number[]): string => `${median(xs).toFixed(1)} ms [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;
console.log(`encode ${messages.length} resources (${(bytes.tether / 1024 / 1024).toFixed(1)} MiB; protobufjs ${(bytes.floor / 1024 / 1024).toFixed(1)} MiB), CPU time, median [min–max] of ${RUNS} runs, Node ${process.version}`);
console.log(`  Tether (proto3 JSON → bytes, checked):        ${line(results.tether)}`);
console.log(`  floor: protobufjs encode of the object form:  ${line(results.floor)}`);
console.log(`  Tether / floor: ${(median(results.tether) / median(results.floor)).toFixed(2)} (target ≤ 1.1)`);
