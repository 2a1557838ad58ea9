// `tether serve --source kubernetes` end to end, in-process: the bundled example's objects live in
// the fake API server, the real app serves them to an Envoy-like ADS client over real gRPC, cluster
// changes reach that Envoy, watch failures cost nothing, and the leader writes the route statuses
// translation computed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ClusterSource } from '../../src/sources/cluster/cluster-source.ts';
import { CONTROLLER_NAME } from '../../src/status/status.ts';
import { DEFAULT_SOURCE_DIR } from '../../src/config.ts';
import { FakeEnvoy } from '../support/fake-envoy.ts';
import { FakeApiServer, type FakeObject } from '../support/fake-apiserver.ts';
import { serveExample, type Served } from '../serve/serve-harness.ts';
import { clusterResources } from './fixtures.ts';
import { waitFor } from './wait-for.ts';

const GATEWAY = 'default/demo-gateway';
const CLUSTERS = ['default/api/80/sticky', 'default/cart/80/sticky', 'default/checkout-v1/80', 'default/checkout-v2/80', 'default/web/80'];

function exampleObjects(): FakeObject[] {
  return readdirSync(DEFAULT_SOURCE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(DEFAULT_SOURCE_DIR, f), 'utf8')).map((d) => d.toJS() as FakeObject))
    .filter((o) => o !== null);
}

interface RouteStatus {
  parents: { controllerName: string; parentRef: { name: string }; conditions: { type: string; status: string; observedGeneration: number }[] }[];
}

