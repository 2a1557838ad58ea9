import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SOURCE_DIR, LIMIT_ENV, loadConfig, parseHostPort } from './config.ts';
import { DEFAULT_XDS_LIMITS } from './xds/xds-limits.ts';
import { existsSync } from 'node:fs';

describe('loadConfig', () => {
  it('defaults to the bundled example folder and the documented addresses', () => {
    const c = loadConfig({});
    expect(c.source).toEqual({ type: 'directory', path: DEFAULT_SOURCE_DIR });
    expect(existsSync(DEFAULT_SOURCE_DIR)).toBe(true);
    expect(DEFAULT_SOURCE_DIR).toMatch(/examples\/default$/);
    expect(c.xdsAddress).toEqual({ host: '0.0.0.0', port: 18000 });
    expect(c.adminAddress).toEqual({ host: '127.0.0.1', port: 9901 });
    expect(c.adminTokenFile).toBeUndefined();
    expect(loadConfig({}, { TETHER_ADMIN_TOKEN_FILE: 'token' }, '/etc/tether').adminTokenFile).toBe('/etc/tether/token');
    expect(loadConfig({ adminTokenFile: '/run/t' }, { TETHER_ADMIN_TOKEN_FILE: 'token' }).adminTokenFile).toBe('/run/t');
    expect(c.logLevel).toBe('info');
    expect(c.namespaces).toEqual([]);
    expect(c.debounce).toEqual({ quietMs: 10, maxMs: 100 });
  });

  it('takes flags over environment variables over defaults', () => {
    const env = { TETHER_SOURCE: 'kubernetes', TETHER_XDS_ADDRESS: '127.0.0.1:1', TETHER_LOG_LEVEL: 'debug', TETHER_NAMESPACES: 'a, b,,a' };
    const fromEnv = loadConfig({}, env);
    expect(fromEnv.source).toEqual({ type: 'kubernetes' });
    expect(fromEnv.xdsAddress).toEqual({ host: '127.0.0.1', port: 1 });
    expect(fromEnv.logLevel).toBe('debug');
    expect(fromEnv.namespaces).toEqual(['a', 'b']);
    const fromFlags = loadConfig({ source: 'manifests', xdsAddress: '[::1]:2', logLevel: 'warn', namespace: ['x', 'y,z'] }, env, '/srv');
    expect(fromFlags.source).toEqual({ type: 'directory', path: '/srv/manifests' });
    expect(fromFlags.xdsAddress).toEqual({ host: '::1', port: 2 });
    expect(fromFlags.logLevel).toBe('warn');
    expect(fromFlags.namespaces).toEqual(['x', 'y', 'z']);
  });

  it('rejects a bad log level and bad addresses, naming the flag', () => {
    expect(() => loadConfig({ logLevel: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ logLevel: 'loud' })).toThrow(/--log-level: "loud"/);
    expect(() => loadConfig({ adminAddress: 'localhost' })).toThrow(/--admin-address: "localhost" is not host:port/);
    expect(() => loadConfig({ xdsAddress: '1.2.3.4:70000' })).toThrow(/--xds-address/);
  });

  it('takes the xDS limits from their defaults, each overridable by its environment variable', () => {
    expect(loadConfig({}).xdsLimits).toEqual(DEFAULT_XDS_LIMITS);
    const c = loadConfig({}, { [LIMIT_ENV.maxStreams]: '50', [LIMIT_ENV.maxNackMessageBytes]: '100' });
    expect(c.xdsLimits).toEqual({ ...DEFAULT_XDS_LIMITS, maxStreams: 50, maxNackMessageBytes: 100 });
    expect(() => loadConfig({}, { TETHER_XDS_MAX_STREAMS: '0' })).toThrow(/TETHER_XDS_MAX_STREAMS: "0" is not a positive whole number/);
    expect(() => loadConfig({}, { TETHER_XDS_MAX_REQUEST_BYTES: '1e3x' })).toThrow(ConfigError);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['0.0.0.0:18000', { host: '0.0.0.0', port: 18000 }],
    [':9901', { host: '0.0.0.0', port: 9901 }],
    ['9901', { host: '0.0.0.0', port: 9901 }],
    ['[::]:18000', { host: '::', port: 18000 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('%s', (text, expected) => {
    expect(parseHostPort(text, 'x')).toEqual(expected);
  });
});

describe('provisioning', () => {
  it('is on by default with the Kubernetes source, off with --no-provision or TETHER_PROVISION=false, never for a folder', () => {
    expect(loadConfig({ source: 'kubernetes' }, { POD_NAMESPACE: 'edge-system' }).provision).toEqual({ enabled: true, namespace: 'edge-system' });
    // Commander passes provision: true unless --no-provision is given.
    expect(loadConfig({ source: 'kubernetes', provision: true }, { TETHER_PROVISION: 'false' }).provision.enabled).toBe(false);
    expect(loadConfig({ source: 'kubernetes', provision: false }, { TETHER_PROVISION: 'true' }).provision.enabled).toBe(false);
    expect(loadConfig({ source: 'kubernetes' }, {}).provision.namespace).toBe('tether-system');
    expect(loadConfig({}, {}).provision.enabled).toBe(false);
    expect(loadConfig({ source: 'kubernetes', envoyImage: 'registry.example/envoy:1' }).provision.envoyImage).toBe('registry.example/envoy:1');
    expect(() => loadConfig({ source: 'kubernetes' }, { TETHER_PROVISION: 'maybe' })).toThrow(/TETHER_PROVISION: "maybe" is not true or false/);
  });
});
