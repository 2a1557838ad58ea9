// The xDS benchmark's load process: N raw ADS streams, one HTTP/2 connection each (as separate Envoys
// have), that subscribe like Envoy and ACK every response. It runs apart from the server it loads,
// so the server's memory is measured without the clients. Requests are framed by hand from
// pre-encoded names so this process stays cheap next to the server it measures.
import * as grpc from '@grpc/grpc-js';
import { MessageType, protoRegistry, type JsonObject } from '../src/codec/proto-registry.ts';
import { readFields, stringField } from '../src/xds/proto-wire.ts';
import { TypeUrl, type XdsProtocol } from '../src/xds/resource-types.ts';

export type ToLoad =
  | { cmd: 'open'; port: number; gateway: string; protocol: XdsProtocol; streams: number; edsNames: string[]; rdsNames: string[] }
  | { cmd: 'collect' }
  | { cmd: 'close' };

/** `bytes`: every response byte the streams received since the last collect (or the open). */
export type FromLoad = { ev: 'converged'; ms: number } | { ev: 'samples'; samples: Sample[]; bytes: number } | { ev: 'closed' };

/** One EDS response received after a stream converged: when (epoch ms), its size, and which stream. */
export interface Sample {
  t: number;
  bytes: number;
  stream: number;
}

const now = (): number => performance.timeOrigin + performance.now();

function runLoad(): void {
  const registry = protoRegistry();
  let clients: grpc.Client[] = [];
  let calls: grpc.ClientDuplexStream<Buffer, Buffer>[] = [];
  let samples: Sample[] = [];
  let received = 0;
  const send = (m: FromLoad): boolean => process.send!(m);

  process.on('message', (m: ToLoad) => {
    if (m.cmd === 'open') {
      const started = now();
      received = 0;
      const seen: Set<string>[] = [];
      let converged = 0;
      const reqType = m.protocol === 'sotw' ? MessageType.discoveryRequest : MessageType.deltaDiscoveryRequest;
      const enc = (json: JsonObject): Buffer => Buffer.from(registry.encode(reqType, json));
      const edsNames = Buffer.concat(m.edsNames.map((n) => stringField(3, n)));
      const rdsNames = Buffer.concat(m.rdsNames.map((n) => stringField(3, n)));
      const namesField = (typeUrl: string): Buffer => (typeUrl === TypeUrl.endpoint ? edsNames : typeUrl === TypeUrl.route ? rdsNames : Buffer.alloc(0));
      /** The first request for EDS or RDS: every name, bytes the same on every stream. */
      const subscribe = (typeUrl: string): Buffer =>
        m.protocol === 'sotw' ? Buffer.concat([namesField(typeUrl), stringField(4, typeUrl)]) : Buffer.concat([stringField(2, typeUrl), namesField(typeUrl)]);
      const path = m.protocol === 'sotw' ? '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources' : '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';
      for (let i = 0; i < m.streams; i++) {
        const client = new grpc.Client(`127.0.0.1:${m.port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
        const call = client.makeBidiStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b);
        clients.push(client);
        calls.push(call);
        seen.push(new Set());
        call.on('error', () => undefined);
        call.on('data', (data: Buffer) => {
          const t = now();
          received += data.length;
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
          const first = !seen[i].has(typeUrl);
          if (first) {
            seen[i].add(typeUrl);
            if (seen[i].size === 4 && ++converged === m.streams) send({ ev: 'converged', ms: now() - started });
          }
          // As Envoy does, the clusters' endpoints are asked for once the clusters are in, and the
          // listeners' routes once the listeners are: with the request that processing them sends,
          // before the ACK (SotW requests always restate the subscription; delta ones only acknowledge).
          const follows = first ? (typeUrl === TypeUrl.cluster ? TypeUrl.endpoint : typeUrl === TypeUrl.listener ? TypeUrl.route : undefined) : undefined;
          if (follows) call.write(subscribe(follows));
          call.write(m.protocol === 'sotw'
            ? Buffer.concat([stringField(1, version), namesField(typeUrl), stringField(4, typeUrl), stringField(5, nonce)])
            : Buffer.concat([stringField(2, typeUrl), stringField(6, nonce)]));
        });
        const node = { id: `bench-${i}`, cluster: m.gateway, user_agent_name: 'envoy' };
        call.write(enc({ node, type_url: TypeUrl.cluster }));
        call.write(enc({ type_url: TypeUrl.listener }));
      }
    } else if (m.cmd === 'collect') {
      send({ ev: 'samples', samples, bytes: received });
      samples = [];
      received = 0;
    } else if (m.cmd === 'close') {
      for (const c of calls) c.cancel();
      for (const c of clients) c.close();
      calls = [];
      clients = [];
      send({ ev: 'closed' });
    }
  });
}

runLoad();
