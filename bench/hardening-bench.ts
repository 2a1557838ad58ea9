// Hardening benchmark (not a test): what hostile xDS clients cost the server, measured on loopback.
// The attacks of rows 1–3 of the hardening issue, each run against a fresh in-process ADS server
// while one well-behaved stream takes a CLA update every 50 ms:
//   1. eight delta requests of 10 MB of two-byte unknown fields (and eight of 3 MB, under the byte
//      limit, stopped by the field count);
//   2. 200 short streams, each naming its own Gateway in node.cluster, sending 64 KB NACK texts;
//   3. five SotW streams of 800,000 resource names and five delta streams of 400,000
//      initial_resource_versions.
// The attacks run in a forked child process, so their own payloads and work are not counted. For
// each: the server process's heap and RSS growth (after GC), its event loop's longest stall, the
// well-behaved stream's worst update latency, and how the attacking streams ended.
// Usage: node --expose-gc bench/hardening-bench.ts
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { MessageType, protoRegistry, type JsonObject } from '../src/codec/proto-registry.ts';
import { AdsServer } from '../src/xds/ads-server.ts';
import { bytesField, stringField } from '../src/xds/proto-wire.ts';
import { TypeUrl } from '../src/xds/resource-types.ts';
import { SnapshotCache } from '../src/xds/snapshot-cache.ts';
import { RawXdsStream, TYPE } from '../test/support/fake-envoy.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const GW = 'default/gw';
const registry = protoRegistry();

function snapshot(address: string): Map<string, { name: string; bytes: Uint8Array }[]> {
  const cla: JsonObject = { cluster_name: 'web', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: 80 } } } }] }] };
  const cluster: JsonObject = { name: 'web', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } }, connect_timeout: '1s' };
  return new Map([
    [TypeUrl.cluster, [{ name: 'web', bytes: registry.encode(MessageType.cluster, cluster) }]],
    [TypeUrl.endpoint, [{ name: 'web', bytes: registry.encode(MessageType.clusterLoadAssignment, cla) }]],
  ]);
}

interface Figures {
  attack: string;
  heapGrowthMiB: number;
  rssGrowthMiB: number;
  longestStallMs: number;
  worstUpdateMs: number;
  endings: Record<string, number>;
}

/** Runs attack `index` of ATTACKS in a child process against `address`; resolves with its endings. */
function attackFromChild(index: number, address: string): Promise<grpcEnding[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--attacker', String(index), address], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as grpcEnding[]));
    child.once('error', reject);
  });
}

async function run(index: number): Promise<Figures> {
  const { name: attack } = ATTACKS[index];
  const cache = new SnapshotCache({});
  const server = new AdsServer({ cache, logger: pino({ level: 'silent' }) });
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  cache.setSnapshot(GW, 'envoy', Object.fromEntries(snapshot('10.0.0.1')));
  cache.markReady();

  // The well-behaved client: EDS for "web", ACKing everything; worst latency of each update.
  const good = new RawXdsStream(address, 'sotw');
  good.send({ node: { id: 'good', cluster: GW }, type_url: TYPE.endpoint, resource_names: ['web'] });
  const first = await good.next();
  good.send({ type_url: TYPE.endpoint, resource_names: ['web'], response_nonce: first.nonce, version_info: first.version });
  let worstUpdate = 0;
  let sentAt = 0;
  let n = 0;
  good.onResponse = (r) => {
    worstUpdate = Math.max(worstUpdate, performance.now() - sentAt);
    good.send({ type_url: TYPE.endpoint, resource_names: ['web'], response_nonce: r.nonce, version_info: r.version });
  };
  const updates = setInterval(() => {
    sentAt = performance.now();
    cache.setSnapshot(GW, 'envoy', Object.fromEntries(snapshot(`10.0.${Math.floor(++n / 250)}.${n % 250}`)));
  }, 50);
  let longestStall = 0;
  let lastTick = performance.now();
  const stall = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - lastTick - 5);
    lastTick = now;
  }, 5);

  gc!();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const endings = await attackFromChild(index, address);
  await new Promise((r) => setTimeout(r, 300));
  gc!();
  const heap1 = process.memoryUsage().heapUsed;
  const rss1 = process.memoryUsage().rss;
  clearInterval(updates);
  clearInterval(stall);
  good.close();
  await server.stop();
  const counts: Record<string, number> = {};
  for (const e of endings) counts[e] = (counts[e] ?? 0) + 1;
  const mib = (b: number): number => Math.round((b / 1024 / 1024) * 10) / 10;
  return { attack, heapGrowthMiB: mib(heap1 - heap0), rssGrowthMiB: mib(rss1 - rss0), longestStallMs: Math.round(longestStall), worstUpdateMs: Math.round(worstUpdate), endings: counts };
}

