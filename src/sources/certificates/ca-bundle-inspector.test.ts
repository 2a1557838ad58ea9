import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { CaBundleInspector, inspectCaBundles } from './ca-bundle-inspector.ts';

const tls = (file: string) => readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'support', 'tls', file), 'utf8');
const configMap = (name: string, data?: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, ...(data ? { data } : {}) });

describe('CA bundles of ConfigMaps', () => {
  it('parses every certificate of ca.crt and keeps the PEM text', () => {
    const pem = tls('test-only-conformance.crt') + tls('test-only-other.crt');
    const check = inspectCaBundles([configMap('ca', { 'ca.crt': pem })]).get('ns/ca');
    expect(check?.ok).toBe(true);
    if (!check?.ok) return;
    expect(check.certificates).toHaveLength(2);
    expect(check.certificates[0]?.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(check.pem).toBe(pem);
  });

  it('says what is wrong with a bundle, and never accepts a private key in it', () => {
    const book = inspectCaBundles([
      configMap('none'),
      configMap('other-key', { 'ca.pem': tls('test-only-conformance.crt') }),
      configMap('garbage', { 'ca.crt': 'Hello world\n' }),
      configMap('broken', { 'ca.crt': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }),
      configMap('with-key', { 'ca.crt': tls('test-only-conformance.crt') + tls('test-only-conformance.key') }),
    ]);
    expect(book.get('ns/none')).toEqual({ ok: false, problem: 'has no key ca.crt' });
    expect(book.get('ns/other-key')).toEqual({ ok: false, problem: 'has no key ca.crt' });
    expect(book.get('ns/garbage')).toEqual({ ok: false, problem: 'ca.crt holds no PEM certificate' });
    expect(book.get('ns/broken')).toMatchObject({ ok: false, problem: expect.stringContaining('ca.crt is not a valid PEM certificate bundle') });
    const withKey = book.get('ns/with-key');
    expect(withKey).toMatchObject({ ok: false, problem: expect.stringContaining('holds PEM blocks other than certificates') });
    expect(JSON.stringify(withKey)).not.toContain('PRIVATE KEY-----\n');
  });

  it('re-parses only what changed and forgets ConfigMaps that are gone', () => {
    const inspector = new CaBundleInspector();
    const a = configMap('a', { 'ca.crt': tls('test-only-conformance.crt') });
    const first = inspector.inspect([a, configMap('b', { 'ca.crt': 'x' })]).get('ns/a');
    expect(inspector.inspect([a]).get('ns/a')).toBe(first);
    const changed = inspector.inspect([configMap('a', { 'ca.crt': tls('test-only-other.crt') })]).get('ns/a');
    expect(changed).not.toBe(first);
    expect(inspector.inspect([]).size).toBe(0);
  });
});
