import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CertificateInspector } from './certificate-inspector.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'test', 'support', 'tls');
const pem = (name: string, ext: 'crt' | 'key'): string => readFileSync(join(dir, `test-only-${name}.${ext}`), 'utf8');
const secret = (name: string, crt: string, key: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': crt, 'tls.key': key } });

describe('CertificateInspector', () => {
  it('summarises a good certificate and keeps its PEM texts for SDS', () => {
    const book = new CertificateInspector().inspect([secret('a', pem('wildcard', 'crt'), pem('wildcard', 'key'))]);
    const check = book.get('ns/a');
    expect(check?.ok).toBe(true);
    if (!check?.ok) return;
    expect(check.summary).toMatchObject({ subject: 'CN=*.example.com', dnsNames: ['*.example.com'], keyType: 'ec' });
    expect(check.summary.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(check.privateKey).toBe(pem('wildcard', 'key'));
  });

  it('reads the leaf of a chain and checks the key against it', () => {
    const chain = pem('example-rsa', 'crt') + pem('other', 'crt');
    const good = new CertificateInspector().inspect([secret('a', chain, pem('example-rsa', 'key'))]).get('ns/a');
    expect(good?.ok && good.summary.dnsNames).toEqual(['example.com', 'www.example.com']);
    const bad = new CertificateInspector().inspect([secret('a', chain, pem('other', 'key'))]).get('ns/a');
    expect(bad).toEqual({ ok: false, problem: 'tls.key does not match the certificate in tls.crt (CN=example.com)' });
  });

  it('never puts key material in a problem', () => {
    const broken = pem('example-rsa', 'key').replace(/[A-Za-z0-9+/]{20}/, '%%%%');
    const check = new CertificateInspector().inspect([secret('a', pem('example-rsa', 'crt'), broken)]).get('ns/a');
    expect(check?.ok).toBe(false);
    if (check?.ok !== false) return;
    expect(check.problem).toMatch(/^tls\.key is not a valid PEM private key/);
    for (const line of broken.split('\n').filter((l) => l.length > 20)) expect(check.problem).not.toContain(line);
  });

  it('re-parses only a Secret whose PEM changed, and forgets Secrets that are gone', () => {
    const inspector = new CertificateInspector();
    const first = inspector.inspect([secret('a', pem('example-ecdsa', 'crt'), pem('example-ecdsa', 'key')), secret('b', pem('other', 'crt'), pem('other', 'key'))]);
    const again = inspector.inspect([secret('a', pem('example-ecdsa', 'crt'), pem('example-ecdsa', 'key')), secret('b', pem('rotated', 'crt'), pem('rotated', 'key'))]);
    expect(again.get('ns/a')).toBe(first.get('ns/a'));
    expect(again.get('ns/b')).not.toBe(first.get('ns/b'));
    expect([...inspector.inspect([]).keys()]).toEqual([]);
  });
});
