import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AdminServer, type AdminView } from './admin-server.ts';
import { createMetrics } from './metrics.ts';

describe('AdminServer', () => {
  let server: AdminServer | undefined;
  afterEach(async () => server?.stop());

  let ready = false;
  const start = async (overrides: Partial<AdminView> = {}): Promise<string> => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.rebuilds.inc(3);
    ready = false;
    const view: AdminView = {
      readiness: () => ({ ready, reasons: ready ? [] : ['waiting for the first translation'] }),
      registry: metrics.registry,
      configDump: (gw) => (gw === 'default/demo' ? { found: true, dump: { listeners: [], routes: [], clusters: [], endpoints: [], status: [] } } : { found: false, knownGateways: ['default/demo'] }),
      gateways: () => ['default/demo'],
      clients: () => ({ streams: [], unknownGateways: [] }),
      sources: () => ({ source: 'directory:/x', problems: [{ subject: '/x/a.yaml', message: 'bad', since: '2026-01-01T00:00:00.000Z', line: 3 }] }),
      statuses: () => [],
      ...overrides,
    };
    server = new AdminServer({ host: '127.0.0.1', port: 0, view, logger: pino({ level: 'silent' }) });
    const port = await server.start();
    return `http://127.0.0.1:${port}`;
  };

  it('answers health, readiness, metrics and the debug views', async () => {
    const base = await start();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toMatch(/waiting for the first translation/);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await metrics.text()).toMatch(/^tether_rebuilds_total 3$/m);

    expect(await (await fetch(`${base}/debug/config_dump?gateway=default/demo`)).json()).toEqual({ listeners: [], routes: [], clusters: [], endpoints: [], status: [] });
    const unknown = await fetch(`${base}/debug/config_dump?gateway=default/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown Gateway "default/nope"', knownGateways: ['default/demo'] });
    expect((await fetch(`${base}/debug/config_dump`)).status).toBe(400);

    expect(await (await fetch(`${base}/debug/sources`)).json()).toMatchObject({ problems: [{ subject: '/x/a.yaml', line: 3 }] });
    expect(await (await fetch(`${base}/debug/status`)).json()).toEqual({ statuses: [] });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('turns an exception in a view into a 500 and keeps serving', async () => {
    const base = await start({ statuses: () => { throw new Error('boom'); } });
    expect((await fetch(`${base}/debug/status`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