describe('tether serve --source kubernetes (in-process, fake API server)', () => {
  let api: FakeApiServer;
  let served: Served | undefined;
  let envoy: FakeEnvoy | undefined;

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: clusterResources() });
    for (const o of exampleObjects()) api.put(o);
  });
  afterEach(async () => {
    envoy?.close();
    await served?.stop();
    served = undefined;
    await api.close();
  });

  async function serve(): Promise<FakeEnvoy> {
    const source = new ClusterSource({
      logger: pino({ level: 'silent' }),
      kubeConfig: api.kubeConfig('tether-0'),
      informerTiming: { backoffInitialMs: 20, backoffMaxMs: 200 },
      leaderElection: { namespace: 'tether-system', identity: 'tether-0', leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 },
      status: { debounceMs: 20 },
    });
    served = await serveExample({ source });
    envoy = new FakeEnvoy({ address: served.xds, nodeId: 'envoy-0', cluster: GATEWAY, protocol: 'delta' });
    envoy.start();
    const e = envoy;
    await e.waitFor(() => e.activeListeners.size === 1 && e.activeClusters.size === CLUSTERS.length && e.endpoints.size === CLUSTERS.length, 'initial config');
    return e;
  }

  it('serves the cluster’s Gateway and follows EndpointSlice and route changes', async () => {
    const e = await serve();
    expect(e.effectiveConfig().clusters.active).toEqual(CLUSTERS);
    expect(e.endpointAddresses('default/web/80').sort()).toEqual(['127.0.0.11:8080', '127.0.0.12:8080', '127.0.0.13:8080']);

    // A pod moves: the EndpointSlice changes in the cluster, Envoy gets the new address.
    const slice = api.get('discovery.k8s.io/v1', 'EndpointSlice', 'web-1', 'default') as FakeObject & { endpoints: { addresses: string[] }[] };
    slice.endpoints[2].addresses = ['127.0.0.99'];
    api.put(slice);
    await e.waitFor(() => e.endpointAddresses('default/web/80').includes('127.0.0.99:8080'), 'moved endpoint');
    expect(e.endpointAddresses('default/web/80').sort()).toEqual(['127.0.0.11:8080', '127.0.0.12:8080', '127.0.0.99:8080']);

    // The watches break and the history is compacted meanwhile: a relist catches up, nothing doubles.
    api.stallWatches();
    slice.endpoints[0].addresses = ['127.0.0.98'];
    api.put(slice);
    api.compact();
    api.dropWatches();
    await e.waitFor(() => e.endpointAddresses('default/web/80').includes('127.0.0.98:8080'), 'endpoint after 410 relist', 10_000);
    expect(e.endpointAddresses('default/web/80').sort()).toEqual(['127.0.0.12:8080', '127.0.0.98:8080', '127.0.0.99:8080']);

    // A route is deleted: Envoy no longer routes to its sticky cluster.
    api.remove('gateway.networking.k8s.io/v1', 'HTTPRoute', 'api', 'default');
    await e.waitFor(() => !e.routedClusters().has('default/api/80/sticky'), 'no route to the deleted route’s cluster');
    expect(e.routedClusters()).toEqual(new Set(CLUSTERS.filter((c) => c !== 'default/api/80/sticky')));
    expect(e.nacks).toEqual([]);
    expect(e.violations).toEqual([]);
  });

  it('writes the statuses translation computed, as leader, once', async () => {
    await serve();
    const routeStatus = () => api.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'cart', 'default')?.status as RouteStatus | undefined;
    await waitFor('HTTPRoute status', () => routeStatus()?.parents.length);
    const ours = routeStatus()?.parents.find((p) => p.controllerName === CONTROLLER_NAME);
    expect(ours?.parentRef.name).toBe('demo-gateway');
    expect(ours?.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True', observedGeneration: 1 });
    await waitFor('Gateway status', () => api.get('gateway.networking.k8s.io/v1', 'Gateway', 'demo-gateway', 'default')?.status);
    await waitFor('GatewayClass status', () => api.get('gateway.networking.k8s.io/v1', 'GatewayClass', 'tether')?.status);

    // Our own status writes are not changes to translate: no write loop.
    await new Promise((r) => setTimeout(r, 500));
    const patches = api.count('patch');
    await new Promise((r) => setTimeout(r, 500));
    expect(api.count('patch')).toBe(patches);
    const perObject = new Map<string, number>();
    for (const r of api.requests.filter((x) => x.verb === 'patch')) perObject.set(`${r.resource}/${r.name}`, (perObject.get(`${r.resource}/${r.name}`) ?? 0) + 1);
    expect([...perObject.values()].every((n) => n === 1)).toBe(true);
  });

  it('reads FleetParameters the Gateway names: edge settings reach Envoy, a missing object is InvalidParameters', async () => {
    const gw = api.get('gateway.networking.k8s.io/v1', 'Gateway', 'demo-gateway', 'default') as FakeObject & { spec: Record<string, unknown> };
    gw.spec['infrastructure'] = { parametersRef: { group: 'tether.dev', kind: 'FleetParameters', name: 'edge' } };
    api.put(gw);
    api.put({ apiVersion: 'tether.dev/v1alpha1', kind: 'FleetParameters', metadata: { name: 'edge', namespace: 'default' }, spec: { edge: { trustedHops: 2, accessLog: 'Off' } } });
    const e = await serve();
    const hcm = () => {
      const listener = [...e.activeListeners.values()][0]?.json as { filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[] } | undefined;
      return listener?.filter_chains[0].filters[0].typed_config;
    };
    expect(hcm()?.['xff_num_trusted_hops']).toBe(2);
    expect(hcm()?.['access_log']).toBeUndefined();

    // The object changes in the cluster: the listener follows.
    api.put({ apiVersion: 'tether.dev/v1alpha1', kind: 'FleetParameters', metadata: { name: 'edge', namespace: 'default' }, spec: { edge: { trustedHops: 1 } } });
    await e.waitFor(() => hcm()?.['xff_num_trusted_hops'] === 1, 'one trusted hop');
    expect(hcm()?.['access_log']).toBeDefined();

    // It goes away: the Gateway is not accepted, says why, and is no longer served.
    api.remove('tether.dev/v1alpha1', 'FleetParameters', 'edge', 'default');
    const accepted = () => (api.get('gateway.networking.k8s.io/v1', 'Gateway', 'demo-gateway', 'default')?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Accepted');
    await waitFor('Gateway InvalidParameters', () => accepted()?.reason === 'InvalidParameters');
    expect(accepted()).toMatchObject({ status: 'False', message: 'spec.infrastructure.parametersRef: FleetParameters default/edge not found' });
    await e.waitFor(() => e.activeListeners.size === 0, 'listeners withdrawn');
  });
});
