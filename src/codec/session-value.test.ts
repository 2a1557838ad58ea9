import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { MessageType, protoRegistry } from './proto-registry.ts';
import { decodeSessionInput, decodeSessionValue, extractSessionValues, parseEndpointAddress, readExpiry, SessionValueError, type SessionValue } from './session-value.ts';

const registry = protoRegistry();
const cookieValue = (address: string, expires?: string): string =>
  Buffer.from(registry.encode(MessageType.sessionCookie, expires ? { address, expires } : { address })).toString('base64');
const plainValue = (address: string): string => Buffer.from(address).toString('base64');

const decodeInput = (input: string, header = false): SessionValue[] => decodeSessionInput(input, { header });

describe('decodeSessionValue', () => {
  it('reads the protobuf SessionCookie Envoy writes, with and without an expiry', () => {
    expect(decodeSessionValue(cookieValue('10.1.2.3:8080'))).toEqual({
      value: cookieValue('10.1.2.3:8080'),
      encoding: 'protobuf',
      address: '10.1.2.3:8080',
      ip: '10.1.2.3',
      port: 8080,
      family: 4,
    });
    const withTtl = decodeSessionValue(cookieValue('10.1.2.3:8080', '1893456000'));
    expect(withTtl.expires).toBe('1893456000');
    expect(readExpiry(withTtl.expires!)).toEqual({ seconds: '1893456000', clock: 'unix', utc: '2030-01-01T00:00:00.000Z' });
  });

  it('reads the older base64 "ip:port" encoding, IPv4 and IPv6', () => {
    expect(decodeSessionValue(plainValue('192.168.7.9:443'))).toMatchObject({ encoding: 'plain', ip: '192.168.7.9', port: 443, family: 4 });
    expect(decodeSessionValue(plainValue('[::1]:80'))).toMatchObject({ encoding: 'plain', address: '[::1]:80', ip: '::1', port: 80, family: 6 });
    expect(decodeSessionValue(cookieValue('[fd00:10:244::5]:9000'))).toMatchObject({ encoding: 'protobuf', ip: 'fd00:10:244::5', family: 6 });
  });

  it('keeps large uint64 expiries exact', () => {
    const d = decodeSessionValue(cookieValue('10.0.0.1:80', '18446744073709551615'));
    expect(d.expires).toBe('18446744073709551615');
    expect(readExpiry(d.expires!).clock).toBe('monotonic');
  });

  it('tells monotonic seconds (too small for a date) from Unix seconds', () => {
    expect(readExpiry('86461')).toEqual({ seconds: '86461', clock: 'monotonic' });
    expect(readExpiry('946684800').clock).toBe('unix');
  });

  it.each([
    ['', 'empty value'],
    ['!!!', 'is not base64'],
    ['aGVsbG8=', 'neither a SessionCookie nor ip:port'],
    [plainValue('10.0.0.1:0'), 'neither'],
    [plainValue('10.0.0.1:65536'), 'neither'],
    [plainValue('[1:2:3:4:5:6:7:8:9]:80'), 'neither'],
    [plainValue('example.com:80'), 'neither'],
    [cookieValue('nope'), 'is not ip:port'],
  ])('rejects %j', (value, message) => {
    expect(() => decodeSessionValue(value)).toThrow(SessionValueError);
    expect(() => decodeSessionValue(value)).toThrow(message);
  });
});

describe('extractSessionValues', () => {
  const v = cookieValue('10.1.2.3:8080');
  it.each([
    [v, [{ value: v }]],
    [`"${v}"`, [{ value: v }]],
    [`s=${v}`, [{ name: 's', value: v }]],
    [`s="${v}"`, [{ name: 's', value: v }]],
    [`Set-Cookie: s="${v}"; Max-Age=60; Path=/; SameSite=Lax; HttpOnly`, [{ name: 's', value: v }]],
    [`Cookie: a=1; s=${v}`, [{ name: 'a', value: '1' }, { name: 's', value: v }]],
    ['MTAuMC4wLjE6ODA=', [{ value: 'MTAuMC4wLjE6ODA=' }]],
    ['X-Session: MTAuMC4wLjE6ODA=', [{ name: 'x-session', value: 'MTAuMC4wLjE6ODA=' }]],
  ])('%s', (input, expected) => {
    expect(extractSessionValues(input)).toEqual(expected);
  });
});

describe('parseEndpointAddress', () => {
  it.each([
    ['10.0.0.1:80', { ip: '10.0.0.1', port: 80, family: 4 }],
    ['[::ffff:10.0.0.1]:80', { ip: '::ffff:10.0.0.1', port: 80, family: 6 }],
    ['[1:2:3:4:5:6:7:8]:1', { ip: '1:2:3:4:5:6:7:8', port: 1, family: 6 }],
    ['010.0.0.1:80', undefined],
    ['::1:80', undefined],
    ['[1:2:3:4:5:6:7:8::]:1', undefined],
    ['10.0.0.1', undefined],
  ])('%s', (text, expected) => {
    expect(parseEndpointAddress(text)).toEqual(expected);
  });
});

describe('golden table (testdata/session-values.*.yaml)', () => {
  const cases = parse(readFileSync(new URL('./testdata/session-values.in.yaml', import.meta.url), 'utf8')) as { name: string; input: string; header?: boolean }[];

  it('decodes every value as recorded', async () => {
    const results = cases.map((c) => {
      try {
        const decoded = decodeInput(c.input, c.header);
        return { name: c.name, input: c.input, decoded: decoded.map((d) => ({ ...d, ...(d.expires ? { expiry: readExpiry(d.expires) } : {}) })) };
      } catch (err) {
        if (!(err instanceof SessionValueError)) throw err;
        return { name: c.name, input: c.input, error: err.message };
      }
    });
    await expect(stringify(results, { lineWidth: 0 })).toMatchFileSnapshot('./testdata/session-values.out.yaml');
  });

  it('holds real encodings: re-encoding each decoded protobuf value gives back its bytes', () => {
    for (const c of cases) {
      let decoded: SessionValue[];
      try {
        decoded = decodeInput(c.input, c.header);
      } catch {
        continue;
      }
      for (const d of decoded) {
        const again = d.encoding === 'protobuf' ? cookieValue(d.address, d.expires) : plainValue(d.address);
        expect(again.replace(/=+$/, ''), c.name).toBe(d.value.replace(/=+$/, ''));
      }
    }
  });
});
