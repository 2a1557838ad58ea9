// `tether certs` as a process: files with their modes, a second run that keeps them, a renewal
// window that re-issues them, Secret manifests, and clear usage errors.
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
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

  describe('--listener-secret', () => {
    const manifest = (d: string): string => join(d, 'default.demo-tls.yaml');
    const read = async (d: string): Promise<{ kind: string; type: string; metadata: { name: string; namespace: string }; data: Record<string, string> }> =>
      parse(await readFile(manifest(d), 'utf8')) as { kind: string; type: string; metadata: { name: string; namespace: string }; data: Record<string, string> };
    const pemOf = (m: { data: Record<string, string> }, k: string): string => Buffer.from(m.data[k] ?? '', 'base64').toString();

    it('writes a self-signed serving certificate as a kubernetes.io/tls Secret manifest (mode 0600) that Tether resolves', async () => {
      const out = join(dir, 'listener');
      const r = await runTether(['certs', '--no-xds', '--listener-secret', 'default/demo-tls', '--listener-dns-name', 'localhost', '--listener-dns-name', 'demo.example', '--listener-secret-dir', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^listener\/default\/demo-tls\s+created\s+\d{4}-\d\d-\d\d\s+\S+default\.demo-tls\.yaml$/m);
      expect(r.stdout).not.toMatch(/^ca\s/m); // --no-xds: no xDS certificates
      expect((await stat(manifest(out))).mode & 0o777).toBe(0o600);
      const m = await read(out);
      expect(m).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'demo-tls', namespace: 'default' } });
      const cert = new X509Certificate(pemOf(m, 'tls.crt'));
      expect(cert.subjectAltName).toBe('DNS:localhost, DNS:demo.example');
      expect(cert.ca).toBe(false);
      expect(cert.issuer).toBe(cert.subject); // self-signed: its own key signed it
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.checkHost('demo.example')).toBe('demo.example');
      // The key belongs to the certificate: a TLS context accepts the pair.
      expect(() => createSecureContext({ cert: pemOf(m, 'tls.crt'), key: pemOf(m, 'tls.key') })).not.toThrow();

      // A Gateway listener naming it resolves, served over SDS with its key redacted in the output.
      const gateway = join(dir, 'listener-gateway.yaml');
      await writeFile(gateway, LISTENER_GATEWAY);
      const t = await runTether(['translate', '-f', gateway, '-f', out]);
      expect(t.code).toBe(0);
      expect(t.stdout).not.toContain('PRIVATE KEY');
      const status = (JSON.parse(t.stdout) as { status: { kind: string; listeners?: { name: string; conditions: { type: string; status: string }[] }[] }[] }).status;
      const https = status.find((s) => s.kind === 'Gateway')?.listeners?.find((l) => l.name === 'https');
      expect(https?.conditions.find((c) => c.type === 'ResolvedRefs')?.status).toBe('True');
      expect(https?.conditions.find((c) => c.type === 'Programmed')?.status).toBe('True');
    });

    it('keeps a valid certificate, and issues again when its names change or it expires within the window', async () => {
      const out = join(dir, 'listener-renew');
      const args = ['certs', '--no-xds', '--listener-secret', 'default/demo-tls', '--listener-secret-dir', out];
      expect((await runTether(args)).code).toBe(0);
      const first = await readFile(manifest(out), 'utf8');
      const kept = await runTether(args);
      expect(kept.stdout).toMatch(/^listener\/default\/demo-tls\s+kept\s/m);
      expect(await readFile(manifest(out), 'utf8')).toBe(first);
      const renamed = await runTether([...args, '--listener-dns-name', 'other.example']);
      expect(renamed.stdout).toMatch(/renewed \(its names differ from those asked for\)/);
      expect(new X509Certificate(pemOf(await read(out), 'tls.crt')).subjectAltName).toBe('DNS:other.example');
      const soon = await runTether([...args, '--listener-dns-name', 'other.example', '--renew-within-days', '400']);
      expect(soon.stdout).toMatch(/renewed \(expires /);
    });

    it('makes the xDS certificates too without --no-xds', async () => {
      const xds = join(dir, 'both');
      const r = await runTether(['certs', '--dir', xds, '--gateway', 'default/demo-gateway', '--listener-secret', 'default/demo-tls', '--listener-secret-dir', join(xds, 'listener')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ca\s+created/m);
      expect(r.stdout).toMatch(/^listener\/default\/demo-tls\s+created/m);
      expect((await stat(manifest(join(xds, 'listener')))).isFile()).toBe(true);
    });

    it('refuses half-given or malformed listener flags (exit 2)', async () => {
      const cases: [string[], string][] = [
        [['--no-xds'], '--no-xds needs --listener-secret'],
        [['--listener-secret', 'default/x'], '--listener-secret needs --listener-secret-dir'],
        [['--listener-secret', 'x', '--listener-secret-dir', dir], '--listener-secret "x" is not namespace/name'],
        [['--listener-dns-name', 'a.example'], '--listener-dns-name and --listener-secret-dir need --listener-secret'],
      ];
      for (const [args, message] of cases) {
        const r = await runTether(['certs', '--dir', join(dir, 'unused'), ...args]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toContain(message);
      }
    });
  });
});

const LISTENER_GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tether }
spec: { controllerName: tether.dev/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: demo, namespace: default }
spec:
  gatewayClassName: tether
  listeners:
    - name: https
      protocol: HTTPS
      port: 8443
      hostname: demo.example
      tls:
        certificateRefs: [{ name: demo-tls }]
`
