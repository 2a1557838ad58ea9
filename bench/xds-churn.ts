// xDS churn benchmark (not a test; `node --expose-gc bench/xds-churn.ts`): CLA changes at --rate
// per second for --seconds to N streams of a 1,000-service Gateway, printing EDS responses per Envoy
// per second, the deepest per-stream queues, and server RSS growth over the run. The server runs in
// this process; a forked child runs the Envoy-like load. bench/xds-bench.ts measures sync, latency and
// memory beside the floor.
// Usage: node --expose-gc bench/xds-churn.ts [--streams 1000] [--rate 100] [--seconds 10] [--sotw-only|--delta-only]
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { AdsServer } from '../src/xds/ads-server.ts';
import { TypeUrl, type XdsProtocol } from '../src/xds/resource-types.ts';
import { SnapshotCache } from '../src/xds/snapshot-cache.ts';
import { encodeCla, gatewayResources, type BenchGateway } from './xds-bench-gateway.ts';
import type { FromLoad, Sample, ToLoad } from './xds-bench-load.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

const STREAMS = arg('streams', 1000);
const SERVICES = arg('services', 1000);
const RATE = arg('rate', 100);
const SECONDS = arg('seconds', 10);
const PROTOCOLS: XdsProtocol[] = process.argv.includes('--delta-only') ? ['delta'] : process.argv.includes('--sotw-only') ? ['sotw'] : ['sotw', 'delta'];

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

class LoadProcess {
  private readonly child: ChildProcess;
  private readonly waiting: ((m: FromLoad) => void)[] = [];

  constructor() {
    this.child = fork(join(dirname(fileURLToPath(import.meta.url)), 'xds-bench-load.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: FromLoad) => this.waiting.shift()?.(m));
  }

  request(m: ToLoad, timeoutMs = 120_000): Promise<FromLoad> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load process did not answer ${m.cmd} in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.send(m);
    });
  }

  kill(): void {
    this.child.kill();
  }
}

async function runServer(): Promise<void> {
  const logger = pino({ level: 'warn' });
  const cache = new SnapshotCache({ logger });
  const server = new AdsServer({ cache, logger });
  const port = await server.listen('127.0.0.1:0');
  const big = gatewayResources(SERVICES);
  cache.setSnapshot('bench/gw', 'envoy', big.resources);
  cache.markReady();
  const load = new LoadProcess();
  console.log(`xDS bench: ${STREAMS} streams (one connection each), Node ${process.version}, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'on' : 'off (run with --expose-gc)'}`);

  try {
    for (const protocol of PROTOCOLS) await runChurn(server, cache, load, port, big, protocol);
  } finally {
    load.kill();
    await server.stop();
  }
}

let churnChanges = 0;

/**
 * Churn (T12): CLA changes due at RATE per second from the start; each 10 ms tick applies all that
 * are due in one snapshot, as the rebuild loop does. The load process ACKs at once, so coalescing
 * here comes from the server: a stream gets its next EDS response only after ACKing the last.
 */
async function runChurn(server: AdsServer, cache: SnapshotCache, load: LoadProcess, port: number, big: BenchGateway, protocol: XdsProtocol): Promise<void> {
  await load.request({ cmd: 'open', port, gateway: 'bench/gw', protocol, streams: STREAMS, edsNames: big.edsNames, rdsNames: big.rdsNames });
  await settle(server, STREAMS);
  await load.request({ cmd: 'collect' });
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  let maxQueued = 0;
  let maxAwaiting = 0;
  const total = Math.round(RATE * SECONDS);
  let applied = 0;
  let sets = 0;
  let samples: Sample[] = [];
  const start = performance.now();
  while (applied < total) {
    await new Promise((r) => setTimeout(r, 10));
    const due = Math.min(total, Math.floor(((performance.now() - start) * RATE) / 1000));
    if (due <= applied) continue;
    const endpoints = [...big.resources[TypeUrl.endpoint]!];
    for (; applied < due; applied++) {
      const service = (applied * 37) % SERVICES;
      endpoints[service] = encodeCla(endpoints[service].name, service, 0, 20_000 + (churnChanges++ % 40_000));
    }
    big.resources[TypeUrl.endpoint] = endpoints;
    cache.setSnapshot('bench/gw', 'envoy', big.resources);
    sets++;
    const q = server.queueDepths();
    maxQueued = Math.max(maxQueued, q.maxQueuedResponses);
    maxAwaiting = Math.max(maxAwaiting, q.maxAwaitingAck);
    if (sets % 20 === 0) {
      peak = Math.max(peak, process.memoryUsage().rss);
      samples.push(...((await load.request({ cmd: 'collect' })) as { samples: Sample[] }).samples);
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  await settle(server, STREAMS);
  samples.push(...((await load.request({ cmd: 'collect' })) as { samples: Sample[] }).samples);
  gc();
  const end = process.memoryUsage().rss;
  peak = Math.max(peak, end);
  const perStream = new Array<number>(STREAMS).fill(0);
  for (const s of samples) perStream[s.stream]++;
  perStream.sort((a, b) => a - b);
  const bytes = samples.reduce((sum, s) => sum + s.bytes, 0);
  console.log(
    `churn ${protocol}: ${STREAMS} streams, ${total} CLA changes in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s, ${sets} snapshots) on ${SERVICES} services\n` +
      `  EDS responses per Envoy per second: mean ${(samples.length / STREAMS / elapsed).toFixed(1)}, p50 ${(percentile(perStream, 50) / elapsed).toFixed(1)}, max ${(perStream.at(-1)! / elapsed).toFixed(1)} ` +
      `(${samples.length} responses, ${(bytes / Math.max(1, samples.length)).toFixed(0)} bytes each on average); ` +
      `deepest per-stream queue: ${maxQueued} written not flushed, ${maxAwaiting} awaiting ACK; ` +
      `server RSS ${mib(base)} -> ${mib(end)} after the run (${(((end - base) / base) * 100).toFixed(1)}%), peak ${mib(peak)}`,
  );
  samples = [];
  await load.request({ cmd: 'close' });
  await waitFor(() => server.streamCount === 0, 30_000);
  await new Promise((r) => setTimeout(r, 3_000));
}

/** Waits until every stream has ACKed everything it was sent. */
async function settle(server: AdsServer, streams: number): Promise<void> {
  await waitFor(() => {
    const s = server.summary();
    return s.bound === streams && s.typesRequested === 4 * streams && s.awaitingAck === 0;
  }, 60_000);
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

runServer().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