type grpcEnding = string;

async function ended(s: RawXdsStream): Promise<grpcEnding> {
  const st = await Promise.race([s.ended, new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000))]);
  s.close();
  return st ? status[st.code] : 'still open';
}

const unknownFields = (bytes: number): Buffer => Buffer.alloc(bytes, Buffer.from([0x78, 0x00]));
const node = (id: string, cluster: string): Buffer => bytesField(1, Buffer.concat([stringField(1, id), stringField(2, cluster)]));

const ATTACKS: { name: string; body: (address: string) => Promise<grpcEnding[]> }[] = [
  {
    name: '8 delta requests of 10 MB of 2-byte unknown fields',
    body: async (address) => {
      const streams = Array.from({ length: 8 }, () => new RawXdsStream(address, 'delta'));
      for (const s of streams) s.sendBytes(unknownFields(10 * 1024 * 1024));
      return Promise.all(streams.map(ended));
    },
  },
  {
    name: '8 delta requests of 3 MB of 2-byte unknown fields (under the byte limit)',
    body: async (address) => {
      const streams = Array.from({ length: 8 }, () => new RawXdsStream(address, 'delta'));
      for (const [i, s] of streams.entries()) s.sendBytes(Buffer.concat([node(`x${i}`, GW), unknownFields(3 * 1024 * 1024)]));
      return Promise.all(streams.map(ended));
    },
  },
  {
    name: '200 short streams, each its own node.cluster, 64 KB NACK texts',
    body: async (address) => {
      const out: grpcEnding[] = [];
      for (let i = 0; i < 200; i++) {
        const s = new RawXdsStream(address, 'sotw');
        s.send({ node: { id: `n${i}`, cluster: `evil/gw-${i}` }, type_url: TYPE.cluster });
        const r = await s.next();
        s.send({ type_url: TYPE.cluster, response_nonce: r.nonce, error_detail: { code: 3, message: 'z'.repeat(64 * 1024) } });
        await new Promise((res) => setTimeout(res, 2));
        s.close();
        out.push('closed by client');
      }
      return out;
    },
  },
  {
    name: '5 SotW streams of 800,000 names; 5 delta streams of 400,000 initial versions',
    body: async (address) => {
      const names = Buffer.concat(Array.from({ length: 800_000 }, (_, j) => stringField(3, `n${j}`)));
      const entries = Buffer.concat(Array.from({ length: 400_000 }, (_, j) => bytesField(5, Buffer.concat([stringField(1, `g${j}`), stringField(2, 'v')]))));
      const streams: RawXdsStream[] = [];
      for (let i = 0; i < 5; i++) {
        const s = new RawXdsStream(address, 'sotw');
        s.sendBytes(Buffer.concat([node(`s${i}`, GW), stringField(4, TYPE.endpoint), names]));
        streams.push(s);
        const d = new RawXdsStream(address, 'delta');
        d.sendBytes(Buffer.concat([node(`d${i}`, GW), stringField(2, TYPE.cluster), entries]));
        streams.push(d);
      }
      return Promise.all(streams.map(ended));
    },
  },
];

const attacker = process.argv.indexOf('--attacker');
if (attacker >= 0) {
  const endings = await ATTACKS[Number(process.argv[attacker + 1])].body(process.argv[attacker + 2]);
  process.send!(endings, () => process.exit(0));
} else {
  const results: Figures[] = [];
  for (let i = 0; i < ATTACKS.length; i++) results.push(await run(i));
  console.table(results.map((r) => ({ ...r, endings: JSON.stringify(r.endings) })));
  process.exit(0);
}
