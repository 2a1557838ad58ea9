// A grpc-js echo server on loopback that answers its own name, and an xds:/// client for it:
// the backends and the third-party xDS client the gRPC end-to-end tests share.
import * as grpc from '@grpc/grpc-js';

export const ECHO_METHOD = '/echo.Echo/Who';
const BOOTSTRAP_KEY = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';
const identity = (b: Buffer): Buffer => b;

export interface EchoBackend {
  name: string;
  port: number;
  server: grpc.Server;
}

export async function startEchoBackend(name: string): Promise<EchoBackend> {
  const server = new grpc.Server();
  server.addService(
    { Who: { path: ECHO_METHOD, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
    { Who: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(name)) },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { name, port, server };
}

/** A client for `xds:///<host>` whose xDS server is `xds` and whose node names `gateway` (node.cluster). */
export function xdsEchoClient(host: string, xds: string, nodeId: string, gateway: string): grpc.Client {
  const bootstrap = {
    xds_servers: [{ server_uri: xds, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: nodeId, cluster: gateway, locality: { region: 'r1', zone: 'z1' } },
  };
  return new grpc.Client(`xds:///${host}`, grpc.credentials.createInsecure(), { [BOOTSTRAP_KEY]: JSON.stringify(bootstrap) });
}

/** Calls Who and resolves with the name of the backend that answered. */
export function who(client: grpc.Client, metadata: Record<string, string> = {}): Promise<string> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(ECHO_METHOD, identity, identity, Buffer.alloc(0), md, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res!.toString())));
  });
}
