// The Secret store against a real HTTP API server in the test process (test/support/fake-apiserver.ts).
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../test/support/fake-apiserver.ts';
import { SecretCertStore, secretManifest, secretNameOf } from './cert-secrets.ts';
import { ensureCertificates, type CertsRequest } from './ensure-certificates.ts';

const req = (now: Date, renewWithinDays = 30): CertsRequest => ({
  dnsNames: ['tether.tether-system.svc'],
  ipAddresses: [],
  gateways: ['tether-demo/demo-gateway'],
  fleet: false,
  now,
  caValidityDays: 3650,
  validityDays: 365,
  renewWithinDays,
});

describe('certificates as Kubernetes Secrets', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await FakeApiServer.start({ resources: [{ group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, statusSubresource: false }] });
  });
  afterAll(() => api.close());

  it('names one Secret per bundle, without collisions between Gateways', () => {
    expect(['ca', 'server', 'fleet', 'gateway/a-b/c', 'gateway/a/b-c'].map(secretNameOf)).toEqual([
      'tether-xds-ca',
      'tether-xds-server',
      'tether-xds-client-fleet',
      'tether-xds-client.a-b.c',
      'tether-xds-client.a.b-c',
    ]);
  });

  it('creates the Secrets, keeps them on a second run and renews them in place', async () => {
    const store = new SecretCertStore(api.kubeConfig(), 'tether-system');
    const now = new Date();
    const created = await ensureCertificates(store, req(now));
    expect(created.map((a) => a.action)).toEqual(['created', 'created', 'created']);
    const secret = api.get('v1', 'Secret', 'tether-xds-client.tether-demo.demo-gateway', 'tether-system');
    expect(secret?.type).toBe('kubernetes.io/tls');
    const data = secret?.data as Record<string, string>;
    expect(new X509Certificate(Buffer.from(data['tls.crt'], 'base64')).subjectAltName).toBe('URI:tether://gateway/tether-demo/demo-gateway');
    expect(Object.keys(data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);

    expect((await ensureCertificates(store, req(now))).map((a) => a.action)).toEqual(['kept', 'kept', 'kept']);
    const renewed = await ensureCertificates(store, req(now, 400));
    expect(renewed.map((a) => a.action)).toEqual(['kept', 'renewed', 'renewed']);
    const after = api.get('v1', 'Secret', 'tether-xds-server', 'tether-system')?.data as Record<string, string>;
    expect(after['tls.key']).not.toBe(data['tls.key']);
  });

  it('renders a manifest with base64 data', () => {
    const m = secretManifest('server', { 'tls.crt': 'C', 'tls.key': 'K', 'ca.crt': 'A' }, 'ns');
    expect(m).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'tether-xds-server', namespace: 'ns' }, data: { 'tls.crt': 'Qw==', 'tls.key': 'Sw==', 'ca.crt': 'QQ==' } });
  });
});
