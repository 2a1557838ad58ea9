// xDS serving benchmark (not a test). This process runs the ADS server; a forked child runs the
// Envoy-like load (one HTTP/2 connection per stream, loopback only) so server memory is measured
// apart from the clients. It prints:
//   - streams held and server memory per stream at N idle ADS streams (small Gateway);
//   - push latency p50/p99 of one endpoint (CLA) change to N streams of a 1,000-service Gateway,
//     and bytes per stream, for SotW and for delta;
//   - encodings (framings) per resource version.
// With --churn it runs only the churn scenario (T12): CLA changes at --rate per second for
// --seconds to N streams, printing EDS responses per Envoy per second, the deepest per-stream
// queues, and server RSS growth over the run.
// Usage: node --expose-gc bench/xds-bench.ts [--streams 1000] [--services 1000] [--changes 20] [--sotw-only|--delta-only]
//        node --expose-gc bench/xds-bench.ts --churn [--streams 1000] [--rate 100] [--seconds 10]
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { MessageType, protoRegistry, type JsonObject } from '../src/codec/proto-registry.ts';
import { AdsServer } from '../src/xds/ads-server.ts';
import { readFields, stringField } from '../src/xds/proto-wire.ts';
import { TypeUrl, type EncodedInput, type ResourcesByType, type XdsProtocol } from '../src/xds/resource-types.ts';
import { SnapshotCache } from '../src/xds/snapshot-cache.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

const STREAMS = arg('streams', 1000);
const SERVICES = arg('services', 1000);
const CHANGES = arg('changes', 20);
const ENDPOINTS_PER_SERVICE = 10;
const CHURN = process.argv.includes('--churn');
const RATE = arg('rate', 100);
const SECONDS = arg('seconds', 10);
const PROTOCOLS: XdsProtocol[] = process.argv.includes('--delta-only') ? ['delta'] : process.argv.includes('--sotw-only') ? ['sotw'] : ['sotw', 'delta'];
const now = (): number => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------------------------------------
// Messages between the server process and the load process.

type ToClient =
  | { cmd: 'open'; port: number; gateway: string; protocol: XdsProtocol; streams: number; edsNames: string[]; rdsNames: string[] }
  | { cmd: 'collect' }
  | { cmd: 'close' };
type ToServer =
  | { ev: 'converged'; ms: number }
  | { ev: 'samples'; samples: Sample[] }
  | { ev: 'closed' };

/** One EDS response received after a stream converged: when, its size, and which stream. */
interface Sample {
  t: number;
  bytes: number;
  stream: number;
}

// ------------------------------------------------------------------------------------------------
// Load process: N raw ADS streams that subscribe like Envoy and ACK everything.

