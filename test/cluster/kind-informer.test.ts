// One informer against the fake API server: objects created, changed and deleted reach the store,
// and the failures a real cluster produces (dropped watches, 410 Gone, 5xx) lose and duplicate
// nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { KindInformer } from '../../src/sources/cluster/kind-informer.ts';
import { findWatchedKind } from '../../src/sources/cluster/watched-kinds.ts';
import { ObjectStore } from '../../src/sources/object-store.ts';
import { CORE_RESOURCES, FakeApiServer, type FakeObject, type ResourceDef } from '../support/fake-apiserver.ts';
import { waitFor } from './wait-for.ts';

const HTTPROUTES: ResourceDef = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'httproutes',
  kind: 'HTTPRoute',
  namespaced: true,
};

function route(name: string, ns = 'demo', host = 'a.example'): FakeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: { hostnames: [host], parentRefs: [{ name: 'gw' }] },
  };
}

const FAST = { backoffInitialMs: 20, backoffMaxMs: 200, missingKindRetryMs: 100 };

describe('KindInformer', () => {
  let api: FakeApiServer;
  let store: ObjectStore;
  let informer: KindInformer | undefined;

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: [...CORE_RESOURCES, HTTPROUTES] });
    store = new ObjectStore();
  });
  afterEach(async () => {
    informer?.stop();
    informer = undefined;
    await api.close();
  });

  function startInformer(kind = 'HTTPRoute', group = 'gateway.networking.k8s.io', timing = {}): KindInformer {
    const k = findWatchedKind(group, kind);
    if (!k) throw new Error(kind);
    informer = new KindInformer({ kubeConfig: api.kubeConfig(), kind: k, store, logger: silentLogger(), timing: { ...FAST, ...timing } });
    informer.start();
    return informer;
  }

  const hostOf = (name: string, ns = 'demo'): string | undefined =>
    (store.get(`gateway.networking.k8s.io/HTTPRoute/${ns}/${name}`)?.spec as { hostnames: string[] } | undefined)?.hostnames[0];

  it('lists existing objects, then follows creates, updates and deletes', async () => {
    api.put(route('r1'));
    api.put(route('r2', 'other'));
    const inf = startInformer();
    await inf.settled;
    expect(inf.synced).toBe(true);
    expect(store.list().map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['demo/r1', 'other/r2']);

    api.put(route('r3'));
    await waitFor('r3 added', () => hostOf('r3'));
    api.put(route('r1', 'demo', 'b.example'));
    await waitFor('r1 updated', () => hostOf('r1') === 'b.example');
    api.remove('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r2', 'other');
    await waitFor('r2 deleted', () => hostOf('r2', 'other') === undefined);
    expect(store.size).toBe(2);
  });

  it('fills in apiVersion and kind on core list items and drops managedFields', async () => {
    api.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demo', managedFields: [{ manager: 'kubectl' }] },
      spec: { ports: [{ port: 80 }] },
    });
    const inf = startInformer('Service', '');
    await inf.settled;
    const svc = store.get('/Service/demo/web');
    expect(svc?.apiVersion).toBe('v1');
    expect(svc?.kind).toBe('Service');
    expect(svc?.metadata.managedFields).toBeUndefined();
  });

  it('survives dropped and closed watches without losing or duplicating objects', async () => {
    api.put(route('r1'));
    const inf = startInformer();
    await inf.settled;
    await waitFor('watch open', () => api.activeWatches('httproutes') === 1);

    api.dropWatches('httproutes');
    api.put(route('r2')); // while no watch is open
    await waitFor('r2 after reconnect', () => hostOf('r2'));
    await waitFor('watch reopened', () => api.activeWatches('httproutes') === 1);

    api.closeWatches('httproutes');
    api.remove('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo');
    await waitFor('r1 deleted after reconnect', () => hostOf('r1') === undefined);
    expect(store.list().map((o) => o.metadata.name)).toEqual(['r2']);
    expect(api.activeWatches('httproutes')).toBeLessThanOrEqual(1);
  });

  // resourceVersions are opaque (no ordering may be assumed), and one watch delivers in order, so
  // only exact repeats are filtered.
  it('ignores a repeated event', async () => {
    api.put(route('r1'));
    const inf = startInformer();
    await inf.settled;
    await waitFor('watch open', () => api.activeWatches('httproutes') === 1);
    api.put(route('r1', 'demo', 'b.example'));
    await waitFor('r1 updated', () => hostOf('r1') === 'b.example');
    const revision = store.revision;
    expect(api.duplicateEvents('httproutes', 1)).toBe(1); // the MODIFIED again
    api.put(route('r2'));
    await waitFor('r2', () => hostOf('r2'));
    expect(store.revision).toBe(revision + 1); // only r2
    expect(hostOf('r1')).toBe('b.example');
  });

  it('relists on 410 Gone and removes objects deleted meanwhile', async () => {
    api.put(route('r1'));
    api.put(route('r2'));
    const inf = startInformer();
    await inf.settled;
    await waitFor('watch open', () => api.activeWatches('httproutes') === 1);
    const listsBefore = api.count('list', 'httproutes');

    // The watch misses a delete, then the history it would resume from is gone.
    api.stallWatches('httproutes');
    api.remove('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo');
    api.put(route('r3'));
    api.compact();
    api.dropWatches('httproutes');

    await waitFor('relisted state', () => hostOf('r3') && hostOf('r1') === undefined);
    expect(api.count('list', 'httproutes')).toBeGreaterThan(listsBefore);
    expect(store.list().map((o) => o.metadata.name)).toEqual(['r2', 'r3']);
  });

  it('restarts after 500s on list and watch, with backoff rather than a tight loop', async () => {
    api.inject({ verb: 'list', resource: 'httproutes', status: 500, times: 3 });
    api.put(route('r1'));
    const problems: (string | undefined)[] = [];
    const k = findWatchedKind('gateway.networking.k8s.io', 'HTTPRoute');
    if (!k) throw new Error('kind');
    const inf = new KindInformer({ kubeConfig: api.kubeConfig(), kind: k, store, logger: silentLogger(), timing: FAST, onProblem: (_s, m) => problems.push(m) });
    informer = inf;
    inf.start();
    await inf.settled;
    // The third failure in a row is reported; the successful list clears it.
    expect(problems).toEqual([expect.stringMatching(/cannot list or watch gateway.networking.k8s.io\/v1 HTTPRoute: .*500/), undefined]);
    expect(hostOf('r1')).toBe('a.example');
    expect(api.count('list', 'httproutes')).toBe(4);

    api.inject({ verb: 'watch', resource: 'httproutes', status: 500, times: 2 });
    api.dropWatches('httproutes');
    api.put(route('r2'));
    await waitFor('r2 after watch errors', () => hostOf('r2'), 5000);
    await waitFor('watch open', () => api.activeWatches('httproutes') === 1);
    expect(api.count('watch', 'httproutes')).toBeLessThan(20);
  });

  it('restarts a silent watch from its watchdog', async () => {
    api.put(route('r1'));
    const inf = startInformer('HTTPRoute', 'gateway.networking.k8s.io', { watchdogMs: 300 });
    await inf.settled;
    await waitFor('watch open', () => api.activeWatches('httproutes') === 1);
    api.inject({ verb: 'watch', resource: 'httproutes', stall: true, times: 1 });
    api.stallWatches('httproutes');
    api.put(route('r2'));
    await waitFor('r2 after the watchdog restarted the informer', () => hostOf('r2'), 5000);
    expect(inf.restarts).toBeGreaterThan(0);
  });

  it('relists periodically', async () => {
    api.put(route('r1'));
    const inf = startInformer('HTTPRoute', 'gateway.networking.k8s.io', { relistMs: 150 });
    await inf.settled;
    await waitFor('three lists', () => api.count('list', 'httproutes') >= 3, 3000);
    expect(store.size).toBe(1);
  });

  it('watches one namespace through namespaced paths', async () => {
    api.put(route('r1', 'demo'));
    api.put(route('r2', 'other'));
    const k = findWatchedKind('gateway.networking.k8s.io', 'HTTPRoute');
    if (!k) throw new Error('kind');
    informer = new KindInformer({ kubeConfig: api.kubeConfig(), kind: k, namespace: 'demo', store, logger: silentLogger(), timing: FAST });
    informer.start();
    await informer.settled;
    api.put(route('r3', 'other'));
    api.put(route('r4', 'demo'));
    await waitFor('r4', () => hostOf('r4'));
    expect(store.list().map((o) => o.metadata.name)).toEqual(['r1', 'r4']);
    expect(api.requests.filter((r) => r.resource === 'httproutes').every((r) => r.path.includes('/namespaces/demo/'))).toBe(true);
  });

  it('drops the objects of a kind whose CRD is removed, reports it, and resumes when it is back', async () => {
    const problems: (string | undefined)[] = [];
    const k = findWatchedKind('gateway.networking.k8s.io', 'HTTPRoute');
    if (!k) throw new Error('kind');
    api.put(route('r1'));
    informer = new KindInformer({
      kubeConfig: api.kubeConfig(),
      kind: k,
      store,
      logger: silentLogger(),
      timing: FAST,
      onProblem: (_subject, message) => problems.push(message),
    });
    informer.start();
    await informer.settled;
    expect(store.size).toBe(1);

    api.unregister('gateway.networking.k8s.io', 'httproutes');
    await waitFor('objects dropped', () => store.size === 0);
    expect(informer.missing).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/HTTPRoute is not served/);

    api.register(HTTPROUTES);
    api.put(route('r2'));
    await waitFor('r2 after the CRD is back', () => hostOf('r2'));
    expect(problems).toEqual([problems[0], undefined]);
    expect(informer.missing).toBe(false);
  });

  it('reports a kind it may not read (403) once, without holding up the sync, and reads it once allowed', async () => {
    const problems: (string | undefined)[] = [];
    const k = findWatchedKind('gateway.networking.k8s.io', 'HTTPRoute');
    if (!k) throw new Error('kind');
    api.put(route('r1'));
    api.inject({ verb: 'list', resource: 'httproutes', status: 403, times: 3 });
    informer = new KindInformer({ kubeConfig: api.kubeConfig(), kind: k, store, logger: silentLogger(), timing: FAST, onProblem: (_s, m) => problems.push(m) });
    informer.start();
    await informer.settled;
    expect(informer.synced).toBe(false);
    expect(problems).toEqual([expect.stringMatching(/403 Forbidden .*ClusterRole/)]);
    await waitFor('r1 once allowed', () => hostOf('r1'), 3000);
    expect(problems).toEqual([problems[0], undefined]);
  });
});
