// The whole Kubernetes source against the fake API server: every watched kind flows into the
// store, missing CRDs are reported and picked up once installed, and with two replicas only the
// leader writes status, including after a hand-over.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { ClusterSource } from '../../src/sources/cluster/cluster-source.ts';
import { WATCHED_KINDS, findWatchedKind } from '../../src/sources/cluster/watched-kinds.ts';
import { ObjectStore } from '../../src/sources/object-store.ts';
import { FakeApiServer } from '../support/fake-apiserver.ts';
import { clusterResources, httpRoute, resourceOf, routeStatus } from './fixtures.ts';
import { sleep, waitFor } from './wait-for.ts';

const FAST_INFORMERS = { backoffInitialMs: 20, backoffMaxMs: 200, missingKindRetryMs: 150 };
const FAST_LEASE = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

describe('ClusterSource', () => {
  let api: FakeApiServer;
  const sources: ClusterSource[] = [];

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: clusterResources(['sessionstickypolicies', 'backendlbpolicies']) });
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.stop()));
    await api.close();
  });

  function source(identity: string, extra: Partial<ConstructorParameters<typeof ClusterSource>[0]> = {}): ClusterSource {
    const s = new ClusterSource({
      logger: silentLogger(),
      kubeConfig: api.kubeConfig(identity),
      informerTiming: FAST_INFORMERS,
      leaderElection: { namespace: 'tether-system', identity, ...FAST_LEASE },
      status: { debounceMs: 20, retryInitialMs: 20, retryMaxMs: 100 },
      ...extra,
    });
    sources.push(s);
    return s;
  }

  it('fills the store with every watched kind, reports missing CRDs once, and picks them up later', async () => {
    for (const k of WATCHED_KINDS) {
      if (k.plural === 'sessionstickypolicies' || k.plural === 'backendlbpolicies') continue;
      api.put({
        apiVersion: k.group ? `${k.group}/${k.version}` : k.version,
        kind: k.kind,
        metadata: k.namespaced ? { name: `x-${k.plural}`, namespace: 'demo' } : { name: `x-${k.plural}` },
        spec: {},
        // Secrets are watched by type: only certificates (kubernetes.io/tls) reach Tether.
        ...(k.kind === 'Secret' ? { type: 'kubernetes.io/tls' } : {}),
      });
    }
    api.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-password', namespace: 'demo' }, type: 'Opaque', data: {} });
    const store = new ObjectStore();
    const s = source('a');
    await s.start(store);
    expect(s.synced).toBe(true);
    expect(store.list().filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual(['x-secrets']);
    expect(new Set(store.list().map((o) => o.kind))).toEqual(
      new Set(WATCHED_KINDS.filter((k) => !['SessionStickyPolicy', 'BackendLBPolicy'].includes(k.kind)).map((k) => k.kind)),
    );
    expect(s.problems().map((p) => p.subject).sort()).toEqual(['BackendLBPolicy', 'SessionStickyPolicy']);
    expect(s.problems()[0].message).toMatch(/not served by the API server/);

    await sleep(400); // several retries: still one problem each
    expect(s.problems()).toHaveLength(2);

    const ssp = findWatchedKind('gateway.flomesh.io', 'SessionStickyPolicy');
    if (!ssp) throw new Error('kind');
    api.register(resourceOf(ssp));
    api.put({ apiVersion: 'gateway.flomesh.io/v1alpha1', kind: 'SessionStickyPolicy', metadata: { name: 'p', namespace: 'demo' }, spec: { ports: [] } });
    await waitFor('SessionStickyPolicy in the store', () => store.get('gateway.flomesh.io/SessionStickyPolicy/demo/p'));
    expect(s.problems().map((p) => p.subject)).toEqual(['BackendLBPolicy']);
  });

  it('reads only the namespaces asked for (cluster-scoped kinds always)', async () => {
    api.put(httpRoute('in', 'demo'));
    api.put(httpRoute('out', 'elsewhere'));
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
    const store = new ObjectStore();
    const s = source('a', { namespaces: ['demo', 'demo2'] });
    await s.start(store);
    expect(store.list().map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual(['HTTPRoute in', 'Namespace elsewhere']);
  });

  it('lets only the leader write status, once per change, and hands over when the leader stops renewing', async () => {
    api.put(httpRoute('r1'));
    const a = source('a');
    const b = source('b');
    const storeA = new ObjectStore();
    const storeB = new ObjectStore();
    await a.start(storeA);
    await waitFor('a leads', () => a.isLeader);
    await b.start(storeB);
    expect(b.isLeader).toBe(false);

    // Both replicas translate and publish, repeatedly.
    for (let i = 0; i < 5; i++) {
      a.publishStatuses([routeStatus('r1')]);
      b.publishStatuses([routeStatus('r1')]);
      await sleep(10);
    }
    await waitFor('status written', () => api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo')?.status);
    await sleep(200);
    const patchesBy = (token: string) => api.requests.filter((r) => r.verb === 'patch' && r.resource === 'httproutes' && r.token === token).length;
    expect(patchesBy('a')).toBe(1);
    expect(patchesBy('b')).toBe(0);

    // Our own status write is not a change the store reports (no rebuild loop on status).
    const revision = storeA.revision;
    await sleep(100);
    expect(storeA.revision).toBe(revision);

    // The leader's lease renewals start failing: it steps down, b takes over and writes.
    api.inject({ resource: 'leases', token: 'a', status: 500, times: Infinity });
    await waitFor('a steps down', () => !a.isLeader, 3000);
    await waitFor('b leads', () => b.isLeader, 5000);
    a.publishStatuses([routeStatus('r1', 'False')]);
    b.publishStatuses([routeStatus('r1', 'False')]);
    await waitFor('b wrote the change', () => {
      const st = api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo')?.status as { parents: { conditions: { status: string }[] }[] } | undefined;
      return st?.parents[0].conditions[0].status === 'False';
    });
    await sleep(200);
    expect(patchesBy('a')).toBe(1);
    expect(patchesBy('b')).toBe(1);
  });

  it('writes status without election when it is turned off, and stops writing on stop()', async () => {
    api.put(httpRoute('r1'));
    const s = source('solo', { leaderElection: { enabled: false } });
    await s.start(new ObjectStore());
    expect(s.isLeader).toBe(true);
    s.publishStatuses([routeStatus('r1')]);
    await waitFor('written', () => api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo')?.status);
    expect(api.count('create', 'leases')).toBe(0);
    await s.stop();
    s.publishStatuses([routeStatus('r1', 'False')]);
    await sleep(100);
    expect(api.count('patch', 'httproutes')).toBe(1);
  });

  it('reports failing leader election and failing status writes as problems, and clears them', async () => {
    api.put(httpRoute('r1'));
    api.inject({ resource: 'leases', status: 403, times: Infinity });
    const s = source('a');
    await s.start(new ObjectStore());
    await waitFor('leader election problem', () => s.problems().find((p) => p.subject === 'leader election'));
    expect(s.problems().find((p) => p.subject === 'leader election')?.message).toMatch(/Lease tether-system\/tether-leader failed/);
    api.clearFaults();
    await waitFor('leads', () => s.isLeader, 3000);
    await waitFor('problem cleared', () => !s.problems().some((p) => p.subject === 'leader election'));

    api.inject({ verb: 'patch', subresource: 'status', status: 403, times: 3 });
    s.publishStatuses([routeStatus('r1')]);
    await waitFor('status write problem', () => s.problems().find((p) => p.subject === 'status writes'));
    await waitFor('written in the end', () => api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'r1', 'demo')?.status, 5000);
    await waitFor('status problem cleared', () => !s.problems().some((p) => p.subject === 'status writes'));
  });
});
