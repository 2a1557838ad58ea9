// What a stream itself keeps after its initial sync: N SotW or delta streams driven in process
// through a fake call (no sockets, so grpc-js and HTTP/2 memory are left out; the same kind of call
// as test/xds/stream-fake-call.test.ts), each answered as Envoy answers: CDS and LDS wildcard, EDS
// for every cluster and RDS for every route configuration once their parents arrive, every
// response ACKed. Heap per stream after the sync of an S-service Gateway is set against heap per
// stream on a 10-service Gateway (the idle stream); the target is a ratio of at most 1.2.
// Every run builds its snapshot and syncs a few streams first and measures from after that, in a
// fresh process per figure that keeps its bytecode (a flush would make the heap shrink meanwhile).
//
// Then every stream takes --changes endpoint changes (one CLA each, ACKed), and heap per stream is
// measured again: what a stream keeps must not grow with the changes it went through. Delta also
// measures streams that reconnect saying (initial_resource_versions) they hold every resource.
//
//   node --expose-gc bench/stream-memory-bench.ts [--streams 300] [--services 1000] [--runs 3] [--changes 200]
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { MessageType, protoRegistry, type JsonObject } from '../src/codec/proto-registry.ts';
import type { AdsStream, StreamCall } from '../src/xds/ads-stream.ts';
import { DeltaStream } from '../src/xds/delta-stream.ts';
import { forEachField } from '../src/xds/proto-wire.ts';
import { ResponseFrame } from '../src/xds/response-frame.ts';
import { TypeUrl, type ResourceTypeUrl, type XdsProtocol } from '../src/xds/resource-types.ts';
import { SnapshotCache } from '../src/xds/snapshot-cache.ts';
import { SotwStream } from '../src/xds/sotw-stream.ts';
import { emptyCounters } from '../src/xds/xds-events.ts';
import { DEFAULT_XDS_LIMITS } from '../src/xds/xds-limits.ts';
import { changedService, encodeCla, gatewayResources } from './xds-bench-gateway.ts';

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '300' },
    services: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    changes: { type: 'string', default: '200' },
    // Internal: one measurement in this process.
    child: { type: 'string' },
  },
});
const STREAMS = Number(args.streams);
const SERVICES = Number(args.services);
const IDLE_SERVICES = 10;
const CHANGES = Number(args.changes);
const GATEWAY = 'bench/gw';

/** A server call with nothing behind it: keeps only the last response's nonce per type. */
class FakeCall extends EventEmitter implements StreamCall {
  readonly writableLength = 0;
  readonly responses: Buffer[] = [];

  write(chunk: Buffer | ResponseFrame, written?: () => void): boolean {
    this.responses.push(chunk instanceof ResponseFrame ? chunk.toBuffer() : chunk);
    written?.();
    return true;
  }

  end(): void {}

  getPeer(): string {
    return 'fake:0';
  }
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) g();
};

interface Measured {
  synced: number;
  churned: number;
  /** Delta: heap per stream of streams that reconnected holding everything. */
  reconnected?: number;
}

