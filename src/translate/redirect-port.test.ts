import { describe, expect, it } from 'vitest';
import { redirectPort, type WrittenRedirectPort } from './redirect-port.ts';

const http = (port: number) => ({ protocol: 'HTTP', port });
const https = (port: number) => ({ protocol: 'HTTPS', port });

describe('redirectPort', () => {
  // [written, listener, port Location shows]
  const table: [WrittenRedirectPort, { protocol: string; port: number }, number | undefined][] = [
    // No scheme, no port: the listener's port, left out when it is the listener scheme's default.
    [{}, http(80), undefined],
    [{}, http(8080), 8080],
    [{}, https(443), undefined],
    [{}, https(8443), 8443],
    // A written port wins, left out only when it is the default for the resulting scheme.
    [{ port: 80 }, http(8080), undefined],
    [{ port: 8080 }, http(80), 8080],
    [{ port: 443 }, http(80), 443],
    [{ port: 443 }, https(8443), undefined],
    [{ port: 80 }, https(443), 80],
    // A written scheme without a port brings its well-known port (never the listener's).
    [{ scheme: 'https' }, http(80), undefined],
    [{ scheme: 'https' }, http(8080), undefined],
    [{ scheme: 'http' }, https(443), undefined],
    [{ scheme: 'http' }, https(8443), undefined],
    // Scheme and port.
    [{ scheme: 'https', port: 443 }, http(80), undefined],
    [{ scheme: 'https', port: 8443 }, http(80), 8443],
    [{ scheme: 'https', port: 80 }, http(80), 80],
    [{ scheme: 'http', port: 80 }, https(443), undefined],
    [{ scheme: 'http', port: 8080 }, https(443), 8080],
  ];
  it.each(table)('%j on %j → %s', (written, listener, expected) => {
    expect(redirectPort(written, listener)).toBe(expected);
  });
});
