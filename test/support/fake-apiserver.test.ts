// The fake API server is a test dependency other tests trust, so its protocol is tested here with
// plain HTTP: what kube-apiserver would answer, byte for byte where clients depend on it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORE_RESOURCES, FakeApiServer, type FakeObject, type ResourceDef } from './fake-apiserver.ts';

const ROUTES: ResourceDef = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute', namespaced: true };
const CLASSES: ResourceDef = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', kind: 'GatewayClass', namespaced: false };
const ROUTES_PATH = '/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes';

function route(name: string, spec: Record<string, unknown> = { hostnames: ['a.example'] }): FakeObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'demo' }, spec };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, inspected by assertions
type Json = any;

const condition = { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' };

describe('FakeApiServer', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: [...CORE_RESOURCES, ROUTES, CLASSES], eventLogSize: 5, bookmarkIntervalMs: 50 });
  });
  afterEach(() => api.close());

  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(api.url + path, {
      method,
      headers: { 'content-type': contentType, authorization: 'Bearer t' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { code: res.status, body: (await res.json()) as Record<string, Json> };
  };

  /** Reads a watch stream until `count` events arrived or it ended. */
  const watch = async (query: string, count: number, ms = 2000): Promise<{ type: string; object: Json }[]> => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), ms);
    const events: { type: string; object: Json }[] = [];
    try {
      const res = await fetch(`${api.url}${ROUTES_PATH}?watch=true&${query}`, { signal: ac.signal });
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += Buffer.from(chunk).toString('utf8');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        if (events.length >= count) break;
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
    return events;
  };

  it('creates with uid, generation 1 and a resourceVersion, and lists with the current resourceVersion', async () => {
    const created = await call('POST', ROUTES_PATH, route('r1'));
    expect(created.code).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'r1', namespace: 'demo', generation: 1 });
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const list = await call('GET', ROUTES_PATH);
    expect(list.body.kind).toBe('HTTPRouteList');
    expect(list.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
    expect(list.body.items.map((o: FakeObject) => o.metadata.name)).toEqual(['r1']);
    const again = await call('POST', ROUTES_PATH, route('r1'));
    expect(again).toMatchObject({ code: 409, body: { kind: 'Status', reason: 'AlreadyExists', code: 409 } });
  });

  it('strips apiVersion and kind from core list items, like typed lists', async () => {
    api.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'demo' }, spec: {} });
    const list = await call('GET', '/api/v1/services');
    expect(list.body.items[0].kind).toBeUndefined();
    expect((await call('GET', '/api/v1/namespaces/demo/services/s')).body.kind).toBe('Service');
  });

  it('answers 404 with a Status for unregistered resources, and serves them once registered', async () => {
    const missing = await call('GET', '/apis/tether.dev/v1alpha1/sessionpolicies');
    expect(missing).toMatchObject({ code: 404, body: { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 } });
    api.register({ group: 'tether.dev', version: 'v1alpha1', plural: 'sessionpolicies', kind: 'SessionPolicy', namespaced: true });
    expect((await call('GET', '/apis/tether.dev/v1alpha1/sessionpolicies')).code).toBe(200);
    api.unregister('tether.dev', 'sessionpolicies');
    expect((await call('GET', '/apis/tether.dev/v1alpha1/sessionpolicies')).code).toBe(404);
  });

  it('keeps spec and status apart and bumps generation only on spec changes', async () => {
    const c = await call('POST', ROUTES_PATH, { ...route('r1'), status: { parents: [] } });
    expect(c.body.status).toBeUndefined(); // create ignores status
    const path = `${ROUTES_PATH}/r1`;
    const s = await call('PUT', `${path}/status`, { ...c.body, spec: { hostnames: ['evil'] }, status: { parents: [{ controllerName: 'x', parentRef: { name: 'gw' }, conditions: [condition] }] } });
    expect(s.code).toBe(200);
    expect(s.body.spec.hostnames).toEqual(['a.example']); // /status writes only status
    expect(s.body.metadata.generation).toBe(1);
    const u = await call('PUT', path, { ...s.body, spec: { hostnames: ['b.example'] }, status: {} });
    expect(u.body.metadata.generation).toBe(2);
    expect(u.body.status.parents).toHaveLength(1); // main writes ignore status
    const same = await call('PUT', path, u.body);
    expect(same.body.metadata.resourceVersion).toBe(u.body.metadata.resourceVersion); // no-op write
  });

  it('answers 409 Conflict to a stale resourceVersion on update and merge patch', async () => {
    const c = await call('POST', ROUTES_PATH, route('r1'));
    const path = `${ROUTES_PATH}/r1`;
    await call('PATCH', path, { spec: { hostnames: ['b'] } }, 'application/merge-patch+json');
    const stale = await call('PATCH', `${path}/status`, { metadata: { resourceVersion: c.body.metadata.resourceVersion }, status: { parents: [] } }, 'application/merge-patch+json');
    expect(stale).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
    const put = await call('PUT', path, c.body);
    expect(put.code).toBe(409);
  });

  it('applies JSON patches, answering 422 when a test op fails, and 415 to an unknown patch type', async () => {
    const c = await call('POST', ROUTES_PATH, route('r1'));
    const path = `${ROUTES_PATH}/r1`;
    const ok = await call('PATCH', path, [
      { op: 'test', path: '/metadata/resourceVersion', value: c.body.metadata.resourceVersion },
      { op: 'add', path: '/spec/hostnames/-', value: 'b.example' },
    ], 'application/json-patch+json');
    expect(ok.body.spec.hostnames).toEqual(['a.example', 'b.example']);
    const bad = await call('PATCH', path, [{ op: 'test', path: '/metadata/resourceVersion', value: '1' }], 'application/json-patch+json');
    expect(bad).toMatchObject({ code: 422, body: { reason: 'Invalid' } });
    expect((await call('PATCH', path, {}, 'application/x-unknown-patch')).code).toBe(415);
    // Server-side apply is served (fake-apiserver-apply.test.ts); without a field manager it is invalid.
    expect((await call('PATCH', path, {}, 'application/apply-patch+yaml')).code).toBe(422);
  });

  it('validates metav1.Condition fields on status writes', async () => {
    await call('POST', ROUTES_PATH, route('r1'));
    const { lastTransitionTime: _t, ...noTime } = condition;
    const bad = await call('PATCH', `${ROUTES_PATH}/r1/status`, { status: { parents: [{ controllerName: 'x', parentRef: { name: 'g' }, conditions: [noTime] }] } }, 'application/merge-patch+json');
    expect(bad).toMatchObject({ code: 422, body: { message: expect.stringContaining('lastTransitionTime') } });
  });

  it('serves cluster-scoped resources and rejects namespaced paths for them', async () => {
    const gc = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'x/y' } };
    expect((await call('POST', '/apis/gateway.networking.k8s.io/v1/gatewayclasses', gc)).code).toBe(201);
    expect((await call('GET', '/apis/gateway.networking.k8s.io/v1/gatewayclasses/tether')).body.metadata.namespace).toBeUndefined();
    expect((await call('GET', '/apis/gateway.networking.k8s.io/v1/namespaces/demo/gatewayclasses')).code).toBe(404);
  });

  it('watches from "" with synthetic ADDED events, then live events', async () => {
    api.put(route('r1'));
    const events = watch('', 3);
    await new Promise((r) => setTimeout(r, 100));
    api.put(route('r1', { hostnames: ['b'] }));
    api.remove('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo');
    expect((await events).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('replays from a resourceVersion, and answers 410 Expired once the log is past it', async () => {
    const first = api.put(route('r1'));
    api.put(route('r2'));
    api.put(route('r1', { hostnames: ['b'] }));
    const replay = await watch(`resourceVersion=${first.metadata.resourceVersion}`, 2);
    expect(replay.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED r2', 'MODIFIED r1']);
    for (let i = 0; i < 6; i++) api.put(route(`x${i}`)); // log holds 5 events
    const gone = await watch(`resourceVersion=${first.metadata.resourceVersion}`, 1);
    expect(gone).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
    api.compact();
    const compacted = await watch(`resourceVersion=${Number(api.resourceVersion) - 1}`, 1);
    expect(compacted[0].object.code).toBe(410);
  });

  it('sends BOOKMARKs when allowed and closes after timeoutSeconds', async () => {
    api.put(route('r1'));
    const events = await watch(`resourceVersion=${api.resourceVersion}&allowWatchBookmarks=true`, 2);
    expect(events.map((e) => e.type)).toEqual(['BOOKMARK', 'BOOKMARK']);
    expect(events[0].object).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { resourceVersion: api.resourceVersion } });
    const started = Date.now();
    const none = await watch(`resourceVersion=${api.resourceVersion}&timeoutSeconds=1`, 1, 5000);
    expect(none).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('filters by label and field selectors', async () => {
    api.put({ ...route('a'), metadata: { name: 'a', namespace: 'demo', labels: { app: 'x', tier: 'web' } } });
    api.put({ ...route('b'), metadata: { name: 'b', namespace: 'demo', labels: { app: 'y' } } });
    const names = async (q: string) => (await call('GET', `${ROUTES_PATH}?${q}`)).body.items.map((o: FakeObject) => o.metadata.name);
    expect(await names('labelSelector=app%3Dx')).toEqual(['a']);
    expect(await names('labelSelector=app%20in%20(x,y),!tier')).toEqual(['b']);
    expect(await names('labelSelector=tier')).toEqual(['a']);
    expect(await names('fieldSelector=metadata.name%3Db')).toEqual(['b']);
  });

  it('pages lists with limit and continue', async () => {
    for (const n of ['a', 'b', 'c']) api.put(route(n));
    const p1 = await call('GET', `${ROUTES_PATH}?limit=2`);
    expect(p1.body.items).toHaveLength(2);
    const p2 = await call('GET', `${ROUTES_PATH}?limit=2&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
    expect(p2.body.items.map((o: FakeObject) => o.metadata.name)).toEqual(['c']);
    expect(p2.body.metadata.continue).toBeUndefined();
  });

  it('injects faults by verb, resource and token, a given number of times', async () => {
    api.inject({ verb: 'list', resource: 'httproutes', status: 429, times: 2 });
    api.inject({ verb: 'get', token: 'someone-else', status: 403 });
    expect((await call('GET', ROUTES_PATH)).code).toBe(429);
    expect((await call('GET', ROUTES_PATH)).body.reason).toBe('TooManyRequests');
    expect((await call('GET', ROUTES_PATH)).code).toBe(200);
    expect((await call('GET', '/api/v1/services')).code).toBe(200);
    api.inject({ verb: 'list', delayMs: 200 });
    const t = Date.now();
    await call('GET', ROUTES_PATH);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(api.count('list', 'httproutes')).toBe(4);
  });

  it('stalls, closes and drops watches on request and counts them', async () => {
    api.inject({ verb: 'watch', stall: true });
    api.put(route('r1'));
    const stalled = await watch('', 1, 300);
    expect(stalled).toEqual([]); // headers, then silence
    const open = watch('', 5, 2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(api.activeWatches('httproutes')).toBe(1);
    expect(api.closeWatches('httproutes')).toBe(1);
    expect((await open).map((e) => e.type)).toEqual(['ADDED']);
    expect(api.activeWatches()).toBe(0);
    expect(api.connectionCount).toBeGreaterThan(0);
  });

  it('delivers duplicate events on request', async () => {
    const events = watch(`resourceVersion=${api.resourceVersion}`, 3);
    await new Promise((r) => setTimeout(r, 100));
    api.put(route('r1'));
    expect(api.duplicateEvents('httproutes', 1)).toBe(1);
    api.put(route('r2'));
    expect((await events).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED r1', 'ADDED r1', 'ADDED r2']);
  });

  it('stores Leases with resourceVersion preconditions', async () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'tether-system' }, spec: { holderIdentity: 'a' } };
    const path = '/apis/coordination.k8s.io/v1/namespaces/tether-system/leases';
    const c = await call('POST', path, lease);
    expect(c.code).toBe(201);
    const u = await call('PUT', `${path}/l`, { ...c.body, spec: { holderIdentity: 'b' } });
    expect(u.body.spec.holderIdentity).toBe('b');
    expect((await call('PUT', `${path}/l`, { ...c.body, spec: { holderIdentity: 'c' } })).code).toBe(409);
  });
});
