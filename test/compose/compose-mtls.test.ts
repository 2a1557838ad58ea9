// The compose demo's xDS channel, wired as docker-compose.yml writes it: the certs service's own
// `tether certs` command makes the files, Tether reads its server certificate from the environment
// the compose file gives it, and an Envoy-like client connects with the files the compose bootstrap
// names. The same command makes the HTTPS listener's Secret manifest, which Tether reads from the
// folder compose mounts it into and serves over SDS. Container paths are mapped onto temporary
// folders standing in for the volumes (compose-model.ts).
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { runCli } from '../../src/cli/cli.ts';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { FakeEnvoy, RawXdsStream, sdsNames } from '../support/fake-envoy.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot } from '../cli/run-cli.ts';
import { TypeUrl } from '../../src/xds/resource-types.ts';
import { ComposeVolumes, certsArgs, compose, volumeMount } from './compose-model.ts';

const bootstrap = parse(await readFile(join(repoRoot, 'envoy/bootstrap-compose.yaml'), 'utf8')) as { node: { cluster: string }; static_resources: { clusters: { transport_socket?: { typed_config: { sni: string; common_tls_context: { tls_certificates: { certificate_chain: { filename: string }; private_key: { filename: string } }[]; validation_context: { trusted_ca: { filename: string } } } } } }[] } };
const tetherCommand = (compose.services['tether']?.command ?? []) as string[];

