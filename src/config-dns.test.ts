import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from './config.ts';

describe('--dns-refresh', () => {
  it('defaults to five seconds', () => {
    expect(loadConfig({}).dnsRefreshMs).toBe(DEFAULTS.dnsRefreshMs);
    expect(DEFAULTS.dnsRefreshMs).toBe(5_000);
  });

  it('takes seconds from the flag, else from TETHER_DNS_REFRESH', () => {
    expect(loadConfig({ dnsRefresh: '2' }, { TETHER_DNS_REFRESH: '9' }).dnsRefreshMs).toBe(2_000);
    expect(loadConfig({}, { TETHER_DNS_REFRESH: '0.5s' }).dnsRefreshMs).toBe(500);
  });

  it.each(['0', '-1', 'soon', ''])('rejects %j', (value) => {
    if (value === '') {
      expect(loadConfig({}, { TETHER_DNS_REFRESH: '' }).dnsRefreshMs).toBe(5_000); // empty env = unset
      return;
    }
    expect(() => loadConfig({ dnsRefresh: value })).toThrow(ConfigError);
    expect(() => loadConfig({ dnsRefresh: value })).toThrow('--dns-refresh');
  });
});

describe('--dns-server', () => {
  it('is empty (the system resolver) unless given', () => {
    expect(loadConfig({}).dnsServers).toEqual([]);
  });

  it('takes addresses from the flag, else from TETHER_DNS_SERVERS', () => {
    expect(loadConfig({ dnsServer: ['127.0.0.1:5353', '10.96.0.10'] }, { TETHER_DNS_SERVERS: '1.1.1.1' }).dnsServers).toEqual(['127.0.0.1:5353', '10.96.0.10']);
    expect(loadConfig({}, { TETHER_DNS_SERVERS: '1.1.1.1, [2001:db8::53]:53' }).dnsServers).toEqual(['1.1.1.1', '[2001:db8::53]:53']);
  });

  it.each(['dns.example', '10.0.0.1:0', '10.0.0.1:99999', '[::1]'])('rejects %j', (value) => {
    expect(() => loadConfig({ dnsServer: [value] })).toThrow(`--dns-server: "${value}" is not an IP address`);
  });
});
