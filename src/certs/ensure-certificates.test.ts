import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryCertStore, MemoryCertStore } from './cert-store.ts';
import { ensureCertificates, type CertsRequest } from './ensure-certificates.ts';

const DAY = 86_400_000;
const T0 = new Date('2030-01-01T00:00:00Z');
const req = (over: Partial<CertsRequest> = {}): CertsRequest => ({
  dnsNames: ['tether', 'localhost'],
  ipAddresses: ['127.0.0.1'],
  gateways: ['default/gw'],
  fleet: false,
  now: T0,
  caValidityDays: 3650,
  validityDays: 90,
  renewWithinDays: 30,
  ...over,
});
const byId = (actions: { id: string; action: string }[]): Record<string, string> => Object.fromEntries(actions.map((a) => [a.id, a.action]));

describe('ensureCertificates', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates a CA, a server and a client certificate with the asked names, keys mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-certs-'));
    dirs.push(dir);
    const store = new DirectoryCertStore(dir);
    const actions = await ensureCertificates(store, req({ fleet: true }));
    expect(byId(actions)).toEqual({ ca: 'created', server: 'created', 'gateway/default/gw': 'created', fleet: 'created' });
    const server = new X509Certificate((await store.read('server'))!['tls.crt']);
    const ca = new X509Certificate((await store.read('ca'))!['tls.crt']);
    expect(server.subjectAltName).toBe('DNS:tether, DNS:localhost, IP Address:127.0.0.1');
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(new Date(server.validTo).getTime()).toBe(T0.getTime() + 90 * DAY);
    const client = new X509Certificate((await store.read('gateway/default/gw'))!['tls.crt']);
    expect(client.subjectAltName).toBe('URI:tether://gateway/default/gw');
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(new X509Certificate((await store.read('fleet'))!['tls.crt']).subjectAltName).toBe('URI:tether://gateway/*');
    for (const id of ['ca', 'server', 'gateway/default/gw']) {
      expect(statSync(store.pathOf(id, 'tls.key')).mode & 0o777).toBe(0o600);
      expect(statSync(store.pathOf(id, 'tls.crt')).mode & 0o777).toBe(0o644);
    }
  });

  it('keeps valid certificates and renews those within the window, changed ones and new Gateways', async () => {
    const store = new MemoryCertStore();
    await ensureCertificates(store, req());
    const first = structuredClone(Object.fromEntries(store.bundles));
    expect(byId(await ensureCertificates(store, req({ now: new Date(T0.getTime() + 59 * DAY) })))).toEqual({ ca: 'kept', server: 'kept', 'gateway/default/gw': 'kept' });
    expect(store.bundles.get('server')).toEqual(first.server);

    const renewed = await ensureCertificates(store, req({ now: new Date(T0.getTime() + 61 * DAY), dnsNames: ['tether', 'localhost'], gateways: ['default/gw', 'b/gw'] }));
    expect(byId(renewed)).toEqual({ ca: 'kept', server: 'renewed', 'gateway/default/gw': 'renewed', 'gateway/b/gw': 'created' });
    expect(renewed.find((a) => a.id === 'server')?.reason).toMatch(/^expires 2030-04-01/);
    expect(store.bundles.get('server')!['tls.key']).not.toBe(first.server['tls.key']);

    const names = await ensureCertificates(store, req({ now: new Date(T0.getTime() + 61 * DAY), dnsNames: ['tether.example'], ipAddresses: [] }));
    expect(names.find((a) => a.id === 'server')).toMatchObject({ action: 'renewed', reason: 'its names differ from those asked for' });
  });

  it('renews an expiring CA, re-issues everything it signed and keeps trusting the old CA until it expires', async () => {
    const store = new MemoryCertStore();
    await ensureCertificates(store, req({ caValidityDays: 60 }));
    const oldCa = store.bundles.get('ca')!['tls.crt'];
    const actions = await ensureCertificates(store, req({ now: new Date(T0.getTime() + 40 * DAY), caValidityDays: 3650 }));
    expect(byId(actions)).toEqual({ ca: 'renewed', server: 'renewed', 'gateway/default/gw': 'renewed' });
    const newCa = store.bundles.get('ca')!['tls.crt'];
    expect(store.bundles.get('server')!['ca.crt']).toBe(newCa + oldCa);
    expect(new X509Certificate(store.bundles.get('server')!['tls.crt']).checkIssued(new X509Certificate(newCa))).toBe(true);
  });

  it('rejects a Gateway that is not namespace/name', async () => {
    await expect(ensureCertificates(new MemoryCertStore(), req({ gateways: ['gw'] }))).rejects.toThrow(/--gateway "gw"/);
  });
});
