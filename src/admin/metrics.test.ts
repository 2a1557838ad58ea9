import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

describe('certificate expiry metric', () => {
  it('exports each certificate\'s not-after at scrape time, and forgets certificates that are gone', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let certificates = [{ namespace: 'default', name: 'web-tls', notAfter: 1_900_000_000 }];
    metrics.observe({ certificates: () => certificates });
    expect(await metrics.registry.metrics()).toContain('tether_certificate_expiry_timestamp_seconds{namespace="default",name="web-tls"} 1900000000');
    certificates = [];
    expect(await metrics.registry.metrics()).not.toContain('name="web-tls"');
  });
});
