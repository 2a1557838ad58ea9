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

export type FromLoad = { ev: 'converged'; ms: number } | { ev: 'samples'; samples: Sample[] } | { ev: 'closed' };

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
  const send = (m: FromLoad): boolean => process.send!(m);

  process.on('message', (m: ToLoad) => {
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
          // SotW requests always restate the subscription; delta ones only acknowledge.
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

runLoad();
