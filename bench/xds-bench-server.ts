// The xDS benchmark's server process, in one of two roles, driven by bench/xds-bench.ts over IPC:
//   tether: the real AdsServer over a SnapshotCache;
//   floor:  a bare @grpc/grpc-js server with the same options that writes the same framed bytes
//           (each type's whole set on the first request for it, the same CLA change to every
//           stream) and does nothing else: no subscriptions, no versions, no bookkeeping. It is
//           what serving these bytes costs on this machine, the yardstick for Tether's figures.
// Both roles build the same resources in the same way before anything is timed.
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { AdsServer, XDS_GRPC_OPTIONS } from '../src/xds/ads-server.ts';
import { forEachField, stringField } from '../src/xds/proto-wire.ts';
import { PUSH_ORDER, TypeUrl, type XdsProtocol } from '../src/xds/resource-types.ts';
import { SnapshotCache } from '../src/xds/snapshot-cache.ts';
import { changedService, encodeCla, gatewayResources, type BenchGateway } from './xds-bench-gateway.ts';

export type Role = 'tether' | 'floor';

export type ToServer =
  | { id: number; cmd: 'start'; services: number; protocol: XdsProtocol; streams: number }
  | { id: number; cmd: 'settled' }
  | { id: number; cmd: 'memory' }
  | { id: number; cmd: 'change'; index: number }
  | { id: number; cmd: 'written' }
  | { id: number; cmd: 'stop' };

export interface Memory {
  heapUsed: number;
  rss: number;
  external: number;
  /** Peak RSS of the process so far. */
  maxRss: number;
}

export interface FromServer {
  id: number;
  port?: number;
  settled?: boolean;
  memory?: Memory;
  /** Epoch ms at which a change started. */
  t0?: number;
  written?: number[];
}

const GATEWAY = 'bench/gw';
const now = (): number => performance.timeOrigin + performance.now();

interface ServerRole {
  listen(): Promise<number>;
  settled(): boolean;
  change(index: number): number;
  takeWritten(): number[];
  stop(): Promise<void>;
}

function memory(): Memory {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, maxRss: process.resourceUsage().maxRSS * 1024 };
}

class TetherRole implements ServerRole {
  private readonly cache = new SnapshotCache({ logger: pino({ level: 'warn' }) });
  private readonly server: AdsServer;
  private readonly written: number[] = [];
  private readonly gw: BenchGateway;
  private readonly services: number;
  private readonly streams: number;

  constructor(gw: BenchGateway, services: number, streams: number) {
    this.gw = gw;
    this.services = services;
    this.streams = streams;
    this.cache.setSnapshot(GATEWAY, 'envoy', gw.resources);
    this.cache.markReady();
    this.server = new AdsServer({
      cache: this.cache,
      logger: pino({ level: 'warn' }),
      events: { pushed: (e) => { if (e.typeUrl === TypeUrl.endpoint) this.written.push(e.latencyMs); } },
    });
  }

  listen(): Promise<number> {
    return this.server.listen('127.0.0.1:0');
  }

  settled(): boolean {
    const s = this.server.summary();
    return s.bound === this.streams && s.typesRequested === 4 * this.streams && s.awaitingAck === 0;
  }

  change(index: number): number {
    const service = changedService(index, this.services);
    const endpoints = [...this.gw.resources[TypeUrl.endpoint]!];
    endpoints[service] = encodeCla(endpoints[service].name, service, index + 1);
    this.gw.resources[TypeUrl.endpoint] = endpoints;
    this.written.length = 0;
    const t0 = now();
    this.cache.setSnapshot(GATEWAY, 'envoy', this.gw.resources);
    return t0;
  }

