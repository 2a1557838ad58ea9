// The compose demo's xDS channel, wired as docker-compose.yml writes it: the certs service's own
// `tether certs` command makes the files, Tether reads its server certificate from the environment
// the compose file gives it, and an Envoy-like client connects with the files the compose bootstrap
// names. Container paths are mapped onto a temporary folder standing in for the certs volume.
import { mkdtemp, readFile, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { runCli } from '../../src/cli/cli.ts';
import { FakeEnvoy, RawXdsStream } from '../support/fake-envoy.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { repoRoot } from '../cli/run-cli.ts';
import { TypeUrl } from '../../src/xds/resource-types.ts';

interface Service {
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const bootstrap = parse(await readFile(join(repoRoot, 'envoy/bootstrap-compose.yaml'), 'utf8')) as { node: { cluster: string }; static_resources: { clusters: { transport_socket?: { typed_config: { sni: string; common_tls_context: { tls_certificates: { certificate_chain: { filename: string }; private_key: { filename: string } }[]; validation_context: { trusted_ca: { filename: string } } } } } }[] } };

/** Where a service mounts the named volume `certs`. */
function certsMount(service: string): string {
  const v = compose.services[service]?.volumes?.find((m) => m.startsWith('certs:'));
  if (!v) throw new Error(`${service} does not mount the certs volume`);
  return v.split(':')[1];
}

/** The `tether certs` arguments in the certs service's shell command. */
function certsArgs(): string[] {
  const command = compose.services['certs']?.command;
  const text = Array.isArray(command) ? command.join(' ') : (command ?? '');
  const m = /node src\/main\.ts (certs [^&]*)/.exec(text);
  if (!m) throw new Error('the certs service does not run tether certs');
  return m[1].trim().split(/\s+/);
}

describe('the compose demo over mutual TLS', () => {
  let volume: string;
  let config: string;
  let dns: TestDnsServer;
  let app: App | undefined;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    volume = await mkdtemp(join(tmpdir(), 'tether-compose-certs-'));
    config = await mkdtemp(join(tmpdir(), 'tether-compose-config-'));
    await cp(join(repoRoot, 'examples', 'compose'), config, { recursive: true });
    dns = await TestDnsServer.start();
    dns.set('httpbin', { a: ['172.18.0.2'] });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.stop();
    await dns.close();
    await rm(volume, { recursive: true, force: true });
    await rm(config, { recursive: true, force: true });
  });

  it('declares the certs volume and mounts it in certs, tether and envoy', () => {
    expect(compose.volumes).toHaveProperty('certs');
    const args = certsArgs();
    expect(args[args.indexOf('--dir') + 1]).toBe(certsMount('certs'));
    expect(args[args.indexOf('--gateway') + 1]).toBe(bootstrap.node.cluster);
    for (const s of ['tether', 'envoy']) expect(compose.services[s]?.volumes).toContain(`certs:${certsMount(s)}:ro`);
  });

  it('serves the demo Gateway to the client certificate the bootstrap names, and only to it', async () => {
    // The certs service, run with its own arguments, its volume mapped.
    const args = certsArgs().map((a) => (a === certsMount('certs') ? volume : a));
    expect(args).toContain('localhost'); // the name this test dials
    expect(await runCliQuiet(args)).toBe(0);

    // Tether, with the environment compose gives it.
    const env = Object.fromEntries(Object.entries(compose.services['tether']?.environment ?? {}).map(([k, v]) => [k, v.replace(certsMount('tether'), volume)]));
    expect(Object.keys(env).sort()).toEqual(['TETHER_XDS_CLIENT_CA', 'TETHER_XDS_TLS_CERT', 'TETHER_XDS_TLS_KEY']);
    const cfg = loadConfig({ source: config, xdsAddress: '127.0.0.1:0', adminAddress: '127.0.0.1:0', dnsServer: [dns.server] }, env);
    expect(cfg.xdsTls).toBeDefined();
    app = await startApp(cfg, { logger: silentLogger(), processMetrics: false });

    // Envoy, with the files its bootstrap names.
    const tls = bootstrap.static_resources.clusters[0]?.transport_socket?.typed_config;
    expect(tls?.sni).toBe('tether');
    const mapped = (path: string | undefined): Promise<Buffer> => readFile((path ?? '').replace(certsMount('envoy'), volume));
    const ctx = tls!.common_tls_context;
    const [ca, key, cert] = await Promise.all([mapped(ctx.validation_context.trusted_ca.filename), mapped(ctx.tls_certificates[0]?.private_key.filename), mapped(ctx.tls_certificates[0]?.certificate_chain.filename)]);
    const credentials = grpc.credentials.createSsl(ca, key, cert);
    const envoy = new FakeEnvoy({ address: `localhost:${app.xdsPort}`, nodeId: 'envoy', cluster: bootstrap.node.cluster, protocol: 'delta', credentials });
    open.push(envoy);
    envoy.start();
    await envoy.waitFor(() => envoy.effectiveConfig().listeners.active.length === 1, 'the demo listener over mutual TLS');
    expect(envoy.nacks).toEqual([]);

    // The same certificate for another Gateway: refused and counted; plaintext: refused.
    const other = new RawXdsStream(`localhost:${app.xdsPort}`, 'sotw', undefined, credentials);
    open.push(other);
    other.send({ node: { id: 'x', cluster: 'default/another' }, type_url: TypeUrl.cluster });
    expect((await other.ended).code).toBe(grpc.status.PERMISSION_DENIED);
    expect(await app.metrics.registry.getSingleMetricAsString('tether_xds_streams_denied_total')).toMatch(/tether_xds_streams_denied_total 1$/m);
    const plain = new RawXdsStream(`localhost:${app.xdsPort}`, 'sotw');
    open.push(plain);
    plain.send({ node: { id: 'x', cluster: bootstrap.node.cluster }, type_url: TypeUrl.cluster });
    expect((await plain.ended).code).toBe(grpc.status.UNAVAILABLE);
  });
});

async function runCliQuiet(args: string[]): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true);
  try {
    return await runCli(args);
  } finally {
    process.stdout.write = write;
  }
}
