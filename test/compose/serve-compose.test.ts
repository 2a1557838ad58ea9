// `tether serve` on the compose demo's manifests, end to end and in-process: the FQDN EndpointSlice
// is resolved through a DNS server on loopback (standing in for Docker's) and an Envoy-like ADS
// client sees every replica as an endpoint, follows scaling, and keeps its endpoints through DNS
// failures, which the admin API reports.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { FakeEnvoy } from '../support/fake-envoy.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { repoRoot } from '../cli/run-cli.ts';

const STICKY = 'default/httpbin/8080/sticky';
const PLAIN = 'default/httpbin/8080';

describe('tether serve on examples/compose', () => {
  let dns: TestDnsServer;
  let dir: string;
  let app: App | undefined;
  let envoy: FakeEnvoy | undefined;

  beforeEach(async () => {
    dns = await TestDnsServer.start();
    dir = await mkdtemp(join(tmpdir(), 'tether-compose-'));
    await cp(join(repoRoot, 'examples', 'compose'), dir, { recursive: true });
  });
  afterEach(async () => {
    envoy?.close();
    await app?.stop();
    app = undefined;
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<App> => {
    const config = loadConfig({ source: dir, xdsAddress: '127.0.0.1:0', adminAddress: '127.0.0.1:0', dnsServer: [dns.server], dnsRefresh: '0.1' });
    app = await startApp(config, { logger: silentLogger(), processMetrics: false });
    envoy = new FakeEnvoy({ address: `127.0.0.1:${app.xdsPort}`, nodeId: 'envoy', cluster: 'default/demo-gateway', protocol: 'delta' });
    envoy.start();
    return app;
  };
  const sorted = (cluster: string): string[] => (envoy?.endpointAddresses(cluster) ?? []).sort();

  it('serves every replica DNS returns, from the first config on, and follows scaling', async () => {
    dns.set('httpbin', { a: ['172.18.0.2', '172.18.0.3', '172.18.0.4'] });
    const served = await start();
    // start() resolved the name before the first rebuild: the very first config has the replicas.
    const first = JSON.stringify(served.loop.latest()?.resources.get('default/demo-gateway')?.envoy.endpoints);
    for (const ip of ['172.18.0.2', '172.18.0.3', '172.18.0.4']) expect(first).toContain(`"address":"${ip}"`);
    const three = ['172.18.0.2:8080', '172.18.0.3:8080', '172.18.0.4:8080'];
    await envoy!.waitFor(() => sorted(STICKY).join() === three.join() && sorted(PLAIN).join() === three.join(), 'three endpoints');
    await envoy!.waitFor(() => envoy!.effectiveConfig().listeners.active.length === 1, 'the listener');
    expect(envoy!.effectiveConfig().listeners.active).toEqual(['default/demo-gateway/10000']);
    expect(envoy!.nacks).toEqual([]);

    dns.set('httpbin', { a: ['172.18.0.2', '172.18.0.3', '172.18.0.4', '172.18.0.5', '172.18.0.6'] });
    await envoy!.waitFor(() => sorted(STICKY).length === 5, 'scaled to five');
    dns.set('httpbin', { a: ['172.18.0.3', '172.18.0.5'] });
    await envoy!.waitFor(() => sorted(STICKY).join() === '172.18.0.3:8080,172.18.0.5:8080', 'scaled to two');
    expect(envoy!.nacks).toEqual([]);
  });

  it('keeps the last endpoints when DNS fails and shows the failure in /debug/sources', async () => {
    dns.set('httpbin', { a: ['172.18.0.2', '172.18.0.3'] });
    await start();
    await envoy!.waitFor(() => sorted(STICKY).length === 2, 'two endpoints');

    dns.fail('servfail');
    const sources = async (): Promise<{ problems: { subject: string; message: string }[] }> =>
      (await (await fetch(`http://127.0.0.1:${app!.adminPort}/debug/sources`)).json()) as { problems: { subject: string; message: string }[] };
    const deadline = Date.now() + 3_000;
    let problems: { subject: string; message: string }[] = [];
    while (Date.now() < deadline && problems.length === 0) {
      problems = (await sources()).problems;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(problems).toEqual([{ subject: 'FQDN httpbin', message: expect.stringContaining('keeping the last addresses (172.18.0.2, 172.18.0.3)'), since: expect.any(String) }]);
    expect(sorted(STICKY)).toEqual(['172.18.0.2:8080', '172.18.0.3:8080']);

    dns.fail(undefined);
    const until = Date.now() + 3_000;
    while (Date.now() < until && (await sources()).problems.length > 0) await new Promise((r) => setTimeout(r, 20));
    expect((await sources()).problems).toEqual([]);
  });
});
