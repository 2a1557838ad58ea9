// xDS over mutual TLS on loopback, with certificates made by `tether certs`' own code: the
// Envoy-like client and a plain @grpc/grpc-js client are accepted with a right certificate, refused
// without one, with another CA's, with an expired one, or with another Gateway's identity
// (PERMISSION_DENIED); a rotated server certificate keeps open streams and is used for new connections.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { DirectoryCertStore, type CertBundle } from '../../src/certs/cert-store.ts';
import { ensureCertificates, type CertsRequest } from '../../src/certs/ensure-certificates.ts';
import { issueCa, issueLeaf } from '../../src/certs/issue-certificate.ts';
import { XdsTlsCredentials } from '../../src/xds/xds-tls-credentials.ts';
import { TypeUrl } from '../../src/xds/resource-types.ts';
import { FakeEnvoy, RawXdsStream } from '../support/fake-envoy.ts';
import { gatewaySnapshot, startHarness, type Harness } from './xds-fixtures.ts';

const GW = 'default/gw';
const OTHER = 'other/gw2';
const DAY = 86_400_000;

let dir: string;
let store: DirectoryCertStore;
const request = (now = new Date(), over: Partial<CertsRequest> = {}): CertsRequest => ({
  dnsNames: ['localhost'],
  ipAddresses: ['127.0.0.1'],
  gateways: [GW, OTHER],
  fleet: true,
  now,
  caValidityDays: 3650,
  validityDays: 365,
  renewWithinDays: 30,
  ...over,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tether-mtls-'));
  store = new DirectoryCertStore(dir);
  await ensureCertificates(store, request());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bundle(id: string): Promise<CertBundle> {
  const b = await store.read(id);
  if (!b) throw new Error(`no ${id}`);
  return b;
}

function clientCredentials(b: { ca: string; cert?: string; key?: string }): grpc.ChannelCredentials {
  return b.cert && b.key ? grpc.credentials.createSsl(Buffer.from(b.ca), Buffer.from(b.key), Buffer.from(b.cert)) : grpc.credentials.createSsl(Buffer.from(b.ca));
}

async function gatewayCredentials(id: string): Promise<grpc.ChannelCredentials> {
  const b = await bundle(id);
  return clientCredentials({ ca: b['ca.crt'], cert: b['tls.crt'], key: b['tls.key'] });
}

const open: { close(): void }[] = [];
let harness: Harness | undefined;
let tls: XdsTlsCredentials | undefined;
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await harness?.stop();
  tls?.close();
  harness = undefined;
  tls = undefined;
});

async function startTlsServer(allowFleetCertificates = false, serverDir = dir): Promise<Harness> {
  const files = { certFile: join(serverDir, 'server', 'tls.crt'), keyFile: join(serverDir, 'server', 'tls.key'), clientCaFile: join(serverDir, 'server', 'ca.crt') };
  tls = new XdsTlsCredentials(files, pino({ level: 'silent' }), 50);
  harness = await startHarness({ tls: { credentials: tls.credentials, allowFleetCertificates } });
  harness.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'web' }]));
  harness.set(OTHER, gatewaySnapshot([{ prefix: '/', cluster: 'secret-app' }]));
  return harness;
}

function envoy(h: Harness, credentials: grpc.ChannelCredentials, cluster = GW, protocol: 'sotw' | 'delta' = 'delta'): FakeEnvoy {
  const e = new FakeEnvoy({ address: h.address, nodeId: 'envoy-1', cluster, protocol, credentials });
  open.push(e);
  e.start();
  return e;
}

/** A bare @grpc/grpc-js ADS call that sends one CDS request; resolves with how it ended. */
async function rawAttempt(h: Harness, credentials: grpc.ChannelCredentials, cluster: string): Promise<{ code: grpc.status; details: string; responses: number }> {
  const raw = new RawXdsStream(h.address, 'sotw', undefined, credentials);
  open.push(raw);
  raw.send({ node: { id: 'raw', cluster }, type_url: TypeUrl.cluster });
  const end = await raw.ended;
  return { code: end.code, details: end.details, responses: raw.received.length };
}

