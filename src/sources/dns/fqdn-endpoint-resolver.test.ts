// The resolver against a real DNS server on loopback UDP: node:dns sends real queries, the test
// server answers from a table the test changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log/logger.ts';
import { objectKey, type KubeObject } from '../../k8s/kube-object.ts';
import { ObjectStore } from '../object-store.ts';
import { TestDnsServer } from '../../../test/support/dns-server.ts';
import { FqdnEndpointResolver } from './fqdn-endpoint-resolver.ts';

const fqdnSlice = (names: string[], extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'httpbin', namespace: 'default', labels: { 'kubernetes.io/service-name': 'httpbin' } },
  addressType: 'FQDN',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: names.map((n) => ({ addresses: [n], conditions: { ready: true } })),
  ...extra,
});

const ipv4Key = 'discovery.k8s.io/EndpointSlice/default/httpbin.resolved-ipv4';
const ipv6Key = 'discovery.k8s.io/EndpointSlice/default/httpbin.resolved-ipv6';
const addressesOf = (store: ObjectStore, key: string): string[] | undefined =>
  (store.get(key)?.['endpoints'] as { addresses: string[] }[] | undefined)?.map((e) => e.addresses[0] ?? '');

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('FqdnEndpointResolver', () => {
  let dns: TestDnsServer;
  let store: ObjectStore;
  let resolver: FqdnEndpointResolver | undefined;

  beforeEach(async () => {
    dns = await TestDnsServer.start();
    store = new ObjectStore();
  });
  afterEach(async () => {
    await resolver?.stop();
    resolver = undefined;
    await dns.close();
  });

  const startResolver = async (intervalMs = 60_000): Promise<FqdnEndpointResolver> => {
    resolver = new FqdnEndpointResolver({ logger: silentLogger(), servers: [dns.server], intervalMs, timeoutMs: 200 });
    await resolver.start(store);
    return resolver;
  };

  it('writes IPv4 and IPv6 slices with every address the name has, before start() resolves', async () => {
    dns.set('httpbin', { a: ['172.18.0.7', '172.18.0.5', '172.18.0.6'], aaaa: ['fd00::5'] });
    store.apply([fqdnSlice(['httpbin'])]);
    await startResolver();

    expect(addressesOf(store, ipv4Key)).toEqual(['172.18.0.5', '172.18.0.6', '172.18.0.7']);
    expect(addressesOf(store, ipv6Key)).toEqual(['fd00::5']);
    const derived = store.get(ipv4Key)!;
    expect(derived).toMatchObject({
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      metadata: {
        labels: { 'kubernetes.io/service-name': 'httpbin', 'endpointslice.kubernetes.io/managed-by': 'tether.dev/fqdn-resolver' },
        annotations: { 'tether.dev/derived-from': 'httpbin', 'tether.dev/resolved-names': 'httpbin' },
      },
    });
    expect((derived['endpoints'] as unknown[])[0]).toEqual({ addresses: ['172.18.0.5'], conditions: { ready: true } });
    expect(dns.queries).toEqual(expect.arrayContaining(['httpbin A', 'httpbin AAAA']));
    expect(resolver!.problems()).toEqual([]);
  });

  it('follows the answer as it changes (scaling up and down) on its own timer', async () => {
    dns.set('httpbin', { a: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    store.apply([fqdnSlice(['httpbin'])]);
    await startResolver(50);
    expect(addressesOf(store, ipv4Key)).toHaveLength(3);
    expect(store.get(ipv6Key)).toBeUndefined();

    dns.set('httpbin', { a: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] });
    await until(() => addressesOf(store, ipv4Key)?.length === 5);
    dns.set('httpbin', { a: ['10.0.0.2'] });
    await until(() => addressesOf(store, ipv4Key)?.length === 1);
    expect(addressesOf(store, ipv4Key)).toEqual(['10.0.0.2']);
  });

  it('does not touch the store when the answer is unchanged', async () => {
    dns.set('httpbin', { a: ['10.0.0.1'] });
    store.apply([fqdnSlice(['httpbin'])]);
    await startResolver();
    const revision = store.revision;
    await resolver!.resolveNow();
    await resolver!.resolveNow();
    expect(store.revision).toBe(revision);
  });

  it('resolves slices added later and removes the derived slices with their FQDN slice', async () => {
    dns.set('api.internal', { a: ['10.1.0.9'] });
    await startResolver();
    const slice = fqdnSlice(['api.internal']);
    store.apply([slice]);
    await until(() => addressesOf(store, ipv4Key)?.[0] === '10.1.0.9');
    store.apply([], [objectKey(slice)]);
    await until(() => store.get(ipv4Key) === undefined);
    expect(store.list()).toEqual([]);
  });

  it('rewrites the derived slices when the FQDN slice changes (ports, conditions)', async () => {
    dns.set('httpbin', { a: ['10.0.0.1'] });
    store.apply([fqdnSlice(['httpbin'])]);
    await startResolver();
    const changed = fqdnSlice(['httpbin'], { ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] });
    changed['endpoints'] = [{ addresses: ['httpbin'], conditions: { ready: false, serving: true, terminating: true } }];
    store.apply([changed]);
    await until(() => (store.get(ipv4Key)?.['ports'] as { port: number }[])[0]?.port === 9090);
    expect(store.get(ipv4Key)?.['endpoints']).toEqual([{ addresses: ['10.0.0.1'], conditions: { ready: false, serving: true, terminating: true } }]);
  });

  it('keeps the last good addresses when lookups fail, reports it, and recovers', async () => {
    dns.set('httpbin', { a: ['10.0.0.1', '10.0.0.2'] });
    store.apply([fqdnSlice(['httpbin'])]);
    await startResolver();

    dns.fail('servfail');
    await resolver!.resolveNow();
    expect(addressesOf(store, ipv4Key)).toEqual(['10.0.0.1', '10.0.0.2']);
    const [problem] = resolver!.problems();
    expect(problem?.subject).toBe('FQDN httpbin');
    expect(problem?.message).toContain('A lookup failed: ESERVFAIL');
    expect(problem?.message).toContain('keeping the last addresses (10.0.0.1, 10.0.0.2)');

    dns.fail('silent'); // timeouts
    await resolver!.resolveNow();
    expect(addressesOf(store, ipv4Key)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(resolver!.problems()[0]?.message).toContain('ETIMEOUT');
    expect(resolver!.problems()[0]?.since).toBe(problem?.since);

    dns.fail(undefined);
    dns.set('httpbin', { a: ['10.0.0.3'] });
    await resolver!.resolveNow();
    expect(resolver!.problems()).toEqual([]);
    expect(addressesOf(store, ipv4Key)).toEqual(['10.0.0.3']);
  });

  it('reports a name that does not exist (NXDOMAIN) and writes nothing for it', async () => {
    store.apply([fqdnSlice(['missing.example'])]);
    await startResolver();
    expect(store.get(ipv4Key)).toBeUndefined();
    expect(resolver!.problems()).toMatchObject([{ subject: 'FQDN missing.example', message: expect.stringContaining('ENOTFOUND') }]);
  });

  it('treats a known name with no records of one family as an empty family, not a failure', async () => {
    dns.set('v6only', { aaaa: ['2001:db8::1', '2001:db8::2'] });
    store.apply([fqdnSlice(['v6only'])]);
    await startResolver();
    expect(store.get(ipv4Key)).toBeUndefined();
    expect(addressesOf(store, ipv6Key)).toEqual(['2001:db8::1', '2001:db8::2']);
    expect(resolver!.problems()).toEqual([]);
  });

  it('ignores address slices and other kinds', async () => {
    const ipSlice = { ...fqdnSlice([]), addressType: 'IPv4', endpoints: [{ addresses: ['10.9.9.9'] }] };
    store.apply([ipSlice]);
    await startResolver();
    expect(dns.queries).toEqual([]);
    expect(store.list()).toHaveLength(1);
  });
});
