import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AdminServer, type AdminView } from './admin-server.ts';
import { createMetrics } from './metrics.ts';

describe('AdminServer', () => {
  let server: AdminServer | undefined;
  afterEach(async () => server?.stop());

  let ready = false;
  const start = async (overrides: Partial<AdminView> = {}, token?: string): Promise<string> => {
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
    server = new AdminServer({ host: '127.0.0.1', port: 0, view, logger: pino({ level: 'silent' }), ...(token !== undefined ? { token } : {}) });
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

  /** A raw GET, so the path goes out exactly as written (fetch would normalise `//`). */
  const rawGet = (base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.path = path;
      req.end();
    });

  it('answers 404 for unknown paths, `//` and odd ones included, and never 500', async () => {
    const base = await start();
    for (const path of ['//', '///x', '//debug/status', '/debug/', '/debug', '/%2e%2e/', '/healthz/', '/?']) {
      const r = await rawGet(base, path);
      expect([path, r.status]).toEqual([path, path === '/?' ? 200 : 404]);
    }
  });

  it('with a token, /debug/* needs it; health, readiness and metrics do not', async () => {
    const base = await start({}, 's3cret-token');
    for (const path of ['/debug/status', '/debug/clients', '/debug/sources', '/debug/config_dump?gateway=default/demo']) {
      expect((await fetch(`${base}${path}`)).status).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    }
    expect((await fetch(`${base}/debug/status`)).headers.get('www-authenticate')).toMatch(/^Bearer/);
    for (const path of ['/healthz', '/metrics']) expect((await fetch(`${base}${path}`)).status).toBe(200);
  });

  it('masks header-match and header values in config_dump unless ?secrets=show with the token', async () => {
    const route = {
      name: 'r',
      match: { prefix: '/', headers: [{ name: 'x-api-key', string_match: { exact: 'key-123' } }, { name: 'x-re', safe_regex_match: { regex: 'tok.*' } }], query_parameters: [{ name: 'k', string_match: { exact: 'qv' } }] },
      request_headers_to_add: [{ header: { key: 'authorization', value: 'Basic abc' } }],
    };
    const dump = { listeners: [], routes: [{ name: 'rc', virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [route] }] }], clusters: [], endpoints: [], status: [] };
    const configDump: AdminView['configDump'] = () => ({ found: true, dump });
    let base = await start({ configDump });
    const masked = await (await fetch(`${base}/debug/config_dump?gateway=default/demo`)).text();
    for (const secret of ['key-123', 'tok.*', 'qv', 'Basic abc']) expect(masked).not.toContain(secret);
    for (const name of ['x-api-key', 'x-re', '"k"', 'authorization', '[masked]']) expect(masked).toContain(name);
    // Without a token configured, secrets are never shown.
    expect((await fetch(`${base}/debug/config_dump?gateway=default/demo&secrets=show`)).status).toBe(403);
    await server!.stop();
    base = await start({ configDump }, 'tok');
    const auth = { authorization: 'Bearer tok' };
    expect((await fetch(`${base}/debug/config_dump?gateway=default/demo&secrets=show`)).status).toBe(401);
    const shown = await (await fetch(`${base}/debug/config_dump?gateway=default/demo&secrets=show`, { headers: auth })).json();
    expect(shown).toEqual(dump);
    expect(await (await fetch(`${base}/debug/config_dump?gateway=default/demo`, { headers: auth })).text()).not.toContain('key-123');
  });
});
