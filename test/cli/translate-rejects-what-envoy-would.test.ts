// Rows 7 and 8 of the hardening table, as a user would hit them: path regexes RE2 refuses or whose
// program is over Envoy's size limit, and EndpointSlice addresses that are not of the slice's
// addressType. Each is reported in its object's status and left out; everything else is served
// and passes the strict validator. A real `tether translate` process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot, runTether } from './run-cli.ts';

const input = join(repoRoot, 'test', 'cli', 'testdata', 'hardening', 'regex-and-addresses.yaml');

interface Output {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
  status: { kind: string; name: string; conditions?: { type: string; status: string; message: string }[]; parents?: { conditions: { type: string; status: string; message: string }[] }[] }[];
}

describe('never serve what Envoy will reject', () => {
  it('leaves out refused regexes and wrong-family addresses, reports each, serves the rest', async () => {
    const run = await runTether(['translate', '-f', input, '-o', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Output;
    const strip = (list: JsonObject[]): JsonObject[] => list.map(({ ['@type']: _t, ...rest }) => rest);
    expectValidEnvoyResources({ listeners: strip(out.listeners), routes: strip(out.routes), clusters: strip(out.clusters), endpoints: strip(out.endpoints) });

    const served = JSON.stringify(out.routes);
    expect(served).toContain('/good');
    expect(served).toContain('/users/(?P<id>[0-9]+)');
    for (const bad of ['a{1001}', '[[:foo:]]', '(a{1000}){1000}', 'p{Foo}', '{1,64}']) expect(served).not.toContain(bad);

    const route = out.status.find((s) => s.name === 'bad')!;
    const message = route.parents![0].conditions.map((c) => c.message).join('\n');
    expect(message).toMatch(/rules\[0\]\.matches\[0\]\.path\.value: invalid regular expression: RE2 refuses it: invalid repetition size: \{1001\}/);
    expect(message).toMatch(/rules\[1\]\.matches\[0\]\.path\.value: .*invalid character class range: \[:foo:\]/);
    expect(message).toMatch(/rules\[2\]\.matches\[0\]\.path\.value: .*invalid repetition size/);
    expect(message).toMatch(/rules\[2\]\.matches\[1\]\.path\.value: .*invalid character class range: \\p\{Foo\}/);
    expect(message).toMatch(/rules\[2\]\.matches\[2\]\.path\.value: .*program size is about \d+, over Envoy's default limit of 100/);
    expect(out.status.find((s) => s.name === 'good')!.parents![0].conditions[0]).toMatchObject({ type: 'Accepted', status: 'True' });

    expect(out.endpoints).toHaveLength(1);
    expect(JSON.stringify(out.endpoints)).toContain('"10.0.0.1"');
    expect(JSON.stringify(out.endpoints)).not.toMatch(/not-an-ip|fd00::1/);
    const slice = out.status.find((s) => s.kind === 'EndpointSlice')!;
    expect(slice.conditions![0].message).toMatch(/endpoints\[1\]\.addresses\[0\]: "not-an-ip" is not an IPv4 address/);
    expect(slice.conditions![0].message).toMatch(/endpoints\[2\]\.addresses\[0\]: "fd00::1" is not an IPv4 address.*belongs in a slice of addressType IPv6/);
  });
});