/** Heap per stream (bytes) of STREAMS streams of one protocol synced with a Gateway of `services`, again after CHANGES endpoint changes, and (delta) of streams reconnecting. */
async function measure(protocol: XdsProtocol, services: number): Promise<Measured> {
  const registry = protoRegistry();
  const gw = gatewayResources(services);
  const cache = new SnapshotCache({ versionPrefix: 'b', logger: pino({ level: 'silent' }) });
  cache.setSnapshot(GATEWAY, 'envoy', gw.resources);
  cache.markReady();
  const dirty = new Set<AdsStream>();
  const ctx = {
    cache,
    logger: pino({ level: 'silent' }),
    events: {},
    counters: emptyCounters(),
    warmTimeoutMs: 60_000,
    limits: DEFAULT_XDS_LIMITS,
    warnRepeated: () => undefined,
    schedule: (s: AdsStream) => dirty.add(s),
    bind: () => undefined,
    unbind: () => undefined,
  };
  const requestType = protocol === 'sotw' ? MessageType.discoveryRequest : MessageType.deltaDiscoveryRequest;
  const node = { id: 'envoy', cluster: GATEWAY };
  const flush = (): void => {
    while (dirty.size > 0) {
      const batch = [...dirty];
      dirty.clear();
      for (const s of batch) s.reconcile();
    }
  };
  /** Delta streams that reconnect say what they hold: every resource of the view, at its version. */
  let reconnecting = false;
  const held = (typeUrl: string): Record<string, string> => Object.fromEntries([...cache.view(GATEWAY, 'envoy')!.type(typeUrl as ResourceTypeUrl).resources].map(([name, r]) => [name, r.version]));
  const subscribe = (typeUrl: string, names: string[], first: boolean): JsonObject =>
    protocol === 'sotw'
      ? { ...(first ? { node } : {}), type_url: typeUrl, resource_names: names }
      : { ...(first ? { node } : {}), type_url: typeUrl, resource_names_subscribe: names, ...(reconnecting ? { initial_resource_versions: held(typeUrl) } : {}) };
  /** ACKs every response written so far; returns the types answered. */
  const ack = (call: FakeCall): string[] => {
    const types: string[] = [];
    for (const bytes of call.responses.splice(0)) {
      // Only the envelope is read: version (1), type_url (4) and nonce (5), the same numbers in
      // DiscoveryResponse and DeltaDiscoveryResponse; the resources are left undecoded.
      const envelope: Record<number, string> = {};
      forEachField(bytes, (n, _start, payload, end) => {
        if (n === 1 || n === 4 || n === 5) envelope[n] = bytes.toString('utf8', payload, end);
      });
      const typeUrl = envelope[4] ?? '';
      types.push(typeUrl);
      const names = typeUrl === TypeUrl.endpoint ? gw.edsNames : typeUrl === TypeUrl.route ? gw.rdsNames : [];
      const req: JsonObject = protocol === 'sotw'
        ? { type_url: typeUrl, version_info: envelope[1] ?? '', response_nonce: envelope[5] ?? '', resource_names: names }
        : { type_url: typeUrl, response_nonce: envelope[5] ?? '' };
      call.emit('data', Buffer.from(registry.encode(requestType, req)));
    }
    return types;
  };

  let streams: { stream: AdsStream; call: FakeCall }[] = [];
  const open = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const call = new FakeCall();
      const stream = protocol === 'sotw' ? new SotwStream(ctx, call, protocol, i) : new DeltaStream(ctx, call, protocol, i);
      stream.start();
      cache.onChange(() => dirty.add(stream));
      streams.push({ stream, call });
    }
  };
  const sync = (): void => {
    for (const { call } of streams) {
      call.emit('data', Buffer.from(registry.encode(requestType, subscribe(TypeUrl.cluster, [], true))));
      call.emit('data', Buffer.from(registry.encode(requestType, subscribe(TypeUrl.listener, [], false))));
    }
    const seen = streams.map(() => new Set<string>());
    for (let round = 0; round < 20; round++) {
      flush();
      let quiet = true;
      streams.forEach(({ call }, i) => {
        for (const t of ack(call)) {
          quiet = false;
          if (seen[i].has(t)) continue;
          seen[i].add(t);
          // Envoy subscribes to EDS after CDS and to RDS after LDS.
          if (t === TypeUrl.cluster) call.emit('data', Buffer.from(registry.encode(requestType, subscribe(TypeUrl.endpoint, gw.edsNames, false))));
          if (t === TypeUrl.listener) call.emit('data', Buffer.from(registry.encode(requestType, subscribe(TypeUrl.route, gw.rdsNames, false))));
        }
      });
      if (quiet && dirty.size === 0) break;
    }
    const incomplete = seen.filter((s) => s.size < 4).length;
    if (incomplete > 0) throw new Error(`${incomplete} streams did not receive all four types`);
  };

  // The per-stream figure excludes the snapshot, the codec and the code: a few streams synced
  // first compile it and fill the caches, and stay open through the measurement.
  open(5);
  sync();
  const warm = streams;
  streams = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  open(STREAMS);
  sync();
  gc();
  const after = process.memoryUsage().heapUsed;
  // Endpoint churn: one CLA at a time, every response ACKed before the next change, each change in
  // a turn of its own as a server sees them (weak references read in a turn are kept to its end).
  for (let c = 0; c < CHANGES; c++) {
    await new Promise((resolve) => setImmediate(resolve));
    const service = changedService(c, services);
    const endpoints = [...gw.resources[TypeUrl.endpoint]!];
    endpoints[service] = encodeCla(endpoints[service].name, service, c + 1);
    gw.resources[TypeUrl.endpoint] = endpoints;
    cache.setSnapshot(GATEWAY, 'envoy', gw.resources);
    flush();
    for (const { call } of [...warm, ...streams]) ack(call);
    flush();
  }
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const churned = process.memoryUsage().heapUsed;
  // Delta: as many streams again, reconnecting: each says it holds every cluster and CLA already.
  let reconnected: number | undefined;
  if (protocol === 'delta') {
    const kept = streams;
    streams = [];
    reconnecting = true;
    gc();
    const start = process.memoryUsage().heapUsed;
    open(STREAMS);
    sync();
    gc();
    reconnected = (process.memoryUsage().heapUsed - start) / STREAMS;
    for (const { stream } of streams) stream.fail(1, 'bench over', true);
    streams = kept;
  }
  // Keep everything alive until measured.
  if (streams.length !== STREAMS || cache.view(GATEWAY, 'envoy') === undefined) throw new Error('lost streams');
  for (const { stream } of [...warm, ...streams]) stream.fail(1, 'bench over', true);
  return { synced: (after - before) / STREAMS, churned: (churned - before) / STREAMS, ...(reconnected !== undefined ? { reconnected } : {}) };
}

