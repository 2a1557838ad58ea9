// Golden cases for `tether translate` end to end: the real command on each `<case>.in.yaml` must
// print exactly `<case>.out.yaml` (Envoy resources and the status of every object), and every
// printed resource must pass the strict validator. `npm run golden` regenerates the outputs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot, runTether } from './run-cli.ts';

const folders = ['other-gateways', 'translate'].map((f) => join(repoRoot, 'test', 'cli', 'testdata', f));
const cases = folders.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.in.yaml'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.in.yaml'.length), dir })),
);

type Listed = { listeners: object[]; routes: object[]; clusters: object[]; endpoints: object[] };

// Printed resources carry their own "@type"; the validator takes the message without it.
const bare = (list: object[]): Record<string, unknown>[] =>
  list.map((r) => {
    const { '@type': _t, ...rest } = r as Record<string, unknown>;
    return rest;
  });

describe('tether translate golden cases', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
  });

  it.each(cases)('$name', async ({ name, dir }) => {
    const r = await runTether(['translate', '-f', join(dir, `${name}.in.yaml`), '-o', 'yaml']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join(dir, `${name}.out.yaml`));
    const out = parse(r.stdout) as Listed;
    expect(out.listeners.length).toBeGreaterThan(0);
    expectValidEnvoyResources({
      listeners: bare(out.listeners),
      routes: bare(out.routes),
      clusters: bare(out.clusters),
      endpoints: bare(out.endpoints),
    } as Parameters<typeof expectValidEnvoyResources>[0]);
  });
});