  takeWritten(): number[] {
    return this.written.splice(0);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

interface FloorStream {
  call: grpc.ServerDuplexStream<Buffer, Buffer>;
  types: Set<string>;
  written: number;
  acked: number;
}

const identity = (b: Buffer): Buffer => b;

class FloorRole implements ServerRole {
  private readonly server = new grpc.Server(XDS_GRPC_OPTIONS);
  private readonly streams = new Set<FloorStream>();
  private readonly written: number[] = [];
  /** The whole set of each type, framed with a fixed nonce: what every stream gets first. */
  private readonly initial = new Map<string, Buffer>();
  private readonly cache = new SnapshotCache({ logger: pino({ level: 'warn' }) });
  private readonly gw: BenchGateway;
  private readonly protocol: XdsProtocol;
  private readonly services: number;
  private readonly expected: number;

  constructor(gw: BenchGateway, protocol: XdsProtocol, services: number, streams: number) {
    this.gw = gw;
    this.protocol = protocol;
    this.services = services;
    this.expected = streams;
    // The same framing Tether uses, done once before anything is timed.
    this.cache.setSnapshot(GATEWAY, 'envoy', gw.resources);
    const view = this.cache.view(GATEWAY, 'envoy')!;
    for (const t of PUSH_ORDER) {
      const tv = view.type(t);
      this.initial.set(t, Buffer.concat([protocol === 'sotw' ? tv.fullStateBody() : tv.fullDeltaBody(), stringField(5, '1')]));
    }
    const ads = 'envoy.service.discovery.v3.AggregatedDiscoveryService';
    const method = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({ path, requestStream: true, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity });
    this.server.addService(
      { StreamAggregatedResources: method(`/${ads}/StreamAggregatedResources`), DeltaAggregatedResources: method(`/${ads}/DeltaAggregatedResources`) },
      { StreamAggregatedResources: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.open(call), DeltaAggregatedResources: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.open(call) },
    );
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
  }

  private open(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
    const s: FloorStream = { call, types: new Set(), written: 0, acked: 0 };
    this.streams.add(s);
    const typeField = this.protocol === 'sotw' ? 4 : 2;
    const nonceField = this.protocol === 'sotw' ? 5 : 6;
    call.on('data', (data: Buffer) => {
      let typeUrl = '';
      let nonce = false;
      forEachField(data, (n, _start, payloadStart, end) => {
        if (n === typeField) typeUrl = data.toString('latin1', payloadStart, end);
        else if (n === nonceField) nonce = end > payloadStart;
      });
      if (nonce) s.acked++;
      else if (!s.types.has(typeUrl)) {
        s.types.add(typeUrl);
        s.written++;
        call.write(this.initial.get(typeUrl)!);
      }
    });
    const drop = (): void => void this.streams.delete(s);
    call.on('error', drop);
    call.on('cancelled', drop);
    call.on('end', () => {
      drop();
      call.end();
    });
  }

  settled(): boolean {
    if (this.streams.size !== this.expected) return false;
    for (const s of this.streams) if (s.types.size !== 4 || s.written !== s.acked) return false;
    return true;
  }

  change(index: number): number {
    const service = changedService(index, this.services);
    const endpoints = [...this.gw.resources[TypeUrl.endpoint]!];
    endpoints[service] = encodeCla(endpoints[service].name, service, index + 1);
    this.gw.resources[TypeUrl.endpoint] = endpoints;
    // Framed ahead of the clock: the floor measures the wire alone.
    this.cache.setSnapshot(GATEWAY, 'envoy', this.gw.resources);
    const tv = this.cache.view(GATEWAY, 'envoy')!.type(TypeUrl.endpoint);
    const r = tv.resources.get(endpoints[service].name)!;
    const bytes = Buffer.concat([stringField(1, tv.version), this.protocol === 'sotw' ? r.sotwField : r.deltaField, stringField(4, TypeUrl.endpoint), stringField(5, `c${index}`)]);
    this.written.length = 0;
    const t0 = now();
    const start = performance.now();
    for (const s of this.streams) {
      s.written++;
      s.call.write(bytes, () => this.written.push(performance.now() - start));
    }
    return t0;
  }

  takeWritten(): number[] {
    return this.written.splice(0);
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.call.end();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

function runServer(role: Role): void {
  let impl: ServerRole | undefined;
  const reply = (m: FromServer): boolean => process.send!(m);
  process.on('message', (m: ToServer) => {
    void (async () => {
      switch (m.cmd) {
        case 'start': {
          const gw = gatewayResources(m.services);
          impl = role === 'tether' ? new TetherRole(gw, m.services, m.streams) : new FloorRole(gw, m.protocol, m.services, m.streams);
          const port = await impl.listen();
          // The baseline is taken once building's garbage is gone (weak entries need a later turn).
          await new Promise((r) => setTimeout(r, 300));
          memory();
          reply({ id: m.id, port, memory: memory() });
          break;
        }
        case 'settled':
          reply({ id: m.id, settled: impl!.settled() });
          break;
        case 'memory':
          reply({ id: m.id, memory: memory() });
          break;
        case 'change': {
          // Answered once the change is pushed: the floor writes inside change(), Tether on the next
          // tick, so neither role has the reply's IPC write inside its timed window.
          const t0 = impl!.change(m.index);
          setImmediate(() => reply({ id: m.id, t0 }));
          break;
        }
        case 'written':
          reply({ id: m.id, written: impl!.takeWritten() });
          break;
        case 'stop':
          await impl?.stop();
          reply({ id: m.id, memory: memory() });
          process.exit(0);
      }
    })();
  });
}

runServer(process.argv[2] === 'floor' ? 'floor' : 'tether');