describe('the compose demo over mutual TLS, with its HTTPS listener', () => {
  let volumes: ComposeVolumes;
  let dns: TestDnsServer;
  let app: App | undefined;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    volumes = await ComposeVolumes.create();
    dns = await TestDnsServer.start();
    dns.set('httpbin', { a: ['172.18.0.2'] });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.stop();
    await dns.close();
    await volumes.remove();
  });

  it('declares the certs and listener-tls volumes and mounts them where each service reads them', () => {
    expect(compose.volumes).toHaveProperty('certs');
    expect(compose.volumes).toHaveProperty('listener-tls');
    const args = certsArgs();
    expect(args[args.indexOf('--dir') + 1]).toBe(volumeMount('certs', 'certs'));
    expect(args[args.indexOf('--gateway') + 1]).toBe(bootstrap.node.cluster);
    expect(args[args.indexOf('--listener-secret-dir') + 1]).toBe(volumeMount('certs', 'listener-tls'));
    for (const s of ['tether', 'envoy']) expect(compose.services[s]?.volumes).toContain(`certs:${volumeMount(s, 'certs')}:ro`);
    // Tether reads the listener's Secret inside the folder it serves, read-only; Envoy never sees the volume.
    const source = tetherCommand[tetherCommand.indexOf('--source') + 1] ?? '';
    expect(volumeMount('tether', 'listener-tls').startsWith(`${source}/`)).toBe(true);
    expect(compose.services['tether']?.volumes).toContain(`listener-tls:${volumeMount('tether', 'listener-tls')}:ro`);
    expect(compose.services['envoy']?.volumes?.some((v) => v.startsWith('listener-tls:'))).toBe(false);
  });

  it('serves the demo Gateway, its HTTPS listener and certificate included, to the client certificate the bootstrap names, and only to it', async () => {
    // The certs service, run with its own arguments, its volumes mapped.
    const args = volumes.mapArgs('certs', certsArgs());
    expect(args).toContain('localhost'); // the name this test dials
    expect(await runCliQuiet(args)).toBe(0);

    // Tether, with the command and environment compose gives it: its source folder holds the
    // manifests and the listener-tls volume.
    const env = Object.fromEntries(Object.entries(compose.services['tether']?.environment ?? {}).map(([k, v]) => [k, volumes.hostPath('tether', v) ?? v]));
    expect(Object.keys(env).sort()).toEqual(['TETHER_XDS_CLIENT_CA', 'TETHER_XDS_TLS_CERT', 'TETHER_XDS_TLS_KEY']);
    const config = await volumes.folder('tether', tetherCommand[tetherCommand.indexOf('--source') + 1] ?? '');
    const cfg = loadConfig({ source: config, xdsAddress: '127.0.0.1:0', adminAddress: '127.0.0.1:0', dnsServer: [dns.server] }, env);
    expect(cfg.xdsTls).toBeDefined();
    app = await startApp(cfg, { logger: silentLogger(), processMetrics: false });

    // Envoy, with the files its bootstrap names.
    const tls = bootstrap.static_resources.clusters[0]?.transport_socket?.typed_config;
    expect(tls?.sni).toBe('tether');
    const mapped = (path: string | undefined): Promise<Buffer> => readFile(volumes.hostPath('envoy', path ?? '') ?? '');
    const ctx = tls!.common_tls_context;
    const [ca, key, cert] = await Promise.all([mapped(ctx.validation_context.trusted_ca.filename), mapped(ctx.tls_certificates[0]?.private_key.filename), mapped(ctx.tls_certificates[0]?.certificate_chain.filename)]);
    const credentials = grpc.credentials.createSsl(ca, key, cert);
    const envoy = new FakeEnvoy({ address: `localhost:${app.xdsPort}`, nodeId: 'envoy', cluster: bootstrap.node.cluster, protocol: 'delta', credentials });
    open.push(envoy);
    envoy.start();
    await envoy.waitFor(() => envoy.effectiveConfig().listeners.active.length === 2, 'the demo listeners over mutual TLS');
    expect(envoy.effectiveConfig().listeners.active).toEqual(['default/demo-gateway/10000', 'default/demo-gateway/10443']);
    expect(envoy.nacks).toEqual([]);
    expect(envoy.violations).toEqual([]);

    // The HTTPS listener's certificate is the one the certs service wrote, delivered over SDS with its key.
    const https = envoy.activeListeners.get('default/demo-gateway/10443')!.json;
    expect(sdsNames(https)).toEqual(['default/demo-gateway-tls']);
    const secret = envoy.secrets.get('default/demo-gateway-tls')?.json as { tls_certificate: { certificate_chain: { inline_string: string }; private_key: { inline_string: string } } };
    const written = parse(await readFile(join(volumes.volumeDir('listener-tls'), 'default.demo-gateway-tls.yaml'), 'utf8')) as { data: Record<string, string> };
    expect(secret.tls_certificate.certificate_chain.inline_string).toBe(Buffer.from(written.data['tls.crt'] ?? '', 'base64').toString());
    expect(secret.tls_certificate.private_key.inline_string).toBe(Buffer.from(written.data['tls.key'] ?? '', 'base64').toString());
    expect(new X509Certificate(secret.tls_certificate.certificate_chain.inline_string).subjectAltName).toBe('DNS:localhost');
    // Everything this Envoy holds passes the strict validator (each resource as decoded from its Any, without @type).
    const held = (m: Map<string, { json: unknown }>): JsonObject[] => [...m.values()].map((h) => Object.fromEntries<unknown>(Object.entries(h.json as JsonObject).filter(([k]) => k !== '@type')) as JsonObject);
    expectValidEnvoyResources({ listeners: held(envoy.activeListeners), routes: held(envoy.routes), clusters: held(envoy.activeClusters), endpoints: held(envoy.endpoints), secrets: held(envoy.secrets) });
    // Tether's status: the HTTPS listener resolved its certificate.
    const { statuses } = (await (await fetch(`http://127.0.0.1:${app.adminPort}/debug/status`)).json()) as { statuses: { kind: string; listeners?: { name: string; attachedRoutes: number; conditions: { type: string; status: string }[] }[] }[] };
    const listener = statuses.find((st) => st.kind === 'Gateway')?.listeners?.find((l) => l.name === 'https');
    expect(listener?.attachedRoutes).toBe(3);
    expect(Object.fromEntries((listener?.conditions ?? []).map((c) => [c.type, c.status]))).toEqual({ Accepted: 'True', Conflicted: 'False', ResolvedRefs: 'True', Programmed: 'True' });

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
