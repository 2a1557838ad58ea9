// One workload, run on a source tree given by path (this checkout, or a baseline commit checked out
// beside it by bench/baseline-bench.ts): the generated input (from THIS checkout's generator, so
// both trees get the same objects) fully translated, built in both client forms and encoded, from
// scratch (objects parsed at the first run are kept where the tree keeps them), `--runs` times after
// one warm-up. Prints one JSON line: the CPU milliseconds of each run, in all and per stage.
//
//   node --expose-gc bench/full-build-workload.ts <tree> [--services 1000] [--routes 10000] [--runs 5]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/k8s/kube-object.ts';
import { generateInput } from './translate-input.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    services: { type: 'string', default: '1000' },
    routes: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
  },
});
const tree = resolve(positionals[0] ?? '.');
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(tree, path)).href)) as T;

type Json = Record<string, unknown>;
const { translate } = await load<{ translate: (objects: KubeObject[]) => { ir: { gateways: unknown[] } } }>('src/translate/translate.ts');
const { buildEnvoyResources } = await load<{ buildEnvoyResources: (g: unknown) => Record<string, Json[]> }>('src/envoy/build-envoy-resources.ts');
const { buildGrpcClientResources } = await load<{ buildGrpcClientResources: (g: unknown) => Record<string, Json[]> }>('src/envoy/build-grpc-client-resources.ts');
const { protoRegistry, MessageType } = await load<{ protoRegistry: () => { encode: (t: string, j: Json) => Uint8Array }; MessageType: Record<string, string> }>('src/codec/proto-registry.ts');

const objects = generateInput({ services: Number(args.services), endpointsPerService: 10, routes: Number(args.routes) });
const registry = protoRegistry();
const kinds = [['listeners', MessageType['listener']], ['routes', MessageType['routeConfiguration']], ['clusters', MessageType['cluster']], ['endpoints', MessageType['clusterLoadAssignment']]] as const;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** CPU milliseconds since `c`. */
const since = (c: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(c);
  return (u.user + u.system) / 1000;
};

function once(): { translate: number; build: number; encode: number; bytes: number } {
  let bytes = 0;
  let c = process.cpuUsage();
  const { ir } = translate(objects);
  const translated = since(c);
  c = process.cpuUsage();
  const built = ir.gateways.flatMap((g) => [buildEnvoyResources(g), buildGrpcClientResources(g)]);
  const build = since(c);
  c = process.cpuUsage();
  for (const b of built) for (const [key, type] of kinds) for (const json of b[key] ?? []) bytes += registry.encode(type, json).length;
  return { translate: translated, build, encode: since(c), bytes };
}

once();
const cpu: number[] = [];
const stages = { translate: [] as number[], build: [] as number[], encode: [] as number[] };
let bytes = 0;
for (let i = 0; i < Number(args.runs); i++) {
  gc();
  const r = once();
  bytes = r.bytes;
  cpu.push(r.translate + r.build + r.encode);
  stages.translate.push(r.translate);
  stages.build.push(r.build);
  stages.encode.push(r.encode);
}
console.log(JSON.stringify({ tree, cpu, stages, bytes }));
