// `tether translate` on Gateways with HTTPS listeners: strict-valid listeners, Secrets shown by what
// identifies them and never with a private key, the summary table with HTTPS routes and cookie
// attributes, and a refusal to print a static bootstrap that would need the keys.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { RESOURCE_KINDS, type ResourceKey } from '../../src/codec/resource-kinds.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot, runTether } from './run-cli.ts';

const testdata = join(repoRoot, 'src', 'translate', 'testdata');

describe('tether translate with HTTPS listeners', () => {
  it('prints strict-valid resources and redacted Secrets that identify their certificates', async () => {
    const r = await runTether(['translate', '-f', join(testdata, 'https-single-hostname.in.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('PRIVATE KEY');
    expect(r.stderr).not.toContain('PRIVATE KEY');
    const out = JSON.parse(r.stdout) as Partial<Record<ResourceKey, JsonObject[]>>;
    const secrets = out.secrets ?? [];
    expect(secrets.map((s) => s['name'])).toEqual(['default/example-ecdsa', 'default/example-rsa']);
    const shown = JSON.stringify(secrets);
    expect(shown).toContain('[redacted]');
    expect(shown).toMatch(/CN=example\.com; DNS example\.com, www\.example\.com; not after 21\d\d-[^;]+; SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    const stripped: Partial<Record<ResourceKey, JsonObject[]>> = {};
    for (const { key } of RESOURCE_KINDS) stripped[key] = (out[key] ?? []).map(({ '@type': _t, ...rest }) => rest);
    expectValidEnvoyResources(stripped);
  });

  it('lists HTTPS routes and their cookie attributes in the summary', async () => {
    const r = await runTether(['translate', '-f', join(testdata, 'https-with-http-redirect.in.yaml'), '-o', 'summary']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const shop = lines.filter((l) => l.includes('HTTPRoute default/shop'));
    expect(shop.find((l) => l.includes('default/web:443'))).toContain('cookie shop (SameSite=Lax, Secure)');
    expect(shop.find((l) => l.includes('default/web:80'))).not.toMatch(/Secure|SameSite/);
    expect(lines.find((l) => l.includes('HTTPRoute default/strict') && l.includes(':443'))).toContain('cookie strict-session (SameSite=Strict)');
  });

  it('flags in the summary table a certificate served for a hostname its names do not cover (expiry is judged at the moment translate runs)', async () => {
    const r = await runTether(['translate', '-f', join(testdata, 'https-bad-certificates.in.yaml'), '-o', 'summary']);
    expect(r.code).toBe(0);
    const header = r.stdout.split('\n')[0] ?? '';
    const row = r.stdout.split('\n').find((l) => l.includes('host www.example.org'));
    expect(row?.slice(header.indexOf('WARNINGS'))).toMatch(/^certificate default\/good names do not cover the hostname\s/);
    expect(r.stdout.split('\n').find((l) => l.includes('host example.com '))?.slice(header.indexOf('WARNINGS'))).toMatch(/^-\s/);
  });

  it('refuses --bootstrap for a Gateway whose listeners need private keys', async () => {
    const r = await runTether(['translate', '-f', join(testdata, 'https-single-hostname.in.yaml'), '--bootstrap']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('has HTTPS listeners');
    expect(r.stderr).not.toContain('PRIVATE KEY');
  });
});
