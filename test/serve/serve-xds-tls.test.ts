// `tether serve` with and without xDS TLS: a plaintext xDS address beyond loopback draws a warning
// at start, loopback does not; TLS files that do not load stop the start with a message naming them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { DirectoryCertStore } from '../../src/certs/cert-store.ts';
import { ensureCertificates } from '../../src/certs/ensure-certificates.ts';
import { repoRoot } from '../cli/run-cli.ts';

function capture(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const source = join(repoRoot, 'examples', 'default');

describe('serve: the xDS channel at start', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-serve-tls-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['0.0.0.0:0', true],
    ['127.0.0.1:0', false],
  ])('plaintext on %s warns: %s', async (xdsAddress, warns) => {
    const { logger, lines } = capture();
    const app = await startApp(loadConfig({ source, xdsAddress, adminAddress: '127.0.0.1:0' }), { logger, processMetrics: false });
    await app.stop();
    expect(lines.some((l) => l.level === 40 && l.msg.includes('xDS is plaintext and unauthenticated'))).toBe(warns);
  });

  it('serves TLS without the warning, and refuses to start with files that do not load', async () => {
    await ensureCertificates(new DirectoryCertStore(dir), { dnsNames: ['localhost'], ipAddresses: [], gateways: [], fleet: false, now: new Date(), caValidityDays: 10, validityDays: 5, renewWithinDays: 1 });
    const files = { xdsTlsCert: join(dir, 'server', 'tls.crt'), xdsTlsKey: join(dir, 'server', 'tls.key'), xdsClientCa: join(dir, 'server', 'ca.crt') };
    const { logger, lines } = capture();
    const app = await startApp(loadConfig({ source, xdsAddress: '0.0.0.0:0', adminAddress: '127.0.0.1:0', ...files }), { logger, processMetrics: false });
    await app.stop();
    expect(lines.some((l) => l.msg.includes('plaintext'))).toBe(false);

    const wrongKey = { ...files, xdsTlsKey: join(dir, 'ca', 'tls.key') };
    await expect(startApp(loadConfig({ source, xdsAddress: '127.0.0.1:0', adminAddress: '127.0.0.1:0', ...wrongKey }), { logger, processMetrics: false })).rejects.toThrow(/xDS TLS: cannot load --xds-tls-cert .*--xds-tls-key .*ca\/tls\.key/);
    const missing = { ...files, xdsClientCa: join(dir, 'nope.crt') };
    await expect(startApp(loadConfig({ source, xdsAddress: '127.0.0.1:0', adminAddress: '127.0.0.1:0', ...missing }), { logger, processMetrics: false })).rejects.toThrow(/nope\.crt/);
  });
});
