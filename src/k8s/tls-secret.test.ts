import { describe, expect, it } from 'vitest';
import { parseTlsSecret } from './tls-secret.ts';

const secret = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, type: 'kubernetes.io/tls', ...fields });

describe('parseTlsSecret', () => {
  it('decodes base64 data, as the API server gives it (line breaks allowed)', () => {
    const crt = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
    const b64 = btoa(crt);
    const s = parseTlsSecret(secret({ data: { 'tls.crt': `${b64.slice(0, 10)}\n${b64.slice(10)}`, 'tls.key': btoa('key') } }));
    expect(s).toEqual({ namespace: 'ns', name: 's', type: 'kubernetes.io/tls', certificateChain: crt, privateKey: 'key', problems: [] });
  });

  it('prefers stringData, as the API server does when it merges them', () => {
    const s = parseTlsSecret(secret({ data: { 'tls.crt': btoa('old') }, stringData: { 'tls.crt': 'new' } }));
    expect(s.certificateChain).toBe('new');
  });

  it('names a key whose value is not base64, and leaves absent keys absent', () => {
    const s = parseTlsSecret(secret({ data: { 'tls.crt': 'not base64!' } }));
    expect(s.problems).toEqual(['data["tls.crt"] is not base64']);
    expect(s.certificateChain).toBeUndefined();
    expect(s.privateKey).toBeUndefined();
  });

  it('reads the type as written, Opaque when absent', () => {
    expect(parseTlsSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' } }).type).toBe('Opaque');
  });
});
