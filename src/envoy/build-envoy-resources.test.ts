// Golden cases: testdata/build/<case>.in.yaml (a GatewayIR written by hand) → <case>.out.yaml (the
// Envoy resources, or a bootstrap). Regenerate with `npx vitest run src/envoy -u`, then read the
// diff. Case names pick the builder: `grpc-client-*` the gRPC client variant, `static-bootstrap-*`
// the static bootstrap, anything else buildEnvoyResources. Every output must pass the strict
// validator (what Envoy would reject at load time, cross-resource references included) and come
// back unchanged from an encode/decode round trip: a field the codec drops or rewrites is a bug.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { GatewayIR } from '../ir/ir.ts';
import { buildStaticBootstrap } from './bootstrap.ts';
import { buildEnvoyResources, type EnvoyResources } from './build-envoy-resources.ts';
import { buildGrpcClientResources } from './build-grpc-client-resources.ts';
import { expectValidBootstrap, expectValidEnvoyResources } from '../../test/support/envoy-assertions.ts';
import { expectRoundTrip } from '../../test/support/envoy-round-trip.ts';
import { RESOURCE_KINDS } from '../codec/resource-kinds.ts';
import { MessageType, type JsonObject } from '../codec/proto-registry.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'build');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length))
  .sort();

function build(name: string, gw: GatewayIR): EnvoyResources | JsonObject {
  if (name.startsWith('grpc-client-')) return buildGrpcClientResources(gw);
  if (name.startsWith('static-bootstrap-')) return buildStaticBootstrap(gw);
  return buildEnvoyResources(gw);
}

describe('IR → Envoy golden cases', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases)('%s', async (name) => {
    const gw = parse(readFileSync(join(dir, `${name}.in.yaml`), 'utf8')) as GatewayIR;
    const out = build(name, gw);
    await expect(stringify(out, { lineWidth: 0, aliasDuplicateObjects: false })).toMatchFileSnapshot(join(dir, `${name}.out.yaml`));
    if (name.startsWith('static-bootstrap-')) {
      expectValidBootstrap(out as JsonObject);
      expectRoundTrip(MessageType.bootstrap, out as JsonObject);
    } else {
      const resources = out as EnvoyResources;
      expectValidEnvoyResources(resources);
      for (const { key: kind } of RESOURCE_KINDS) {
        const names = (resources[kind] ?? []).map((r) => (r['name'] ?? r['cluster_name']) as string);
        expect(names, `${kind} sorted by name`).toEqual([...names].sort());
      }
      for (const { key: kind, messageType } of RESOURCE_KINDS) {
        for (const resource of resources[kind] ?? []) expectRoundTrip(messageType, resource);
      }
    }
  });

  it('is deterministic and does not modify its input', () => {
    for (const name of cases) {
      const text = readFileSync(join(dir, `${name}.in.yaml`), 'utf8');
      const gw = parse(text) as GatewayIR;
      const first = JSON.stringify(build(name, gw));
      expect(JSON.stringify(build(name, gw))).toBe(first);
      expect(gw).toEqual(parse(text));
    }
  });
});
