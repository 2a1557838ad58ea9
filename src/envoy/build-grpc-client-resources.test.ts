// The gRPC client variant is checked by a real xDS client: every golden IR is built for gRPC,
// encoded to protobuf, and handed to @grpc/grpc-js-xds's own resource decoding and validation, the
// code that decides whether a gRPC client ACKs or NACKs what Tether serves.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectValidEnvoyResources } from '../../test/support/envoy-assertions.ts';
import { ResourceKind } from '../codec/resource-kinds.ts';
import type { GatewayIR } from '../ir/ir.ts';
import type { EnvoyResources } from './build-envoy-resources.ts';
import { buildEnvoyResources } from './build-envoy-resources.ts';
import { buildGrpcClientResources } from './build-grpc-client-resources.ts';
import { protoRegistry } from '../codec/proto-registry.ts';

interface DecodeResult {
  name: string;
  error?: string;
}
interface ResourceType {
  decode(context: unknown, resource: { type_url: string; value: Buffer }): DecodeResult;
}

const require = createRequire(import.meta.url);
const xds = require('@grpc/grpc-js-xds') as { register(): void };
xds.register(); // registers gRPC's HTTP filters and LB policies, which validation consults
const base = '@grpc/grpc-js-xds/build/src/xds-resource-type/';
const grpcTypes: Record<Exclude<keyof EnvoyResources, 'secrets'>, ResourceType> = {
  listeners: (require(`${base}listener-resource-type.js`) as { ListenerResourceType: { get(): ResourceType } }).ListenerResourceType.get(),
  routes: (require(`${base}route-config-resource-type.js`) as { RouteConfigurationResourceType: { get(): ResourceType } }).RouteConfigurationResourceType.get(),
  clusters: (require(`${base}cluster-resource-type.js`) as { ClusterResourceType: { get(): ResourceType } }).ClusterResourceType.get(),
  endpoints: (require(`${base}endpoint-resource-type.js`) as { EndpointResourceType: { get(): ResourceType } }).EndpointResourceType.get(),
};

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'build');
const cases = readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).sort();

/** What grpc-js-xds says about each resource: undefined when it accepts it. */
function grpcVerdicts(resources: EnvoyResources): string[] {
  const problems: string[] = [];
  for (const kind of Object.keys(grpcTypes) as (keyof typeof grpcTypes)[]) {
    for (const resource of resources[kind]) {
      const { messageType, typeUrl } = ResourceKind[kind];
      const value = Buffer.from(protoRegistry().encode(messageType, resource));
      const result = grpcTypes[kind].decode({ bootstrap: { serverFeatures: [] }, server: {} }, { type_url: typeUrl, value });
      if (result.error) problems.push(`${kind} ${result.name}: ${result.error}`);
    }
  }
  return problems;
}

describe('gRPC client resources', () => {
  it.each(cases)('grpc-js-xds accepts every resource built from %s', (file) => {
    const gw = parse(readFileSync(join(dir, file), 'utf8')) as GatewayIR;
    const resources = buildGrpcClientResources(gw);
    expect(grpcVerdicts(resources)).toEqual([]);
    expectValidEnvoyResources(resources);
  });

  it('would reject the Envoy form, which is why the variant exists', () => {
    const gw = parse(readFileSync(join(dir, 'match-kinds.in.yaml'), 'utf8')) as GatewayIR;
    const problems = grpcVerdicts(buildEnvoyResources(gw));
    expect(problems.join('\n')).toContain('unsupported path_specifier: path_separated_prefix');
  });

  it('keeps ring hash on the lb_policy enum: grpc-js-xds rejects a typed RingHash with ring sizes', () => {
    // The reason load-balancer.ts does not use load_balancing_policy. If this starts passing, the
    // typed form has become an option.
    const typedRingHash = {
      name: 'typed',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
      load_balancing_policy: {
        policies: [
          {
            typed_extension_config: {
              name: 'envoy.load_balancing_policies.ring_hash',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash',
                hash_function: 'XX_HASH',
                minimum_ring_size: 1024,
              },
            },
          },
        ],
      },
    };
    expect(grpcVerdicts({ listeners: [], routes: [], clusters: [typedRingHash], endpoints: [] }).join('\n')).toContain('min_ring_size must be a number');
  });

  it('names an api_listener after each plain hostname and points it at the route configuration', () => {
    const gw = parse(readFileSync(join(dir, 'grpc-client-cookie-session.in.yaml'), 'utf8')) as GatewayIR;
    const out = buildGrpcClientResources(gw);
    expect(out.listeners.map((l) => l['name'])).toEqual(['shop.example.com']);
    expect(JSON.stringify(out.listeners[0])).toContain('"route_config_name":"default/demo-gateway/80"');
  });

  it('maps policies gRPC lacks onto ones it has', () => {
    const gw = parse(readFileSync(join(dir, 'header-session-maglev.in.yaml'), 'utf8')) as GatewayIR;
    const cluster = buildGrpcClientResources(gw).clusters[0];
    expect(cluster['lb_policy']).toBe('RING_HASH');
  });
});
