// The bundled example's HTTPS listener, as `npm start` serves it: its prestep (package.json
// "prestart") writes the listener's certificate as a Secret manifest into the example folder, and
// Tether serves the listener with it over SDS; on a fresh clone, without that step, the listener
// reports its missing Secret and the HTTP listener is served as before.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { DEFAULT_SOURCE_DIR } from '../../src/config.ts';
import { FakeEnvoy, sdsNames } from '../support/fake-envoy.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot } from '../cli/run-cli.ts';
import { prestartArgs, serveExample, until, type Served } from './serve-harness.ts';

const GATEWAY = 'default/demo-gateway';
const scripts = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;


interface ListenerStatus {
  name: string;
  attachedRoutes: number;
  conditions: { type: string; status: string; reason: string; message: string }[];
}

async function httpsListenerStatus(s: Served): Promise<ListenerStatus | undefined> {
  const { statuses } = (await (await fetch(`${s.admin}/debug/status`)).json()) as { statuses: { kind: string; listeners?: ListenerStatus[] }[] };
  return statuses.find((st) => st.kind === 'Gateway')?.listeners?.find((l) => l.name === 'https');
}

const held = (m: Map<string, { json: unknown }>): JsonObject[] =>
  [...m.values()].map((h) => Object.fromEntries<unknown>(Object.entries(h.json as JsonObject).filter(([k]) => k !== '@type')) as JsonObject);

let served: Served | undefined;
let envoy: FakeEnvoy | undefined;
afterEach(async () => {
  envoy?.close();
  await served?.stop();
  served = envoy = undefined;
});

describe('npm start: the example HTTPS listener', () => {
  it('runs `tether certs` first, into a git-ignored folder inside the example the serve step reads', async () => {
    expect(scripts['start']).toBe('node src/main.ts serve'); // the default source: examples/default
    const args = await prestartArgs();
    const dir = args[args.indexOf('--listener-secret-dir') + 1] ?? '';
    expect(args).toContain('--no-xds'); // plaintext xDS for local trials: no channel certificates
    expect(join(repoRoot, dir).startsWith(`${DEFAULT_SOURCE_DIR}/`)).toBe(true);
    const ignored = (await readFile(join(repoRoot, '.gitignore'), 'utf8')).split('\n');
    expect(ignored).toContain(`/${relative(repoRoot, join(repoRoot, dir))}/`);
    expect((await readFile(join(repoRoot, '.dockerignore'), 'utf8')).split('\n')).toContain(relative(repoRoot, join(repoRoot, dir)));
    // The Secret it makes is the one the example's HTTPS listener names.
    expect(await readFile(join(DEFAULT_SOURCE_DIR, '00-gateway.yaml'), 'utf8')).toContain(`- name: ${args[args.indexOf('--listener-secret') + 1]?.split('/')[1]}`);
  });

  it('serves the HTTPS listener with its certificate over SDS once the prestep ran', async () => {
    // A fresh copy of the example after the prestep, run as npm runs it (from the repository's top).
    served = await serveExample({ prestart: true });
    const e = (envoy = new FakeEnvoy({ address: served.xds, nodeId: 'envoy', cluster: GATEWAY, protocol: 'delta' }));
    e.start();
    await e.waitFor(() => e.activeListeners.size === 2, 'both listeners');
    expect([...e.activeListeners.keys()].sort()).toEqual(['default/demo-gateway/8080', 'default/demo-gateway/8443']);
    expect(sdsNames(e.activeListeners.get('default/demo-gateway/8443')!.json)).toEqual(['default/demo-gateway-tls']);
    expect(JSON.stringify(e.secrets.get('default/demo-gateway-tls')?.json)).toContain('BEGIN PRIVATE KEY');
    expect(e.nacks).toEqual([]);
    expect(e.violations).toEqual([]);
    expectValidEnvoyResources({ listeners: held(e.activeListeners), routes: held(e.routes), clusters: held(e.activeClusters), endpoints: held(e.endpoints), secrets: held(e.secrets) });
    const https = await httpsListenerStatus(served);
    expect(Object.fromEntries((https?.conditions ?? []).map((c) => [c.type, c.status]))).toEqual({ Accepted: 'True', Conflicted: 'False', ResolvedRefs: 'True', Programmed: 'True' });
    expect(https?.attachedRoutes).toBe(4);
  });

  it('without the prestep (a fresh clone served directly) reports the missing Secret and serves HTTP as before', async () => {
    served = await serveExample();
    const e = (envoy = new FakeEnvoy({ address: served.xds, nodeId: 'envoy', cluster: GATEWAY, protocol: 'sotw' }));
    e.start();
    await e.waitFor(() => e.activeListeners.size === 1 && e.activeClusters.size === 5, 'the HTTP listener');
    expect([...e.activeListeners.keys()]).toEqual(['default/demo-gateway/8080']);
    expect(e.secrets.size).toBe(0);
    expect(e.nacks).toEqual([]);
    const https = await httpsListenerStatus(served);
    expect(https?.conditions.find((c) => c.type === 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef', message: expect.stringContaining('Secret default/demo-gateway-tls not found') });
    expect(https?.conditions.find((c) => c.type === 'Programmed')?.status).toBe('False');
    const s = served;
    await until(async () => (await fetch(`${s.admin}/readyz`)).status === 200, 'ready');
  });
});
