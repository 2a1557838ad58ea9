// `tether serve` end to end, in-process: the bundled example served from a temp folder, read by the
// Envoy-like ADS client over real gRPC, and the admin API over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeEnvoy, TYPE } from '../support/fake-envoy.ts';
import { runTranslate } from '../../src/cli/translate.ts';
import type { ObjectStore } from '../../src/sources/object-store.ts';
import type { Source, SourceProblem } from '../../src/sources/source.ts';
import { freePort, serveExample, until, type Served } from './serve-harness.ts';

const GATEWAY = 'default/demo-gateway';

let served: Served | undefined;
const envoys: FakeEnvoy[] = [];
afterEach(async () => {
  for (const e of envoys.splice(0)) e.close();
  await served?.stop();
  served = undefined;
});

function connect(s: Served, gateway = GATEWAY, protocol: 'sotw' | 'delta' = 'sotw'): FakeEnvoy {
  const envoy = new FakeEnvoy({ address: s.xds, nodeId: `envoy-${envoys.length}`, cluster: gateway, protocol });
  envoys.push(envoy);
  envoy.start();
  return envoy;
}

const fullyLoaded = (e: FakeEnvoy): boolean =>
  e.activeListeners.size === 1 && e.routes.size === 1 && e.activeClusters.size === 5 && e.endpoints.size === 5;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe('tether serve (in-process)', () => {
  it('serves the example Gateway: listener, routes, clusters and endpoints, with make-before-break held', async () => {
    served = await serveExample();
    for (const protocol of ['sotw', 'delta'] as const) {
      const envoy = connect(served, GATEWAY, protocol);
      await envoy.waitFor(() => fullyLoaded(envoy), `${protocol} config`);
      expect(envoy.effectiveConfig()).toEqual({
        clusters: { active: ['default/api/80/sticky', 'default/cart/80/sticky', 'default/checkout-v1/80', 'default/checkout-v2/80', 'default/web/80'], warming: [] },
        listeners: { active: ['default/demo-gateway/8080'], warming: [] },
        routes: ['default/demo-gateway/8080'],
        endpoints: ['default/api/80/sticky', 'default/cart/80/sticky', 'default/checkout-v1/80', 'default/checkout-v2/80', 'default/web/80'],
      });
      expect(envoy.endpointAddresses('default/web/80').sort()).toEqual(['127.0.0.11:8080', '127.0.0.12:8080', '127.0.0.13:8080']);
      expect(envoy.routedClusters()).toEqual(new Set(envoy.activeClusters.keys()));
      expect(envoy.nacks).toEqual([]);
      expect(envoy.violations).toEqual([]);
    }
    // The cart route carries its cookie session.
    const envoy = envoys[0];
    const rc = JSON.stringify(envoy.routes.get('default/demo-gateway/8080')!.json);
    expect(rc).toContain('"name":"cart-session"');
    expect(rc).toContain('"name":"x-api-session"');
  });

  it('applies a file edit to the served endpoints and routes within a bounded time', async () => {
    served = await serveExample();
    const envoy = connect(served);
    await envoy.waitFor(() => fullyLoaded(envoy), 'initial config');

    const backends = join(served.dir, '10-backends.yaml');
    const started = performance.now();
    await writeFile(backends, (await readFile(backends, 'utf8')).replace('127.0.0.13', '127.0.0.99'));
    await envoy.waitFor(() => envoy.endpointAddresses('default/web/80').includes('127.0.0.99:8080'), 'edited endpoint', 3_000);
    const endpointMs = performance.now() - started;
    expect(envoy.endpointAddresses('default/web/80').sort()).toEqual(['127.0.0.11:8080', '127.0.0.12:8080', '127.0.0.99:8080']);
    expect(endpointMs).toBeLessThan(3_000);

    // A route to a new Service: the new cluster must be active (with endpoints) before the route uses it.
    await writeFile(join(served.dir, '30-new.yaml'), NEW_ROUTE);
    await envoy.waitFor(() => envoy.routedClusters().has('default/extra/80'), 'route to the new cluster', 3_000);
    expect(envoy.endpointAddresses('default/extra/80')).toEqual(['127.0.0.51:8080']);
    expect(envoy.violations).toEqual([]);
    expect(envoy.nacks).toEqual([]);
  });

  it('keeps the last good config when a file breaks, and shows the file in /debug/sources', async () => {
    served = await serveExample();
    const envoy = connect(served);
    await envoy.waitFor(() => fullyLoaded(envoy), 'initial config');
    const routeVersion = envoy.responsesOf(TYPE.route).length;

    const routes = join(served.dir, '20-routes.yaml');
    const good = await readFile(routes, 'utf8');
    await writeFile(routes, good.replace('name: cart\n  namespace: default', 'name: [cart\n  namespace: default'));
    const s = served;
    await until(async () => ((await getJson(`${s.admin}/debug/sources`)).body as { problems: unknown[] }).problems.length > 0, 'problem shown');
    const { body } = await getJson(`${served.admin}/debug/sources`);
    expect(body).toMatchObject({ source: `directory:${served.dir}`, problems: [{ subject: routes, document: 0 }] });
    const problem = (body as { problems: SourceProblem[] }).problems[0];
    expect(problem.line).toBeGreaterThan(0);
    expect(problem.column).toBeGreaterThan(0);

    // Nothing changed for the Envoy, and the server stays ready.
    await new Promise((r) => setTimeout(r, 200));
    expect(fullyLoaded(envoy)).toBe(true);
    expect(envoy.responsesOf(TYPE.route).length).toBe(routeVersion);
    expect((await fetch(`${served.admin}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${served.admin}/metrics`)).text()).toMatch(new RegExp(`^tether_source_problems\\{source="directory:${served.dir.replace(/[/.]/g, '\\$&')}"\\} 1$`, 'm'));

    // Fixing the file clears the problem.
    await writeFile(routes, good);
    await until(async () => ((await getJson(`${s.admin}/debug/sources`)).body as { problems: unknown[] }).problems.length === 0, 'problem cleared');
  });

  it('reports ready only after the source synced and the first translation', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Source = {
      name: 'slow-test-source',
      start: async (store: ObjectStore) => {
        await gate;
        store.apply([]);
      },
      stop: () => Promise.resolve(),
      problems: () => [],
      publishStatuses: () => undefined,
    };
    const adminPort = await freePort();
    const starting = serveExample({ source: slow, adminPort });
    const admin = `http://127.0.0.1:${adminPort}`;
    await until(async () => (await fetch(`${admin}/healthz`).then((r) => r.status, () => 0)) === 200, 'admin up');
    const before = await fetch(`${admin}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.text()).toMatch(/slow-test-source has not synced/);
    release();
    served = await starting;
    expect((await fetch(`${admin}/readyz`)).status).toBe(200);
  });

  it('exports the Prometheus series', async () => {
    served = await serveExample();
    const envoy = connect(served);
    await envoy.waitFor(() => fullyLoaded(envoy), 'initial config');
    await until(() => envoy.responses.length >= 4, 'pushes');
    const text = await (await fetch(`${served.admin}/metrics`)).text();
    for (const series of [
      /^tether_xds_connected_streams\{type="CDS",gateway="default\/demo-gateway"\} 1$/m,
      /^tether_xds_pushes_total\{type="LDS"\} \d+$/m,
      /^tether_xds_push_latency_seconds_bucket\{le="[^"]+",type="CDS"\} \d+$/m,
      /^tether_xds_ack_latency_seconds_count\{type="EDS"\} [1-9]\d*$/m,
      /^tether_translation_duration_seconds_count 1$/m,
      /^tether_xds_config_size_bytes\{gateway="default\/demo-gateway",variant="envoy",type="RDS"\} [1-9]\d*$/m,
      /^tether_source_problems\{source="[^"]+"\} 0$/m,
      /^tether_rebuilds_total 1$/m,
      /^tether_rebuild_errors_total 0$/m,
      /^tether_resources_encoded_total\{type="EDS"\} 10$/m,
      /^tether_ready 1$/m,
      /^# TYPE tether_xds_nacks_total counter$/m,
    ]) {
      expect(text).toMatch(series);
    }
  });

  it('counts NACKs, shows them in /debug/clients and on the route whose cluster was rejected, until fixed', async () => {
    served = await serveExample();
    let rejecting = true;
    const envoy = new FakeEnvoy({
      address: served.xds, nodeId: 'picky', cluster: GATEWAY, protocol: 'sotw',
      reject: (typeUrl, name) => (rejecting && typeUrl === TYPE.cluster && name === 'default/web/80' ? 'test rejects default/web/80' : undefined),
    });
    envoys.push(envoy);
    envoy.start();
    await envoy.waitFor(() => envoy.nacks.length > 0, 'a NACK');
    const s = served;
    await until(async () => /tether_xds_nacks_total\{type="CDS",gateway="default\/demo-gateway"\} 1/.test(await (await fetch(`${s.admin}/metrics`)).text()), 'NACK counted');
    const { body } = await getJson(`${served.admin}/debug/clients`);
    const clients = body as { streams: { stream: { nodeId: string; gateway: string; variant: string }; types: { type: string; lastNack?: { message: string } }[] }[] };
    const stream = clients.streams.find((c) => c.stream.nodeId === 'picky')!;
    expect(stream.stream).toMatchObject({ gateway: GATEWAY, variant: 'envoy' });
    expect(stream.types.find((t) => t.type === 'CDS')?.lastNack?.message).toMatch(/test rejects/);

    // The route that forwards to the rejected cluster says so in its status; the others do not.
    const rejected = async (): Promise<string[]> => {
      const st = (await getJson(`${s.admin}/debug/status`)).body as { statuses: { name: string; parents?: { conditions: { type: string; message: string }[] }[] }[] };
      return st.statuses.filter((x) => x.parents?.some((p) => p.conditions.some((c) => c.type === 'tether.dev/EnvoyRejected'))).map((x) => x.name);
    };
    await until(async () => (await rejected()).length > 0, 'EnvoyRejected condition');
    expect(await rejected()).toEqual(['web']);

    // A new CDS version the client accepts clears it.
    rejecting = false;
    await writeFile(join(served.dir, '30-new.yaml'), NEW_ROUTE);
    await until(async () => (await rejected()).length === 0, 'EnvoyRejected cleared');
  });

  it('lists clients and unknown Gateways in /debug/clients, and answers config_dump only for known Gateways', async () => {
    served = await serveExample();
    const good = connect(served);
    const lost = connect(served, 'default/no-such-gateway');
    await good.waitFor(() => fullyLoaded(good), 'config');
    await lost.waitFor(() => lost.responsesOf(TYPE.cluster).length > 0, 'empty CDS');
    expect(lost.activeClusters.size).toBe(0);
    const { body } = await getJson(`${served.admin}/debug/clients`);
    expect(body).toMatchObject({ unknownGateways: [{ nodeId: 'envoy-1', gateway: 'default/no-such-gateway', streams: 1 }] });
    const streams = (body as { streams: { stream: { nodeId: string; knownGateway: boolean }; types: { type: string; ackedVersion: string }[] }[] }).streams;
    const mine = streams.find((s) => s.stream.nodeId === 'envoy-0')!;
    expect(mine.stream.knownGateway).toBe(true);
    expect(mine.types.map((t) => t.type).sort()).toEqual(['CDS', 'EDS', 'LDS', 'RDS']);
    expect(mine.types.every((t) => t.ackedVersion !== '')).toBe(true);

    const missing = await getJson(`${served.admin}/debug/config_dump?gateway=default/no-such-gateway`);
    expect(missing).toEqual({ status: 404, body: { error: 'unknown Gateway "default/no-such-gateway"', knownGateways: [GATEWAY] } });
  });

  it('/debug/config_dump prints what `tether translate --gateway` prints, and /debug/status every object', async () => {
    served = await serveExample();
    const dump = await getJson(`${served.admin}/debug/config_dump?gateway=${GATEWAY}`);
    expect(dump.status).toBe(200);
    let printed = '';
    await runTranslate({ file: [served.dir], output: 'json', gateway: GATEWAY }, { out: (t) => (printed += t), err: () => undefined });
    expect(dump.body).toEqual(JSON.parse(printed));

    const { body } = await getJson(`${served.admin}/debug/status`);
    const statuses = (body as { statuses: { kind: string; name: string }[] }).statuses;
    expect(statuses).toEqual((JSON.parse(printed) as { status: unknown[] }).status);
    expect(statuses.map((s) => `${s.kind}/${s.name}`).sort()).toEqual([
      'Gateway/demo-gateway', 'GatewayClass/tether', 'HTTPRoute/api', 'HTTPRoute/cart', 'HTTPRoute/checkout', 'HTTPRoute/web',
    ]);
  });

  it('translates the bundled example, as `npm start` serves it, without a single problem: every route Accepted with resolved refs', async () => {
    served = await serveExample({ prestart: true });
    const statuses = served.app.loop.latest()!.statuses;
    const routes = statuses.filter((s) => s.ref.kind === 'HTTPRoute');
    expect(routes).toHaveLength(4);
    for (const r of routes) {
      if (r.status.type !== 'route') throw new Error('route status expected');
      for (const p of r.status.parents) {
        expect(p.conditions.filter((c) => c.status !== 'True').map((c) => `${r.ref.name}: ${c.type} ${c.reason} ${c.message}`)).toEqual([]);
      }
    }
    expect(served.app.source.problems()).toEqual([]);
    expect(served.logs.filter((l) => (l['level'] as number) >= 40)).toEqual([]);
  });
});

const NEW_ROUTE = `apiVersion: v1
kind: Service
metadata: {name: extra, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: extra-1
  namespace: default
  labels: {kubernetes.io/service-name: extra}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
  - addresses: ["127.0.0.51"]
    conditions: {ready: true}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: extra, namespace: default}
spec:
  parentRefs: [{name: demo-gateway}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /extra}}]
      backendRefs: [{name: extra, port: 80}]
`;
