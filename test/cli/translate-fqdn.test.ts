// `tether translate --resolve-fqdn`: the compose demo's FQDN EndpointSlice resolved through a real
// DNS server on loopback, as `serve` resolves it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { repoRoot, runTether } from './run-cli.ts';

interface Cla {
  cluster_name: string;
  endpoints?: { lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[];
}

const addresses = (out: { endpoints: JsonObject[] }, cluster: string): string[] =>
  ((out.endpoints as unknown as Cla[]).find((c) => c.cluster_name === cluster)?.endpoints ?? [])
    .flatMap((l) => l.lb_endpoints.map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`))
    .sort();

describe('tether translate --resolve-fqdn', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await TestDnsServer.start();
    dns.set('httpbin', { a: ['10.5.0.3', '10.5.0.2'], aaaa: ['fd00:5::2'] });
  });
  afterAll(() => dns.close());

  const compose = join(repoRoot, 'examples', 'compose');

  it('leaves FQDN slices without endpoints by default', async () => {
    const r = await runTether(['translate', '-f', compose]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { endpoints: JsonObject[] };
    expect(addresses(out, 'default/httpbin/8080/sticky')).toEqual([]);
  });

  it('puts every address the name has into the endpoints', async () => {
    const r = await runTether(['translate', '-f', compose, '--resolve-fqdn', '--dns-server', dns.server]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { endpoints: JsonObject[] };
    const expected = ['10.5.0.2:8080', '10.5.0.3:8080', 'fd00:5::2:8080'];
    expect(addresses(out, 'default/httpbin/8080/sticky')).toEqual(expected);
    expect(addresses(out, 'default/httpbin/8080')).toEqual(expected);
  });

  it('warns about a name that does not resolve and still prints the config', async () => {
    dns.remove('httpbin');
    const r = await runTether(['translate', '-f', compose, '--resolve-fqdn', '--dns-server', dns.server]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: FQDN httpbin: A lookup failed: ENOTFOUND');
    expect(addresses(JSON.parse(r.stdout) as { endpoints: JsonObject[] }, 'default/httpbin/8080')).toEqual([]);
  });
});
