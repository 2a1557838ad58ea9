// The status writer against the fake API server: read-modify-write on /status with a merge patch
// and a resourceVersion precondition, once per change, other controllers' entries untouched,
// conflicts retried, and nothing at all written by a replica that does not lead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { StatusWriter } from '../../src/sources/cluster/status-writer.ts';
import { CONTROLLER_NAME } from '../../src/status/status.ts';
import { FakeApiServer } from '../support/fake-apiserver.ts';
import { OTHER_CONTROLLER_PARENT, clusterResources, httpRoute, routeStatus } from './fixtures.ts';
import { sleep, waitFor } from './wait-for.ts';

interface RouteStatusBody {
  parents: { controllerName: string; conditions: { type: string; status: string; lastTransitionTime: string; observedGeneration: number }[] }[];
}

describe('StatusWriter', () => {
  let api: FakeApiServer;
  let writer: StatusWriter;

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: clusterResources() });
    writer = new StatusWriter({ kubeConfig: api.kubeConfig(), logger: silentLogger(), debounceMs: 20, retryInitialMs: 20, retryMaxMs: 100 });
  });
  afterEach(async () => {
    writer.stop();
    await api.close();
  });

  const patches = () => api.requests.filter((r) => r.verb === 'patch' && r.subresource === 'status');
  const statusOf = (name: string) => api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', name, 'demo')?.status as RouteStatusBody | undefined;

  it('writes a burst of publishes once, as a merge patch on /status with a resourceVersion', async () => {
    api.put(httpRoute('r1'));
    writer.setLeader(true);
    for (let i = 0; i < 10; i++) writer.publish([routeStatus('r1')]);
    await sleep(50);
    await writer.idle();
    expect(patches()).toHaveLength(1);
    expect(patches()[0].contentType).toBe('application/merge-patch+json');
    const s = statusOf('r1');
    expect(s?.parents[0].controllerName).toBe(CONTROLLER_NAME);
    expect(s?.parents[0].conditions[0]).toMatchObject({ type: 'Accepted', status: 'True', observedGeneration: 1 });

    // Publishing the same again writes nothing (and reads nothing).
    const reads = api.count('get');
    writer.publish([routeStatus('r1')]);
    await sleep(50);
    await writer.idle();
    expect(patches()).toHaveLength(1);
    expect(api.count('get')).toBe(reads);

    // A change is written, once.
    writer.publish([routeStatus('r1', 'False')]);
    await sleep(50);
    await writer.idle();
    expect(patches()).toHaveLength(2);
    expect(statusOf('r1')?.parents[0].conditions[0].status).toBe('False');
  });

  it('keeps other controllers’ parents byte for byte and stamps lastTransitionTime only on flips', async () => {
    api.put({ ...httpRoute('r1'), status: { parents: [OTHER_CONTROLLER_PARENT] } }, { withStatus: true });
    writer.setLeader(true);
    writer.publish([routeStatus('r1')]);
    await waitFor('written', () => statusOf('r1')?.parents.length === 2);
    const first = statusOf('r1') as RouteStatusBody;
    expect(first.parents[0]).toEqual(OTHER_CONTROLLER_PARENT);

    await sleep(1100); // timestamps have second precision
    const resolvedRefsOnly = routeStatus('r1');
    if (resolvedRefsOnly.status.type === 'route') resolvedRefsOnly.status.parents[0].conditions[1].reason = 'Changed';
    writer.publish([resolvedRefsOnly]);
    await sleep(50);
    await writer.idle();
    const second = statusOf('r1') as RouteStatusBody;
    expect(second.parents[0]).toEqual(OTHER_CONTROLLER_PARENT);
    expect(second.parents[1].conditions[0].lastTransitionTime).toBe(first.parents[1].conditions[0].lastTransitionTime);
  });

  it('sets observedGeneration to the generation read, and skips a status computed from an older spec', async () => {
    api.put(httpRoute('r1'));
    api.put(httpRoute('r1', 'demo', 'b.example')); // generation 2
    writer.setLeader(true);
    writer.publish([{ ...routeStatus('r1'), generation: 1 }]);
    await sleep(50);
    await writer.idle();
    expect(patches()).toHaveLength(0);
    writer.publish([{ ...routeStatus('r1'), generation: 2 }]);
    await waitFor('written', () => statusOf('r1'));
    expect(statusOf('r1')?.parents[0].conditions[0].observedGeneration).toBe(2);
  });

  it('re-reads and retries on 409 Conflict', async () => {
    api.put(httpRoute('r1'));
    writer.setLeader(true);
    // Between our read and our write someone else changes the object: our precondition is stale.
    api.inject({
      verb: 'patch',
      before: () => api.put({ ...httpRoute('r1'), metadata: { name: 'r1', namespace: 'demo', labels: { touched: 'yes' } } }),
    });
    writer.publish([routeStatus('r1')]);
    await waitFor('written', () => statusOf('r1'));
    await writer.idle();
    expect(writer.stats.conflicts).toBe(1);
    expect(api.requests.filter((r) => r.verb === 'patch' && r.status === 409)).toHaveLength(1);
    expect(writer.stats.writes).toBe(1);
  });

  it('retries after server errors', async () => {
    api.put(httpRoute('r1'));
    writer.setLeader(true);
    api.inject({ verb: 'patch', status: 500, times: 2 });
    writer.publish([routeStatus('r1')]);
    await waitFor('written after errors', () => statusOf('r1'), 5000);
    expect(writer.stats.errors).toBe(2);
  });

  it('writes nothing while not leading, and everything pending on becoming leader', async () => {
    api.put(httpRoute('r1'));
    api.put(httpRoute('r2'));
    writer.publish([routeStatus('r1'), routeStatus('r2')]);
    await sleep(100);
    expect(api.requests.filter((r) => r.resource === 'httproutes')).toHaveLength(0);
    writer.setLeader(true);
    await waitFor('both written', () => statusOf('r1') && statusOf('r2'));
    writer.setLeader(false);
    writer.publish([routeStatus('r1', 'False'), routeStatus('r2')]);
    await sleep(100);
    expect(statusOf('r1')?.parents[0].conditions[0].status).toBe('True');
    expect(patches()).toHaveLength(2);
  });

  it('removes our entries from a route that left translation, and skips vendor kinds and deleted objects', async () => {
    api.put({ ...httpRoute('r1'), status: { parents: [OTHER_CONTROLLER_PARENT] } }, { withStatus: true });
    writer.setLeader(true);
    writer.publish([routeStatus('r1'), routeStatus('deleted')]);
    await waitFor('written', () => statusOf('r1')?.parents.length === 2);
    writer.publish([
      { ref: { group: 'networking.istio.io', kind: 'DestinationRule', namespace: 'demo', name: 'd' }, writable: false, status: { type: 'conditions', conditions: [] } },
    ]);
    await waitFor('our entry removed', () => statusOf('r1')?.parents.length === 1);
    expect(statusOf('r1')?.parents[0]).toEqual(OTHER_CONTROLLER_PARENT);
    await writer.idle();
    expect(api.requests.some((r) => r.resource === 'destinationrules')).toBe(false);

    // A status for an object that is gone is not read again and again on later rebuilds.
    const readsOfDeleted = () => api.requests.filter((r) => r.verb === 'get' && r.name === 'deleted').length;
    const before = readsOfDeleted();
    for (let i = 0; i < 3; i++) {
      writer.publish([]);
      await sleep(40);
      await writer.idle();
    }
    expect(readsOfDeleted()).toBe(before);
  });

  it('writes GatewayClass conditions (cluster-scoped) and Gateway listeners', async () => {
    api.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: CONTROLLER_NAME } });
    api.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'demo' }, spec: { gatewayClassName: 'tether', listeners: [] } });
    writer.setLeader(true);
    const accepted = { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: '' };
    writer.publish([
      { ref: { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'tether' }, writable: true, status: { type: 'conditions', conditions: [accepted] } },
      {
        ref: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'demo', name: 'gw' },
        writable: true,
        status: { type: 'gateway', conditions: [accepted], listeners: [{ name: 'http', supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], attachedRoutes: 1, conditions: [accepted] }] },
      },
    ]);
    await waitFor('class status', () => api.get('gateway.networking.k8s.io/v1', 'GatewayClass', 'tether')?.status);
    await waitFor('gateway status', () => api.get('gateway.networking.k8s.io/v1', 'Gateway', 'gw', 'demo')?.status);
    expect(api.get('gateway.networking.k8s.io/v1', 'Gateway', 'gw', 'demo')?.status).toMatchObject({ listeners: [{ name: 'http', attachedRoutes: 1 }] });
    expect(api.get('gateway.networking.k8s.io/v1', 'GatewayClass', 'tether')?.metadata.generation).toBe(1);
  });

  it('writes policy ancestors for SessionPolicy and XBackendTrafficPolicy, keeping other controllers’ ancestors', async () => {
    const theirs = { ...OTHER_CONTROLLER_PARENT, parentRef: undefined, ancestorRef: { name: 'other-gw' } };
    delete (theirs as { parentRef?: unknown }).parentRef;
    api.put({ apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name: 'p', namespace: 'demo' }, spec: {}, status: { ancestors: [theirs] } }, { withStatus: true });
    api.put({ apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackendTrafficPolicy', metadata: { name: 'x', namespace: 'demo' }, spec: {} });
    writer.setLeader(true);
    const ancestors = [
      {
        ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'demo', name: 'gw' },
        controllerName: CONTROLLER_NAME,
        conditions: [{ type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: '' }],
      },
    ];
    writer.publish([
      { ref: { group: 'tether.dev', kind: 'SessionPolicy', namespace: 'demo', name: 'p' }, writable: true, status: { type: 'policy', ancestors } },
      { ref: { group: 'gateway.networking.x-k8s.io', kind: 'XBackendTrafficPolicy', namespace: 'demo', name: 'x' }, writable: true, status: { type: 'policy', ancestors } },
    ]);
    await waitFor('SessionPolicy status', () => (api.get('tether.dev/v1alpha1', 'SessionPolicy', 'p', 'demo')?.status as { ancestors: unknown[] } | undefined)?.ancestors.length === 2);
    await waitFor('XBackendTrafficPolicy status', () => api.get('gateway.networking.x-k8s.io/v1alpha1', 'XBackendTrafficPolicy', 'x', 'demo')?.status);
    const sp = api.get('tether.dev/v1alpha1', 'SessionPolicy', 'p', 'demo')?.status as { ancestors: { controllerName: string }[] };
    expect(sp.ancestors[0]).toEqual(theirs);
    expect(sp.ancestors[1].controllerName).toBe(CONTROLLER_NAME);
    expect(patches().map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/apis/tether.dev/v1alpha1/namespaces/demo/sessionpolicies/p/status',
        '/apis/gateway.networking.x-k8s.io/v1alpha1/namespaces/demo/xbackendtrafficpolicies/x/status',
      ]),
    );
  });
});
