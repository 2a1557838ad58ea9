import { describe, expect, it } from 'vitest';
import { checkEndpointAddress, isIPv4, isIPv6 } from './endpoint-address.ts';

describe('endpoint addresses against the slice addressType', () => {
  it.each(['10.0.0.1', '0.0.0.0', '255.255.255.255', '192.168.1.10'])('IPv4 %s', (a) => {
    expect(isIPv4(a)).toBe(true);
    expect(checkEndpointAddress(a, 'IPv4')).toBeUndefined();
  });

  it.each(['::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:10.0.0.1', '1:2:3:4:5:6:7::'])('IPv6 %s', (a) => {
    expect(isIPv6(a)).toBe(true);
    expect(checkEndpointAddress(a, 'IPv6')).toBeUndefined();
  });

  it.each([
    ['256.0.0.1', 'IPv4'], ['10.0.0', 'IPv4'], ['010.0.0.1', 'IPv4'], ['10.0.0.1 ', 'IPv4'], ['web.default', 'IPv4'], ['', 'IPv4'],
    ['1:2:3:4:5:6:7:8:9', 'IPv6'], ['1::2::3', 'IPv6'], ['fe80::1%eth0', 'IPv6'], ['12345::', 'IPv6'], ['10.0.0.1', 'IPv6'], [':::', 'IPv6'],
    ['-bad.example', 'FQDN'], ['a..b', 'FQDN'], ['under_score.example', 'FQDN'], [`${'a'.repeat(64)}.example`, 'FQDN'],
  ] as const)('refuses %j as %s', (a, type) => {
    expect(checkEndpointAddress(a, type)).toMatch(/is not (a|an) /);
  });

  it('says where an address of the other family belongs', () => {
    expect(checkEndpointAddress('fd00::5', 'IPv4')).toMatch(/belongs in a slice of addressType IPv6/);
    expect(checkEndpointAddress('10.1.2.3', 'IPv6')).toMatch(/belongs in a slice of addressType IPv4/);
    expect(checkEndpointAddress('httpbin-1.demo.svc', 'FQDN')).toBeUndefined();
  });
});
