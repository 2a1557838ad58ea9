// Translation benchmark, measured against the targets it prints last: 1,000 Services, 10,000 endpoints and
// 10,000 routes generated in memory, run through the real pipeline: translate → build (Envoy and
// gRPC-client forms) → encode → snapshot. Prints the full rebuild time (cold and warm), the time
// from one EndpointSlice change to the new ClusterLoadAssignment bytes, memory, then two ratios
// measured in the same run: a single route edit on the route fast path against a full rebuild of
// the same edit (target ≤ 1/3), and from-scratch CPU at 3 × the routes against 1 × (target ≤ 3.3).
//
//   node --expose-gc bench/translate-bench.ts [--services 1000] [--endpoints-per-service 10] [--routes 10000]
import { pino } from 'pino';
import { parseArgs } from 'node:util';
import { ObjectStore } from '../src/sources/object-store.ts';
import { RebuildLoop } from '../src/rebuild/rebuild-loop.ts';
import { SnapshotCache } from '../src/xds/snapshot-cache.ts';
import { TypeUrl } from '../src/xds/resource-types.ts';
import { protoRegistry, MessageType } from '../src/codec/proto-registry.ts';
import { buildEnvoyResources } from '../src/envoy/build-envoy-resources.ts';
import { buildGrpcClientResources } from '../src/envoy/build-grpc-client-resources.ts';
import { translate } from '../src/translate/translate.ts';
import { EndpointFastPath } from '../src/translate/endpoint-fast-path.ts';
import { buildClusterLoadAssignment } from '../src/envoy/endpoint.ts';
import { generateInput, slice } from './translate-input.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    'endpoints-per-service': { type: 'string', default: '10' },
    routes: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
    'scale-factor': { type: 'string', default: '3' },
  },
});
const SERVICES = Number(args.services);
const EPS = Number(args['endpoints-per-service']);
const ROUTES = Number(args.routes);
const RUNS = Number(args.runs);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const ms = (n: number): string => `${n.toFixed(n < 10 ? 3 : 1)} ms`;

/** CPU time (user + system) of each timed call, beside the wall time: on a busy machine wall time
 * includes waiting for a core, CPU time does not. */
const cpuTimes = new Map<string, number[]>();

function time<T>(fn: () => T, label?: string): [T, number] {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = fn();
  const wall = performance.now() - t;
  if (label) {
    const cpu = process.cpuUsage(c);
    cpuTimes.set(label, [...(cpuTimes.get(label) ?? []), (cpu.user + cpu.system) / 1000]);
  }
  return [r, wall];
}

const cpu = (label: string): string => ms(median(cpuTimes.get(label) ?? [NaN]));
const cpuBest = (label: string): string => ms(Math.min(...(cpuTimes.get(label) ?? [NaN])));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const registry = protoRegistry();
gc();
const heapBefore = process.memoryUsage().heapUsed;
const objects = generateInput({ services: SERVICES, endpointsPerService: EPS, routes: ROUTES });
console.log(`input: ${SERVICES} Services, ${SERVICES * EPS} endpoints, ${ROUTES} routes (${objects.length} objects)`);

// ---- Stage breakdown (direct calls, warm).
const breakdown = { translate: [] as number[], build: [] as number[], encode: [] as number[] };
let resourceCount = 0;
let encodedBytes = 0;
for (let run = 0; run < RUNS; run++) {
  const [result, tTranslate] = time(() => translate(objects), 'translate');
  const [built, tBuild] = time(() => result.ir.gateways.flatMap((g) => [buildEnvoyResources(g), buildGrpcClientResources(g)]), 'build');
  const [, tEncode] = time(() => {
    resourceCount = 0;
    encodedBytes = 0;
    for (const b of built) {
      for (const [key, type] of [['listeners', MessageType.listener], ['routes', MessageType.routeConfiguration], ['clusters', MessageType.cluster], ['endpoints', MessageType.clusterLoadAssignment]] as const) {
        for (const json of b[key]) {
          encodedBytes += registry.encode(type, json).length;
          resourceCount++;
        }
      }
    }
  }, 'encode');
  breakdown.translate.push(tTranslate);
  breakdown.build.push(tBuild);
  breakdown.encode.push(tEncode);
}
console.log(`stages (median of ${RUNS}, first run included in the runs): translate ${ms(median(breakdown.translate))}, build both forms ${ms(median(breakdown.build))}, encode ${resourceCount} resources (${mib(encodedBytes)}) ${ms(median(breakdown.encode))}`);
console.log(`  CPU time (median): translate ${cpu('translate')}, build ${cpu('build')}, encode all ${cpu('encode')}; best: ${cpuBest('translate')}, ${cpuBest('build')}, ${cpuBest('encode')}`);
console.log(`  first run: translate ${ms(breakdown.translate[0])}, build ${ms(breakdown.build[0])}, encode ${ms(breakdown.encode[0])}`);

