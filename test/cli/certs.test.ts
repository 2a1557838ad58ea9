// `tether certs` as a process: files with their modes, a second run that keeps them, a renewal
// window that re-issues them, Secret manifests, and clear usage errors.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runTether } from './run-cli.ts';

describe('tether certs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-certs-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates, keeps, then renews within the window', async () => {
    const first = await runTether(['certs', '--dir', dir, '--gateway', 'default/demo-gateway']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^CERTIFICATE\s+ACTION\s+VALID UNTIL\s+WHERE$/m);
    expect(first.stdout).toMatch(/^gateway\/default\/demo-gateway\s+created\s+\d{4}-\d\d-\d\d\s+\S+gateway\/default\/demo-gateway\/$/m);
    const key = join(dir, 'gateway', 'default', 'demo-gateway', 'tls.key');
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    const server = new X509Certificate(await readFile(join(dir, 'server', 'tls.crt')));
    expect(server.subjectAltName).toContain('DNS:tether.tether-system.svc.cluster.local');
    expect(server.subjectAltName).toContain('DNS:localhost');

    const keyBefore = await readFile(key, 'utf8');
    const again = await runTether(['certs', '--dir', dir, '--gateway', 'default/demo-gateway']);
    expect(again.stdout.match(/ kept /g)).toHaveLength(3);
    expect(await readFile(key, 'utf8')).toBe(keyBefore);

    const renewed = await runTether(['certs', '--dir', dir, '--gateway', 'default/demo-gateway', '--renew-within-days', '400']);
    expect(renewed.stdout).toMatch(/^ca\s+kept/m);
    expect(renewed.stdout).toMatch(/^server\s+renewed \(expires /m);
    expect(await readFile(key, 'utf8')).not.toBe(keyBefore);
  });

  it('prints Secret manifests with -o yaml, the summary on stderr', async () => {
    const r = await runTether(['certs', '-o', 'yaml', '--gateway', 'a/b', '--namespace', 'ops']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; type: string; metadata: { name: string; namespace: string }; data: Record<string, string> });
    expect(docs.map((d) => d.metadata.name)).toEqual(['tether-xds-ca', 'tether-xds-server', 'tether-xds-client.a.b']);
    for (const d of docs) expect(d).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/tls', metadata: { namespace: 'ops' } });
    expect(Buffer.from(docs[2].data['tls.key'], 'base64').toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(r.stderr).toMatch(/^CERTIFICATE/);
  });

  it('refuses a Gateway that is not namespace/name (exit 2)', async () => {
    const r = await runTether(['certs', '--dir', dir, '--gateway', 'demo-gateway']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gateway "demo-gateway" is not namespace/name');
  });
});
