// What the Envoy builders make from every golden Gateway IR, served to the Envoy-like client over
// SotW and delta: it converges with every listener and cluster active, nothing warming, no NACK,
// and at no point does an active listener route to a missing or warming cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildEnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import type { GatewayIR } from '../../src/ir/ir.ts';
import { FakeEnvoy } from '../support/fake-envoy.ts';
import { startHarness, type Harness } from './xds-fixtures.ts';

const dir = new URL('../../src/envoy/testdata/build/', import.meta.url);
const cases = readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).sort();

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.stop();
});

describe.each(['sotw', 'delta'] as const)('built resources over %s', (protocol) => {
  it.each(cases)('%s converges without a NACK or a route to a cold cluster', async (file) => {
    const gw = parse(readFileSync(new URL(file, dir), 'utf8')) as GatewayIR;
    const resources = buildEnvoyResources(gw);
    const key = `${protocol}/${file}`;
    h.set(key, resources);
    const e = new FakeEnvoy({ address: h.address, nodeId: `${protocol}-${file}`, cluster: key, protocol });
    try {
      e.start();
      const want = resources.listeners.map((l) => l['name'] as string).sort();
      await e.waitFor(() => e.effectiveConfig().listeners.active.join() === want.join() && e.warmingClusters.size === 0, 'every listener active');
      expect(e.effectiveConfig().clusters.active).toEqual(resources.clusters.map((c) => c['name'] as string).sort());
      expect(e.nacks).toEqual([]);
      expect(e.violations).toEqual([]);
    } finally {
      e.close();
    }
  });
});