if (args.child) {
  const [protocol, services] = args.child.split(':');
  process.stdout.write(JSON.stringify(await measure(protocol as XdsProtocol, Number(services))));
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (protocol: XdsProtocol, services: number): Measured =>
    JSON.parse(execFileSync(process.execPath, [...new Set([...process.execArgv, '--expose-gc', '--no-flush-bytecode'])].concat([self, '--child', `${protocol}:${services}`, '--streams', String(STREAMS), '--changes', String(CHANGES)]), { encoding: 'utf8' })) as Measured;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const kib = (xs: number[]): string => `${(median(xs) / 1024).toFixed(1)} KiB [${(Math.min(...xs) / 1024).toFixed(1)}–${(Math.max(...xs) / 1024).toFixed(1)}]`;
  console.log(`heap per stream, ${STREAMS} streams in process, median [min–max] of ${args.runs} runs, Node ${process.version}`);
  for (const protocol of ['sotw', 'delta'] as const) {
    const synced: number[] = [];
    const churned: number[] = [];
    const reconnected: number[] = [];
    const idle: number[] = [];
    const large = (): void => {
      const m = run(protocol, SERVICES);
      synced.push(m.synced);
      churned.push(m.churned);
      if (m.reconnected !== undefined) reconnected.push(m.reconnected);
    };
    for (let r = 0; r < Number(args.runs); r++) {
      // Alternate which goes first.
      if (r % 2 === 0) {
        large();
        idle.push(run(protocol, IDLE_SERVICES).synced);
      } else {
        idle.push(run(protocol, IDLE_SERVICES).synced);
        large();
      }
    }
    const ratio = median(synced) / median(idle);
    console.log(`  ${protocol.padEnd(5)}: after a ${SERVICES}-service sync ${kib(synced)}, on a ${IDLE_SERVICES}-service Gateway ${kib(idle)}; ratio ${ratio.toFixed(2)} (target ≤ 1.2${ratio <= 1.2 ? ', met' : ', not met'})`);
    console.log(`  ${protocol.padEnd(5)}: after the sync and ${CHANGES} endpoint changes ${kib(churned)}; ratio to after the sync ${(median(churned) / median(synced)).toFixed(2)}`);
    if (reconnected.length > 0) console.log(`  ${protocol.padEnd(5)}: reconnected holding every resource ${kib(reconnected)}; ratio to an idle stream ${(median(reconnected) / median(idle)).toFixed(2)} (target ≤ 1.2${median(reconnected) / median(idle) <= 1.2 ? ', met' : ', not met'})`);
  }
}