describe('xDS over mutual TLS', () => {
  it.each(['sotw', 'delta'] as const)('serves a client whose certificate names its Gateway (%s)', async (protocol) => {
    const h = await startTlsServer();
    const e = envoy(h, await gatewayCredentials(`gateway/${GW}`), GW, protocol);
    await e.waitFor(() => e.activeClusters.has('web') && e.activeListeners.size === 1, 'the Gateway config');
    expect([...e.activeClusters.keys()]).toEqual(['web']);
    expect(h.server.counters().streamsDenied).toBe(0);
  });

  it('refuses a client without a certificate, with another CA\'s, and with an expired one', async () => {
    const h = await startTlsServer();
    const ours = await bundle('ca');
    const now = Date.now();
    const otherCa = await issueCa('Another CA', { notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    const foreign = await issueLeaf(otherCa, { commonName: 'x', usage: 'client', uris: [`tether://gateway/${GW}`], notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    const expired = await issueLeaf({ certPem: ours['tls.crt'], keyPem: ours['tls.key'] }, { commonName: 'x', usage: 'client', uris: [`tether://gateway/${GW}`], notBefore: new Date(now - 3 * DAY), notAfter: new Date(now - DAY) });
    const ca = ours['ca.crt'];
    for (const creds of [clientCredentials({ ca }), clientCredentials({ ca, cert: foreign.certPem, key: foreign.keyPem }), clientCredentials({ ca, cert: expired.certPem, key: expired.keyPem })]) {
      const r = await rawAttempt(h, creds, GW);
      expect(r.code).toBe(grpc.status.UNAVAILABLE);
      expect(r.responses).toBe(0);
    }
    // The same CA and Gateway with a valid certificate gets through on the same server.
    const ok = envoy(h, await gatewayCredentials(`gateway/${GW}`));
    await ok.waitFor(() => ok.activeClusters.has('web'), 'the Gateway config');
  });

  it('refuses a stream whose node.cluster is another Gateway (PERMISSION_DENIED), logs and counts it', async () => {
    const h = await startTlsServer();
    const r = await rawAttempt(h, await gatewayCredentials(`gateway/${GW}`), OTHER);
    expect(r.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(r.details).toContain(`node.cluster "${OTHER}"`);
    expect(r.responses).toBe(0);
    expect(h.server.counters().streamsDenied).toBe(1);
    expect(h.logs.some((l) => l.level === 40 && l.msg.startsWith('xDS stream refused') && l.gateway === OTHER)).toBe(true);
    // The denied stream was never bound: no admin entry, no open-stream count.
    expect(h.server.clients()).toEqual([]);
    expect(h.server.counters().streamsOpened).toBe(0);
  });

  it('accepts a fleet-wide certificate only when allowed', async () => {
    const h = await startTlsServer(false);
    const refused = await rawAttempt(h, await gatewayCredentials('fleet'), GW);
    expect(refused.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(refused.details).toContain('fleet-wide');
    await h.stop();
    tls?.close();
    const allowed = await startTlsServer(true);
    const e = envoy(allowed, await gatewayCredentials('fleet'), OTHER, 'sotw');
    await e.waitFor(() => e.activeClusters.has('secret-app'), 'the other Gateway through a fleet certificate');
  });

  it('keeps an open stream across a server certificate rotation and uses the new certificate for new connections', async () => {
    // A folder of its own, rotated in place the way `tether certs` renews.
    const rotDir = mkdtempSync(join(tmpdir(), 'tether-mtls-rot-'));
    try {
      const rotStore = new DirectoryCertStore(rotDir);
      await ensureCertificates(rotStore, request());
      const h = await startTlsServer(false, rotDir);
      const before = (await rotStore.read('server'))!['tls.crt'];
      const client = (await rotStore.read(`gateway/${GW}`))!;
      const e = envoy(h, clientCredentials({ ca: client['ca.crt'], cert: client['tls.crt'], key: client['tls.key'] }));
      await e.waitFor(() => e.activeClusters.has('web'), 'the first config');

      // Renew with a window longer than the certificates' life: every leaf is due, the CA stays.
      const actions = await ensureCertificates(rotStore, request(new Date(), { renewWithinDays: 400 }));
      expect(actions.find((a) => a.id === 'server')?.action).toBe('renewed');
      expect(actions.find((a) => a.id === 'ca')?.action).toBe('kept');
      const after = (await rotStore.read('server'))!['tls.crt'];
      expect(after).not.toBe(before);
      // The server polls the files every 50 ms here; no reload is triggered by hand.
      await waitUntil(async () => (await servedCertificate(h.address, client)) === fingerprint(after), 'the new server certificate on new connections');

      // The old stream is still open and still receives pushes.
      h.set(GW, gatewaySnapshot([{ prefix: '/', cluster: 'web' }, { prefix: '/v2', cluster: 'web-v2' }]));
      await e.waitFor(() => e.activeClusters.has('web-v2'), 'a push on the stream opened before the rotation');
      expect(e.raw?.received.length).toBeGreaterThan(0);
      expect(h.server.counters().streamsClosed).toBe(0);
    } finally {
      rmSync(rotDir, { recursive: true, force: true });
    }
  });

  it('keeps serving with the previous certificate when a rotation leaves files that do not match', async () => {
    const h = await startTlsServer();
    const badDir = mkdtempSync(join(tmpdir(), 'tether-mtls-bad-'));
    try {
      const t = tls!;
      const other = await issueCa('unrelated', { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) });
      // Point a second provider at a cert whose key is another one: it refuses to start.
      writeFileSync(join(badDir, 'tls.crt'), (await bundle('server'))['tls.crt']);
      writeFileSync(join(badDir, 'tls.key'), other.keyPem);
      writeFileSync(join(badDir, 'ca.crt'), other.certPem);
      expect(() => new XdsTlsCredentials({ certFile: join(badDir, 'tls.crt'), keyFile: join(badDir, 'tls.key'), clientCaFile: join(badDir, 'ca.crt') }, pino({ level: 'silent' }))).toThrow(/--xds-tls-key/);
      expect(await t.reload()).toBe(false);
      const e = envoy(h, await gatewayCredentials(`gateway/${GW}`));
      await e.waitFor(() => e.activeClusters.has('web'), 'config with the unchanged certificate');
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
  });
});

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** The fingerprint of the certificate the server presents on a new TLS connection. */
function servedCertificate(address: string, client: CertBundle): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), ca: client['ca.crt'], cert: client['tls.crt'], key: client['tls.key'], ALPNProtocols: ['h2'], servername: 'localhost' }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fp);
    });
    socket.on('error', reject);
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
