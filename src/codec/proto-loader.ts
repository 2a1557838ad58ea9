// Loads Envoy's API protos with protobufjs: from @grpc/grpc-js-xds's deps/ trees, with our own
// protos/ first on the include path so newer fields shadow older files. Reads files, once per
// process (about 100 ms); proto-registry.ts keeps the result.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// Entry files; their imports pull in the rest of the closure.
const ENTRY_FILES = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/stateful_session/v3/stateful_session.proto',
  'envoy/extensions/http/stateful_session/cookie/v3/cookie.proto',
  'envoy/extensions/http/stateful_session/header/v3/header.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/proxy_protocol/v3/proxy_protocol.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/formatter/req_without_query/v3/req_without_query.proto',
  'envoy/extensions/resource_monitors/downstream_connections/v3/downstream_connections.proto',
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/status/v3/csds.proto',
  'tether/session/v1/session_cookie.proto',
];

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');

/** Include path, most specific first: our protos/, then the Envoy, xDS, googleapis and PGV trees. */
export function protoIncludeDirs(): string[] {
  const require = createRequire(import.meta.url);
  const xdsPkg = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const pbjsPkg = dirname(require.resolve('protobufjs/package.json'));
  return [
    join(projectRoot, 'protos'),
    join(xdsPkg, 'deps', 'envoy-api'),
    join(xdsPkg, 'deps', 'xds'),
    join(xdsPkg, 'deps', 'googleapis'),
    join(xdsPkg, 'deps', 'protoc-gen-validate'),
    pbjsPkg, // google/protobuf/descriptor.proto, imported by validate.proto and the udpa annotations
  ];
}

/** Every message type Tether emits or reads, with everything they import, resolved. */
export function loadProtoRoot(): protobuf.Root {
  const includes = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (origin: string, target: string): string => {
    for (const dir of includes) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(ENTRY_FILES, { keepCase: true, alternateCommentMode: false });
  root.resolveAll();
  return root;
}
