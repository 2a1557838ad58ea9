// `tether decode` as a user runs it: real cookie values (encoded with the proto registry, the bytes
// Envoy writes), the older plain encoding, header lines, and garbage.
import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../../src/codec/proto-registry.ts';
import { runTether } from './run-cli.ts';

const registry = protoRegistry();
const cookieValue = (address: string, expires?: string): string =>
  Buffer.from(registry.encode(MessageType.sessionCookie, expires ? { address, expires } : { address })).toString('base64');

describe('tether decode', () => {
  it('prints the endpoint of a session cookie written by Envoy', async () => {
    const value = cookieValue('172.18.0.5:8080');
    const r = await runTether(['decode', `tether-demo="${value}"`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('cookie    tether-demo\n');
    expect(r.stdout).toContain('address   172.18.0.5:8080\n');
    expect(r.stdout).toContain('never (no expiry inside: a session cookie)');
  });

  it('prints both the raw expiry and its UTC time', async () => {
    const r = await runTether(['decode', cookieValue('[2001:db8::1]:443', '1893456000')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('address   [2001:db8::1]:443\n');
    expect(r.stdout).toContain('expires   1893456000 = 2030-01-01T00:00:00.000Z (read as Unix seconds');
    // Judged by its magnitude: no Envoy version claimed for the expiry.
    expect(r.stdout.split('\n').find((l) => l.startsWith('expires'))).not.toMatch(/Envoy 1\.\d+/);
  });

  it('explains a monotonic expiry instead of inventing a date', async () => {
    const r = await runTether(['decode', '-o', 'json', cookieValue('10.0.0.7:80', '7200')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ address: '10.0.0.7:80', expires: '7200', expiry: { seconds: '7200', clock: 'monotonic' } });
  });

  it('reads the older base64 "ip:port" encoding and header values', async () => {
    const plain = Buffer.from('[::1]:80').toString('base64');
    const r = await runTether(['decode', '--header', `x-session: ${plain}`, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ value: plain, name: 'x-session', encoding: 'plain', address: '[::1]:80', ip: '::1', port: 80, family: 6 });
  });

  it('labels a "name: value" line as a header even without --header', async () => {
    const r = await runTether(['decode', `x-session: ${Buffer.from('10.0.0.9:8080').toString('base64')}`]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('header    x-session');
  });

  it('fails with exit code 2 and a clear message on garbage', async () => {
    const r = await runTether(['decode', 'definitely not a cookie']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^decode: not a session value: .* is not base64\n$/);
  });
});

describe('tether decode on an expiry no Envoy writes', () => {
  it('says 2^64 - 1 is out of range, not too small', async () => {
    const value = Buffer.from(protoRegistry().encode(MessageType.sessionCookie, { address: '10.0.0.7:80', expires: '18446744073709551615' })).toString('base64');
    const text = await runTether(['decode', value]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('expires   18446744073709551615 (out of range: after 9999-12-31');
    expect(text.stdout).not.toContain('too small');
    const json = await runTether(['decode', '-o', 'json', value]);
    expect(JSON.parse(json.stdout)).toMatchObject({ expires: '18446744073709551615', expiry: { seconds: '18446744073709551615', clock: 'out-of-range' } });
  });
});
