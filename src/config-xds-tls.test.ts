import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadConfig } from './config.ts';

describe('xDS TLS settings', () => {
  it('is plaintext unless the three files are given', () => {
    expect(loadConfig({}).xdsTls).toBeUndefined();
  });

  it('reads flags over environment variables, paths relative to the working directory', () => {
    const env = { TETHER_XDS_TLS_CERT: '/env/tls.crt', TETHER_XDS_TLS_KEY: '/env/tls.key', TETHER_XDS_CLIENT_CA: '/env/ca.crt' };
    expect(loadConfig({}, env).xdsTls).toEqual({ certFile: '/env/tls.crt', keyFile: '/env/tls.key', clientCaFile: '/env/ca.crt', allowFleetCertificates: false, reloadIntervalMs: 5_000 });
    const fromFlags = loadConfig({ xdsTlsCert: 'c.pem', xdsAllowFleetCertificates: true }, env, '/srv');
    expect(fromFlags.xdsTls).toMatchObject({ certFile: '/srv/c.pem', keyFile: '/env/tls.key', allowFleetCertificates: true });
    expect(loadConfig({}, { ...env, TETHER_XDS_ALLOW_FLEET_CERTIFICATES: 'true' }).xdsTls?.allowFleetCertificates).toBe(true);
  });

  it('refuses half a TLS setup, a fleet option without TLS, and a bad boolean', () => {
    expect(() => loadConfig({ xdsTlsCert: 'c', xdsTlsKey: 'k' })).toThrow(/missing --xds-client-ca/);
    expect(() => loadConfig({ xdsAllowFleetCertificates: true })).toThrow(/needs xDS over TLS/);
    expect(() => loadConfig({}, { TETHER_XDS_ALLOW_FLEET_CERTIFICATES: 'yes' })).toThrow(/TETHER_XDS_ALLOW_FLEET_CERTIFICATES/);
  });

  it('knows which addresses are loopback (plaintext there draws no warning)', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'tether'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