function runClient(): void {
  const registry = protoRegistry();
  let clients: grpc.Client[] = [];
  let calls: grpc.ClientDuplexStream<Buffer, Buffer>[] = [];
  let samples: Sample[] = [];
  const send = (m: ToServer): boolean => process.send!(m);

  process.on('message', (m: ToClient) => {
    if (m.cmd === 'open') {
      const started = now();
      const seen: Set<string>[] = [];
      let converged = 0;
      const reqType = m.protocol === 'sotw' ? MessageType.discoveryRequest : MessageType.deltaDiscoveryRequest;
      const enc = (json: JsonObject): Buffer => Buffer.from(registry.encode(reqType, json));
      const edsNames = Buffer.concat(m.edsNames.map((n) => stringField(3, n)));
      const rdsNames = Buffer.concat(m.rdsNames.map((n) => stringField(3, n)));
      const namesField = (typeUrl: string): Buffer => (typeUrl === TypeUrl.endpoint ? edsNames : typeUrl === TypeUrl.route ? rdsNames : Buffer.alloc(0));
      const path = m.protocol === 'sotw' ? '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources' : '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';
      for (let i = 0; i < m.streams; i++) {
        // A local subchannel pool gives every stream its own HTTP/2 connection, as separate Envoys have.
        const client = new grpc.Client(`127.0.0.1:${m.port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
        const call = client.makeBidiStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b);
        clients.push(client);
        calls.push(call);
        seen.push(new Set());
        call.on('error', () => undefined);
        call.on('data', (data: Buffer) => {
          const t = now();
          let typeUrl = '';
          let version = '';
          let nonce = '';
          for (const f of readFields(data)) {
            const text = (): string => data.subarray(f.payloadStart, f.end).toString();
            if (f.number === 4) typeUrl = text();
            else if (f.number === 5) nonce = text();
            else if (f.number === 1) version = text();
          }
          if (typeUrl === TypeUrl.endpoint && seen[i].size === 4) samples.push({ t, bytes: data.length, stream: i });
          if (!seen[i].has(typeUrl)) {
            seen[i].add(typeUrl);
            if (seen[i].size === 4 && ++converged === m.streams) send({ ev: 'converged', ms: now() - started });
          }
          // SotW requests always restate the subscription; delta ones only acknowledge. Framed by hand
          // (names pre-encoded) so the load process stays cheap next to the server it measures.
          call.write(m.protocol === 'sotw'
            ? Buffer.concat([stringField(1, version), namesField(typeUrl), stringField(4, typeUrl), stringField(5, nonce)])
            : Buffer.concat([stringField(2, typeUrl), stringField(6, nonce)]));
        });
        const node = { id: `bench-${i}`, cluster: m.gateway, user_agent_name: 'envoy' };
        if (m.protocol === 'sotw') {
          call.write(enc({ node, type_url: TypeUrl.cluster }));
          call.write(enc({ type_url: TypeUrl.endpoint, resource_names: m.edsNames }));
          call.write(enc({ type_url: TypeUrl.listener }));
          call.write(enc({ type_url: TypeUrl.route, resource_names: m.rdsNames }));
        } else {
          call.write(enc({ node, type_url: TypeUrl.cluster }));
          call.write(enc({ type_url: TypeUrl.endpoint, resource_names_subscribe: m.edsNames }));
          call.write(enc({ type_url: TypeUrl.listener }));
          call.write(enc({ type_url: TypeUrl.route, resource_names_subscribe: m.rdsNames }));
        }
      }
    } else if (m.cmd === 'collect') {
      send({ ev: 'samples', samples });
      samples = [];
    } else if (m.cmd === 'close') {
      for (const c of calls) c.cancel();
      for (const c of clients) c.close();
      calls = [];
      clients = [];
      send({ ev: 'closed' });
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Server process.

function gatewayResources(services: number, endpointShift = 0): { resources: ResourcesByType; edsNames: string[]; rdsNames: string[] } {
  const r = protoRegistry();
  const names = Array.from({ length: services }, (_, i) => `bench/svc-${i}/8080`);
  const ads = { ads: {}, resource_api_version: 'V3' };
  const clusters: EncodedInput[] = names.map((name) => ({
    name,
    bytes: r.encode(MessageType.cluster, { name, type: 'EDS', connect_timeout: '1s', eds_cluster_config: { eds_config: ads }, lb_policy: 'RING_HASH', common_lb_config: { override_host_status: { statuses: ['HEALTHY', 'DRAINING'] } } }),
  }));
  const endpoints = names.map((name, i) => encodeCla(name, i, endpointShift));
  const routes = [
    {
      name: 'http-80',
      bytes: r.encode(MessageType.routeConfiguration, {
        name: 'http-80',
        virtual_hosts: [{ name: 'all', domains: ['*'], routes: names.map((c, i) => ({ match: { prefix: `/svc-${i}/` }, route: { cluster: c, timeout: '15s' } })) }],
      }),
    },
  ];
  const listeners = [
    {
      name: 'http-80',
      bytes: r.encode(MessageType.listener, {
        name: 'http-80',
        address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
        filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': `type.googleapis.com/${MessageType.httpConnectionManager}`, stat_prefix: 'http', rds: { route_config_name: 'http-80', config_source: ads }, http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': `type.googleapis.com/${MessageType.router}` } }] } }] }],
      }),
    },
  ];
  return {
    resources: { [TypeUrl.cluster]: clusters, [TypeUrl.endpoint]: endpoints, [TypeUrl.listener]: listeners, [TypeUrl.route]: routes },
    edsNames: names,
    rdsNames: ['http-80'],
  };
}

/** A service's CLA; `port` lets churn give every change distinct content. */
function encodeCla(name: string, service: number, shift: number, port = 8080): EncodedInput {
  const lb_endpoints = Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, e) => ({
    endpoint: { address: { socket_address: { address: `10.${(service >> 8) & 255}.${service & 255}.${(e + shift) % 250 + 1}`, port_value: port } } },
    health_status: 'HEALTHY',
  }));
  return { name, bytes: protoRegistry().encode(MessageType.clusterLoadAssignment, { cluster_name: name, endpoints: [{ locality: { zone: 'z1' }, load_balancing_weight: 1, lb_endpoints }] }) };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

class LoadProcess {
  private readonly child: ChildProcess;
  private readonly waiting: ((m: ToServer) => void)[] = [];

  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), ['--client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: ToServer) => this.waiting.shift()?.(m));
  }

  request(m: ToClient, timeoutMs = 120_000): Promise<ToServer> {
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
  // Server side: from the snapshot change to the response written to its connection, per stream.
  const writeLatencies: number[] = [];
  let recordWrites = false;
  const server = new AdsServer({ cache, logger, events: { pushed: (e) => { if (recordWrites && e.typeUrl === TypeUrl.endpoint) writeLatencies.push(e.latencyMs); } } });
  const port = await server.listen('127.0.0.1:0');
  const small = gatewayResources(10);
  const big = gatewayResources(SERVICES);
  cache.setSnapshot('bench/small', 'envoy', small.resources);
  cache.setSnapshot('bench/gw', 'envoy', big.resources);
  cache.markReady();
  const load = new LoadProcess();
  console.log(`xDS bench: ${STREAMS} streams (one connection each), Node ${process.version}, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'on' : 'off (run with --expose-gc)'}`);

  try {
    if (CHURN) {
      for (const protocol of PROTOCOLS) await runChurn(server, cache, load, port, big, protocol);
      return;
    }
    // 1. Idle streams on a small Gateway.
    gc();
    const before = process.memoryUsage();
    const opened = (await load.request({ cmd: 'open', port, gateway: 'bench/small', protocol: 'sotw', streams: STREAMS, edsNames: small.edsNames, rdsNames: small.rdsNames })) as { ms: number };
    await settle(server, STREAMS);
    gc();
    const after = process.memoryUsage();
    console.log(`idle: ${server.streamCount} streams held (converged in ${opened.ms.toFixed(0)} ms); server RSS +${mib(after.rss - before.rss)} = ${kib((after.rss - before.rss) / STREAMS)} per stream; heap +${kib((after.heapUsed - before.heapUsed) / STREAMS)} per stream ` +
      `(heap committed +${kib((after.heapTotal - before.heapTotal) / STREAMS)}, external +${kib((after.external - before.external) / STREAMS)}; the rest is native, mostly HTTP/2 sessions)`);
    await load.request({ cmd: 'close' });
    await waitFor(() => server.streamCount === 0, 30_000);
    await new Promise((r) => setTimeout(r, 3_000));

    // 2. Push latency of one CLA change, SotW then delta, on a 1,000-service Gateway.
    let shift = 1;
    for (const protocol of PROTOCOLS) {
      gc();
      const base = process.memoryUsage();
      const open = (await load.request({ cmd: 'open', port, gateway: 'bench/gw', protocol, streams: STREAMS, edsNames: big.edsNames, rdsNames: big.rdsNames })) as { ms: number };
      await settle(server, STREAMS);
      gc();
      const held = process.memoryUsage();
      await load.request({ cmd: 'collect' });
      const latencies: number[] = [];
      const claSizes: number[] = [];
      const bytes: number[] = [];
      const framingsBefore = cache.encodingStats().framings;
      writeLatencies.length = 0;
      recordWrites = true;
      for (let c = 0; c < CHANGES; c++) {
        const service = (c * 37) % SERVICES;
        const endpoints = big.resources[TypeUrl.endpoint]!.map((e, i) => (i === service ? encodeCla(e.name, i, shift++) : e));
        claSizes.push(endpoints[service].bytes.length);
        const t0 = now();
        cache.setSnapshot('bench/gw', 'envoy', { ...big.resources, [TypeUrl.endpoint]: endpoints });
        big.resources[TypeUrl.endpoint] = endpoints;
        const got = await waitSamples(load, STREAMS);
        for (const s of got) {
          latencies.push(s.t - t0);
          bytes.push(s.bytes);
        }
        await settle(server, STREAMS);
      }
      const framings = cache.encodingStats().framings - framingsBefore;
      recordWrites = false;
      writeLatencies.sort((a, b) => a - b);
      latencies.sort((a, b) => a - b);
      bytes.sort((a, b) => a - b);
      console.log(
        `${protocol}: ${STREAMS} streams, ${SERVICES} services x ${ENDPOINTS_PER_SERVICE} endpoints (converged in ${open.ms.toFixed(0)} ms, server heap +${kib((held.heapUsed - base.heapUsed) / STREAMS)}, RSS +${kib((held.rss - base.rss) / STREAMS)} per stream holding ${SERVICES} subscribed CLAs)\n` +
          `  one CLA change -> ${STREAMS} streams, ${CHANGES} changes: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms; ` +
          `server written p50 ${percentile(writeLatencies, 50).toFixed(1)} ms, p99 ${percentile(writeLatencies, 99).toFixed(1)} ms; ` +
          `${percentile(bytes, 50)} bytes per stream (max ${bytes.at(-1)}; the CLA itself ${claSizes.sort((a, b) => a - b)[claSizes.length >> 1]} bytes); encodings per resource version ${(framings / CHANGES).toFixed(2)}`,
      );
      await load.request({ cmd: 'close' });
      await waitFor(() => server.streamCount === 0, 30_000);
      await new Promise((r) => setTimeout(r, 3_000)); // let closing HTTP/2 sessions finish before the next baseline
    }
    gc();
    console.log(`after every stream closed: server heap ${mib(process.memoryUsage().heapUsed - before.heapUsed)} above the start (streams leave nothing behind)`);
    const stats = cache.encodingStats();
    console.log(`encodings per resource version: max ${stats.maxEncodingsPerVersion} over ${stats.liveResourceVersions} live resource versions (${stats.framings} framings since start)`);
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
async function runChurn(server: AdsServer, cache: SnapshotCache, load: LoadProcess, port: number, big: ReturnType<typeof gatewayResources>, protocol: XdsProtocol): Promise<void> {
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

async function waitSamples(load: LoadProcess, want: number): Promise<Sample[]> {
  const out: Sample[] = [];
  const end = Date.now() + 30_000;
  while (out.length < want) {
    if (Date.now() > end) throw new Error(`only ${out.length} of ${want} streams received the change`);
    await new Promise((r) => setTimeout(r, 20));
    out.push(...((await load.request({ cmd: 'collect' })) as { samples: Sample[] }).samples);
  }
  return out;
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

if (process.argv.includes('--client')) runClient();
else
  runServer().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