// ---- The rebuild loop itself: full rebuilds into a real snapshot cache.
const store = new ObjectStore();
store.apply(objects);
const cache = new SnapshotCache({ versionPrefix: 'bench' });
const loop = new RebuildLoop({
  store,
  translate,
  builders: { envoy: buildEnvoyResources, grpc: buildGrpcClientResources },
  encode: (t, j) => registry.encode(t, j),
  snapshots: cache,
  publishStatuses: () => undefined,
  logger: pino({ level: 'silent' }),
  endpoints: {
    index: (objs, ir) => new EndpointFastPath(objs, ir),
    build: { envoy: buildClusterLoadAssignment, grpc: buildClusterLoadAssignment },
  },
});
const [, tFirst] = time(() => loop.start());
const fullRuns: number[] = [];
for (let run = 0; run < RUNS; run++) {
  // A route edit: forces a full rebuild (everything re-translated; unchanged resources reuse their bytes).
  const route = store.get('gateway.networking.k8s.io/HTTPRoute/bench/route-1')!;
  const edited = structuredClone(route);
  (edited['spec'] as { rules: { matches: { path: { value: string } }[] }[] }).rules[0].matches[0].path.value = `/edited-${run}`;
  store.apply([edited]);
  const [, t] = time(() => loop.flush(), 'full');
  fullRuns.push(t);
}
const last = loop.latest()!;
console.log(`full rebuild through the loop: first ${ms(tFirst)} (cold encode), after a route edit median ${ms(median(fullRuns))} (encoded ${last.encoded}, reused ${last.reused})`);
console.log(`  CPU time of a full rebuild after a route edit (median): ${cpu('full')}`);
console.log(`  last full rebuild: ${Object.entries(last.phases).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
const clusterOf = new Map<string, string>();
for (const c of last.ir.gateways[0].clusters) for (const l of c.localities) clusterOf.set(`${l.backend.namespace}/${l.backend.name}`, c.name);

// ---- One EndpointSlice change → new CLA bytes in the snapshot.
const sliceRuns: number[] = [];
const toBytes: number[] = [];
const fastRuns: boolean[] = [];
for (let run = 1; run <= Math.max(RUNS, 20); run++) {
  const s = (run * 37) % SERVICES;
  store.apply([slice(s, run, EPS)]);
  const [, t] = time(() => loop.flush(), 'slice');
  sliceRuns.push(t);
  const p = loop.latest()!.phases;
  toBytes.push((p['refresh'] ?? NaN) + (p['encode'] ?? NaN));
  fastRuns.push(loop.latest()!.fastPath);
  const cla = cache.view('bench/gw', 'envoy')!.type(TypeUrl.endpoint).resources.get(clusterOf.get(`bench/svc-${s}`) ?? '');
  if (!cla) throw new Error(`no CLA for svc-${s}`);
}
const fast = fastRuns.filter(Boolean).length;
console.log(`one EndpointSlice change → new CLA bytes: median ${ms(median(toBytes))}, max ${ms(Math.max(...toBytes))}; → both snapshots set: median ${ms(median(sliceRuns))}, max ${ms(Math.max(...sliceRuns))} (${fast}/${sliceRuns.length} on the endpoint fast path)`);
console.log(`  CPU time of one EndpointSlice change, snapshots included (median): ${cpu('slice')}`);
const fp = loop.latest()!;
if (fp.fastPath && fp.phases) console.log(`  last change: ${Object.entries(fp.phases).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);

// ---- A single route edit: the route fast path against a full rebuild, the same edits, alternating.
const routeLoop = (routes: boolean) => {
  const st = new ObjectStore();
  st.apply(objects);
  const l = new RebuildLoop({
    store: st,
    translate: routes ? (o) => translate(o, { routeFastPath: { options: () => ({}) } }) : translate,
    builders: { envoy: buildEnvoyResources, grpc: buildGrpcClientResources },
    encode: (t, j) => registry.encode(t, j),
    snapshots: new SnapshotCache({ versionPrefix: 'bench' }),
    publishStatuses: () => undefined,
    logger: pino({ level: 'silent' }),
  });
  l.start();
  return { store: st, loop: l };
};
const viaFast = routeLoop(true);
const viaFull = routeLoop(false);
const editPhases: Record<string, number[]> = {};
let fastTaken = 0;
const EDITS = Math.max(RUNS, 9);
for (let run = 0; run < EDITS; run++) {
  for (const [label, l] of (run % 2 === 0 ? [['edit-fast', viaFast], ['edit-full', viaFull]] : [['edit-full', viaFull], ['edit-fast', viaFast]]) as [string, typeof viaFast][]) {
    const route = l.store.get(`gateway.networking.k8s.io/HTTPRoute/bench/route-${1 + 4 * run}`)!;
    const edited = structuredClone(route);
    (edited['spec'] as { rules: { matches: { path: { value: string } }[] }[] }).rules[0].matches[0].path.value = `/edited-${run}`;
    l.store.apply([edited]);
    gc();
    time(() => l.loop.flush(), label);
    const latest = l.loop.latest()!;
    if (label === 'edit-fast' && latest.routeFastPath) fastTaken++;
    for (const [k, v] of Object.entries(latest.phases)) (editPhases[`${label} ${k}`] ??= []).push(v);
  }
}
const editRatio = median(cpuTimes.get('edit-fast')!) / median(cpuTimes.get('edit-full')!);
console.log(`one route edit (route-1+4k, rule 0 path), CPU of the whole rebuild (translate, build, encode, snapshots), median of ${EDITS}: route fast path ${cpu('edit-fast')} (${fastTaken}/${EDITS} on it), full rebuild ${cpu('edit-full')}; ratio ${editRatio.toFixed(2)} (target ≤ 0.33: ${editRatio <= 1 / 3 ? 'met' : 'NOT met'})`);
console.log(`  phases (wall, median): ${Object.entries(editPhases).map(([k, v]) => `${k} ${ms(median(v))}`).join(', ')}`);
viaFast.loop.stop();
viaFull.loop.stop();

// ---- Scaling: full translate + build + encode at N and 3N routes (same Services), alternating.
const FACTOR = Number(args['scale-factor']);
const big = generateInput({ services: SERVICES, endpointsPerService: EPS, routes: ROUTES * FACTOR });
const fromScratch = (input: typeof objects): void => {
  const result = translate(input);
  for (const g of result.ir.gateways) {
    for (const b of [buildEnvoyResources(g), buildGrpcClientResources(g)]) {
      for (const [key, type] of [['listeners', MessageType.listener], ['routes', MessageType.routeConfiguration], ['clusters', MessageType.cluster], ['endpoints', MessageType.clusterLoadAssignment]] as const) {
        for (const json of b[key]) registry.encode(type, json);
      }
    }
  }
};
fromScratch(big);
for (let run = 0; run < RUNS; run++) {
  for (const [label, input] of (run % 2 === 0 ? [['scale-1', objects], ['scale-n', big]] : [['scale-n', big], ['scale-1', objects]]) as [string, typeof objects][]) {
    gc();
    time(() => fromScratch(input), label);
  }
}
const scaleRatio = median(cpuTimes.get('scale-n')!) / median(cpuTimes.get('scale-1')!);
console.log(`scaling, full translate + build + encode CPU (parsed objects kept between runs, as the rebuild loop keeps them; median of ${RUNS}): ${ROUTES} routes ${cpu('scale-1')}, ${ROUTES * FACTOR} routes ${cpu('scale-n')}; ratio ${scaleRatio.toFixed(2)} for ${FACTOR}× the routes (target ≤ ${(1.1 * FACTOR).toFixed(1)}: ${scaleRatio <= 1.1 * FACTOR ? 'met' : 'NOT met'})`);

gc();
const mem = process.memoryUsage();
console.log(`memory: heap used ${mib(mem.heapUsed)} (${mib(mem.heapUsed - heapBefore)} for input, store, snapshot and caches), rss ${mib(mem.rss)}`);
const scratchCpu = median(cpuTimes.get('translate')!) + median(cpuTimes.get('build')!) + median(cpuTimes.get('encode')!);
const targets = [
  `single route edit ≤ 1/3 of a full rebuild: ${editRatio <= 1 / 3 ? 'met' : 'NOT met'} (${editRatio.toFixed(2)})`,
  `${FACTOR}× routes ≤ ${(1.1 * FACTOR).toFixed(1)}× time: ${scaleRatio <= 1.1 * FACTOR ? 'met' : 'NOT met'} (${scaleRatio.toFixed(2)})`,
  `full ≤ 400 ms: after a route edit ${median(fullRuns) <= 400 ? 'met' : 'NOT met'} (wall ${ms(median(fullRuns))}, CPU ${cpu('full')}); everything from scratch CPU ${ms(scratchCpu)} ${scratchCpu <= 400 ? 'met' : 'NOT met'}`,
  `EndpointSlice change to new CLA bytes ≤ 1 ms: ${median(toBytes) <= 1 ? 'met' : 'NOT met'} (${ms(median(toBytes))})`,
];
console.log(`targets: ${targets.join('; ')}`);
loop.stop();
