// The provisioner against the fake API server over real HTTP: fleets appear, follow their Gateway,
// report addresses and readiness into the Gateway's status, correct drift, are written by the
// leader only, and are adopted after a restart without being created again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import type { FleetParameters } from '../../src/k8s/fleet-parameters.ts';
import type { Gateway } from '../../src/k8s/gateway-api/gateway.ts';
import { FleetController } from '../../src/provision/fleet-controller.ts';
import { BOOTSTRAP_FILE, BOOTSTRAP_HASH_ANNOTATION } from '../../src/provision/fleet-names.ts';
import { standardInstallFacts } from '../../src/provision/install-facts.ts';
import { ClusterSource } from '../../src/sources/cluster/cluster-source.ts';
import { ObjectStore } from '../../src/sources/object-store.ts';
import { CONTROLLER_NAME } from '../../src/status/status.ts';
import { translate } from '../../src/translate/translate.ts';
import { FakeApiServer, FLEET_RESOURCES, type FakeObject } from '../support/fake-apiserver.ts';
import { clusterResources } from './fixtures.ts';
import { sleep, waitFor } from './wait-for.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects from the fake API server are free-form JSON
type Obj = any;

const FAST_INFORMERS = { backoffInitialMs: 20, backoffMaxMs: 200, missingKindRetryMs: 150 };
const FAST_LEASE = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };
const facts = standardInstallFacts({ namespace: 'tether-system', xdsPort: 18000, tls: true });

const gatewayClass: FakeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: CONTROLLER_NAME } };
const otherClass: FakeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'other' }, spec: { controllerName: 'example.com/other' } };

function gateway(name: string, listeners: { name: string; port: number }[] = [{ name: 'http', port: 80 }], className = 'tether'): FakeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'shop' },
    spec: { gatewayClassName: className, listeners: listeners.map((l) => ({ ...l, protocol: 'HTTP' })) },
  };
}

interface Replica {
  source: ClusterSource;
  store: ObjectStore;
  fleets: FleetController;
}

describe('provisioning Envoy fleets', () => {
  let api: FakeApiServer;
  const replicas: Replica[] = [];

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: [...clusterResources(), ...FLEET_RESOURCES], bookmarkIntervalMs: 200 });
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    api.put(gatewayClass);
    api.put(otherClass);
  });

  afterEach(async () => {
    for (const r of replicas.splice(0)) {
      r.fleets.stop();
      await r.source.stop();
    }
    await api.close();
  });

  /** A Tether replica: the cluster source, the provisioner, and statuses from real translation, decorated and written. */
  async function replica(identity: string, opts: { parameters?: FleetParameters | ((gw: Gateway) => FleetParameters | undefined); leaderElection?: boolean; resyncMs?: number } = {}): Promise<Replica> {
    const store = new ObjectStore();
    const source = new ClusterSource({
      logger: silentLogger(),
      kubeConfig: api.kubeConfig(identity),
      informerTiming: FAST_INFORMERS,
      leaderElection: { enabled: opts.leaderElection ?? false, namespace: 'tether-system', identity, ...FAST_LEASE },
      status: { debounceMs: 20, retryInitialMs: 20, retryMaxMs: 100 },
    });
    const publish = (): void => source.publishStatuses(fleets.decorate(translate(store.list()).statuses));
    const fleets: FleetController = new FleetController({
      kubeConfig: api.kubeConfig(identity),
      logger: silentLogger(),
      store,
      parameters: (gw) => (typeof opts.parameters === 'function' ? opts.parameters(gw) : (opts.parameters ?? {})),
      facts,
      debounceMs: 10,
      retryInitialMs: 20,
      retryMaxMs: 100,
      resyncMs: opts.resyncMs ?? 60_000,
      informerTiming: FAST_INFORMERS,
      onChange: publish,
    });
    store.subscribe(publish);
    const r = { source, store, fleets };
    replicas.push(r);
    await source.start(store);
    source.onLeadership((leader) => fleets.setLeader(leader));
    await fleets.start();
    return r;
  }

  const deployment = (name = 'tether-edge'): Obj => api.get('apps/v1', 'Deployment', name, 'shop');
  const service = (name = 'tether-edge'): Obj => api.get('v1', 'Service', name, 'shop');
  const configMap = (name = 'tether-edge'): Obj => api.get('v1', 'ConfigMap', name, 'shop');
  const gatewayStatus = (name = 'edge'): Obj => api.get('gateway.networking.k8s.io/v1', 'Gateway', name, 'shop')?.status;
  const programmed = (name = 'edge'): Obj => gatewayStatus(name)?.conditions?.find((c: Obj) => c.type === 'Programmed');

  it('makes a fleet for a Gateway, follows a new listener (Service, bootstrap, a rollout), and reports address and readiness', async () => {
    await replica('a');
    api.put(gateway('edge'));
    await waitFor('the whole fleet', () => api.get('policy/v1', 'PodDisruptionBudget', 'tether-edge', 'shop'));
    const dep = deployment();
    for (const [kind, apiVersion] of [['ServiceAccount', 'v1'], ['ConfigMap', 'v1'], ['Service', 'v1'], ['PodDisruptionBudget', 'policy/v1']]) {
      expect(api.get(apiVersion, kind, 'tether-edge', 'shop'), kind).toBeDefined();
    }
    const gw = api.get('gateway.networking.k8s.io/v1', 'Gateway', 'edge', 'shop') as Obj;
    expect(dep.metadata.ownerReferences).toEqual([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'edge', uid: gw.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(dep.metadata.managedFields.map((m: Obj) => [m.manager, m.operation])).toEqual([['tether', 'Apply']]);
    expect(JSON.parse(configMap().data[BOOTSTRAP_FILE]).node.cluster).toBe('shop/edge');
    // Privileged port mapped.
    expect(service().spec.ports).toEqual([{ name: 'tcp-80', port: 80, targetPort: 10080, protocol: 'TCP' }]);
    expect(dep.spec.template.spec.containers[0].ports).toEqual([{ name: 'tcp-80', containerPort: 10080, protocol: 'TCP' }]);

    // A LoadBalancer Service without an address: not programmed, and says why.
    await waitFor('AddressNotAssigned', () => programmed()?.reason === 'AddressNotAssigned');
    expect(programmed().status).toBe('False');

    // The load balancer assigns an address: status.addresses has it; still no ready Envoy.
    api.put({ ...service(), status: { loadBalancer: { ingress: [{ ip: '198.51.100.10' }] } } }, { withStatus: true });
    await waitFor('the address in status', () => gatewayStatus()?.addresses?.[0]?.value === '198.51.100.10');
    expect(gatewayStatus().addresses).toEqual([{ type: 'IPAddress', value: '198.51.100.10' }]);
    expect(programmed()).toMatchObject({ status: 'False', reason: 'Pending' });
    api.put({ ...deployment(), status: { replicas: 2, readyReplicas: 1 } }, { withStatus: true });
    await waitFor('Programmed=True', () => programmed()?.status === 'True');

    // A listener is added: the Service and the bootstrap follow, the pod template changes (a rollout).
    const hashBefore = deployment().spec.template.metadata.annotations[BOOTSTRAP_HASH_ANNOTATION];
    const templateBefore = JSON.stringify(deployment().spec.template);
    const uidBefore = deployment().metadata.uid;
    api.put(gateway('edge', [{ name: 'http', port: 80 }, { name: 'https', port: 443 }]));
    await waitFor('the new Service port', () => service().spec.ports.length === 2);
    expect(service().spec.ports.map((p: Obj) => [p.port, p.targetPort])).toEqual([[80, 10080], [443, 10443]]);
    await waitFor('the new container port', () => deployment().spec.template.spec.containers[0].ports.length === 2);
    // The pod template changed (a new container port), which rolls the Deployment: a new
    // generation of the same object. The bootstrap hash stays: listeners come over ADS, not in it.
    expect(JSON.stringify(deployment().spec.template)).not.toBe(templateBefore);
    expect(deployment().spec.template.metadata.annotations[BOOTSTRAP_HASH_ANNOTATION]).toBe(hashBefore);
    expect(deployment().metadata.uid).toBe(uidBefore);
    expect(deployment().metadata.generation).toBeGreaterThan(dep.metadata.generation);
  });

  it('rolls the fleet when its bootstrap changes', async () => {
    const first = await replica('a');
    api.put(gateway('edge'));
    const hash = await waitFor('the Deployment', () => deployment()?.spec.template.metadata.annotations[BOOTSTRAP_HASH_ANNOTATION]);
    first.fleets.stop();
    await first.source.stop();
    // Tether's xDS Service moved: a new Tether renders a new bootstrap, and the pod template follows.
    const moved = standardInstallFacts({ namespace: 'tether-system', xdsPort: 18001, tls: true });
    const store = new ObjectStore();
    const source = new ClusterSource({ logger: silentLogger(), kubeConfig: api.kubeConfig('b'), informerTiming: FAST_INFORMERS, leaderElection: { enabled: false } });
    const fleets = new FleetController({ kubeConfig: api.kubeConfig('b'), logger: silentLogger(), store, parameters: () => ({}), facts: moved, debounceMs: 10, informerTiming: FAST_INFORMERS });
    replicas.push({ source, store, fleets });
    await source.start(store);
    source.onLeadership((l) => fleets.setLeader(l));
    await fleets.start();
    await waitFor('a new bootstrap hash', () => deployment().spec.template.metadata.annotations[BOOTSTRAP_HASH_ANNOTATION] !== hash);
    expect(JSON.parse(configMap().data[BOOTSTRAP_FILE]).static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(18001);
  });

  it('gives two Gateways two fleets, each naming its own Gateway; a ClusterIP Service reports its cluster IP', async () => {
    await replica('a', { parameters: { service: { type: 'ClusterIP' } } });
    api.put(gateway('edge'));
    api.put(gateway('admin', [{ name: 'http', port: 8080 }]));
    await waitFor('both fleets', () => deployment('tether-edge') && deployment('tether-admin'));
    expect(JSON.parse(configMap('tether-edge').data[BOOTSTRAP_FILE]).node.cluster).toBe('shop/edge');
    expect(JSON.parse(configMap('tether-admin').data[BOOTSTRAP_FILE]).node.cluster).toBe('shop/admin');
    const ip = service('tether-admin').spec.clusterIP;
    await waitFor('the cluster IP in status', () => gatewayStatus('admin')?.addresses?.[0]?.value === ip);
    expect(programmed('admin')).toMatchObject({ status: 'False', reason: 'Pending' });
  });

  it('corrects drift at once for watched edits, and periodically for everything', async () => {
    await replica('a', { resyncMs: 300 });
    api.put(gateway('edge'));
    await waitFor('the Deployment', () => deployment());
    // Someone scales the Deployment by hand (a merge patch under another field manager).
    const res = await fetch(`${api.url}/apis/apps/v1/namespaces/shop/deployments/tether-edge?fieldManager=kubectl-edit`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', authorization: 'Bearer someone' },
      body: JSON.stringify({ spec: { replicas: 7 }, metadata: { labels: { extra: 'x' } } }),
    });
    expect(res.status).toBe(200);
    await waitFor('replicas taken back', () => deployment().spec.replicas === 2);
    // The label Tether does not render stays (it is someone else's field).
    expect(deployment().metadata.labels.extra).toBe('x');
    // Someone deletes the ConfigMap: it comes back.
    api.remove('v1', 'ConfigMap', 'tether-edge', 'shop');
    await waitFor('the ConfigMap again', () => configMap());
    // An unwatched field edited without a watch event reaching Tether: the periodic apply restores it.
    api.put({ ...(api.get('policy/v1', 'PodDisruptionBudget', 'tether-edge', 'shop') as Obj), spec: { maxUnavailable: 3, selector: { matchLabels: { a: 'b' } } } });
    await waitFor('the budget restored', () => (api.get('policy/v1', 'PodDisruptionBudget', 'tether-edge', 'shop') as Obj).spec.maxUnavailable === 1);
  });

  it('writes only while leading; a restart adopts existing fleets without creating anything', async () => {
    const a = await replica('a', { leaderElection: true });
    await waitFor('a leads', () => a.source.isLeader);
    const b = await replica('b', { leaderElection: true });
    api.put(gateway('edge'));
    await waitFor('the Deployment', () => deployment());
    await a.fleets.idle();
    await sleep(200);
    const writers = new Set(api.requests.filter((r) => r.verb === 'patch' && r.resource === 'deployments').map((r) => r.token));
    expect(writers).toEqual(new Set(['a']));
    expect(b.fleets.isLeader).toBe(false);
    const uids = ['deployments', 'services', 'configmaps'].map((p) => api.list(p === 'deployments' ? 'apps' : '', p).map((o) => o.metadata.uid));
    const rv = deployment().metadata.resourceVersion;

    // The leader stops; b takes over and applies everything again, which changes nothing.
    const before = api.requests.length;
    a.fleets.stop();
    await a.source.stop();
    await waitFor('b leads', () => b.fleets.isLeader);
    await waitFor('b applied', () => api.requests.slice(before).some((r) => r.token === 'b' && r.verb === 'patch' && r.resource === 'deployments'));
    await b.fleets.idle();
    const after = api.requests.slice(before).filter((r) => r.token === 'b');
    expect(after.filter((r) => r.verb === 'create' || r.verb === 'delete')).toEqual([]);
    expect(after.filter((r) => r.verb === 'patch' && r.resource !== 'gateways').every((r) => r.status === 200)).toBe(true);
    expect(['deployments', 'services', 'configmaps'].map((p) => api.list(p === 'deployments' ? 'apps' : '', p).map((o) => o.metadata.uid))).toEqual(uids);
    expect(deployment().metadata.resourceVersion).toBe(rv);
  });

  it('holds the fleet of a Gateway whose parameters turned invalid, and makes none for a new one', async () => {
    const invalid = new Set<string>();
    await replica('a', { parameters: (gw) => (invalid.has(gw.meta.name) ? undefined : {}) });
    api.put(gateway('edge'));
    await waitFor('the fleet', () => deployment() && service());
    const before = JSON.stringify([deployment().spec, service().spec]);
    invalid.add('edge');
    invalid.add('fresh');
    api.put(gateway('fresh'));
    // A change the fleet would follow if the parameters were valid: it is not followed.
    api.put(gateway('edge', [{ name: 'http', port: 80 }, { name: 'alt', port: 8080 }]));
    // A valid Gateway put after both: once its fleet exists, the provisioner has seen the others.
    api.put(gateway('marker', [{ name: 'http', port: 8080 }]));
    await waitFor('a later fleet', () => deployment('tether-marker'));
    await sleep(100);
    expect(JSON.stringify([deployment().spec, service().spec])).toBe(before);
    expect(deployment('tether-fresh')).toBeUndefined();
    expect(api.requests.filter((r) => r.verb === 'delete' && r.name === 'tether-edge')).toEqual([]);
    // Valid again: the fleet follows the Gateway.
    invalid.clear();
    api.put(gateway('edge', [{ name: 'http', port: 80 }, { name: 'alt', port: 8080 }, { name: 'alt2', port: 8081 }]));
    await waitFor('the fleet follows again', () => service().spec.ports.length === 3);
    await waitFor('the new Gateway gets its fleet', () => deployment('tether-fresh'));
  });

  it('removes the fleet of a Gateway that leaves Tether\'s class; the garbage collector removes that of a deleted Gateway', async () => {
    await replica('a');
    api.put(gateway('edge'));
    api.put(gateway('admin', [{ name: 'http', port: 8080 }]));
    await waitFor('both fleets', () => deployment('tether-edge') && deployment('tether-admin'));
    api.put(gateway('edge', [{ name: 'http', port: 80 }], 'other'));
    await waitFor('the fleet removed', () => !deployment('tether-edge') && !service('tether-edge') && !configMap('tether-edge'));
    api.remove('gateway.networking.k8s.io/v1', 'Gateway', 'admin', 'shop');
    await waitFor('the fleet collected', () => !deployment('tether-admin') && !service('tether-admin'));
    expect(api.requests.filter((r) => r.verb === 'delete' && r.name === 'tether-admin')).toEqual([]);
  });

  it('does not take over an object of the same name that is not Tether\'s, and says so in status', async () => {
    api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tether-edge', namespace: 'shop' }, data: { mine: 'yes' } });
    await replica('a', { parameters: { service: { type: 'ClusterIP' } } });
    api.put(gateway('edge'));
    await waitFor('the Deployment', () => deployment());
    expect(configMap().data).toEqual({ mine: 'yes' });
    await waitFor('the problem in status', () => /ConfigMap shop\/tether-edge exists and is not this Gateway's fleet/.test(programmed()?.message ?? ''));
  });

  it('makes an autoscaler and owns no replicas while autoscaling', async () => {
    await replica('a', { parameters: { autoscaling: { minReplicas: 2, maxReplicas: 5 } } });
    api.put(gateway('edge'));
    await waitFor('the autoscaler', () => api.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'tether-edge', 'shop'));
    // The API server defaults replicas; Tether does not own the field, so it never fights the autoscaler over it.
    expect(deployment().spec.replicas).toBe(1);
    const owned = deployment().metadata.managedFields.find((m: Obj) => m.manager === 'tether').fieldsV1;
    expect(owned['f:spec']['f:replicas']).toBeUndefined();
    // The autoscaler scales the Deployment (its own field manager); Tether's next applies leave that alone.
    const scaled = await fetch(`${api.url}/apis/apps/v1/namespaces/shop/deployments/tether-edge?fieldManager=horizontal-pod-autoscaler`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', authorization: 'Bearer hpa' },
      body: JSON.stringify({ spec: { replicas: 4 } }),
    });
    expect(scaled.status).toBe(200);
    await sleep(300);
    expect(deployment().spec.replicas).toBe(4);
  });
});

describe('a Gateway whose fleet cannot be made', () => {
  it('is reported in its status, and the other Gateways\' fleets are made', async () => {
    const api = await FakeApiServer.start({ resources: [...clusterResources(), ...FLEET_RESOURCES] });
    const store = new ObjectStore();
    const source = new ClusterSource({ logger: silentLogger(), kubeConfig: api.kubeConfig(), informerTiming: FAST_INFORMERS, leaderElection: { enabled: false }, status: { debounceMs: 20 } });
    const fleets: FleetController = new FleetController({
      kubeConfig: api.kubeConfig(),
      logger: silentLogger(),
      store,
      parameters: (gw) => {
        if (gw.meta.name === 'broken') throw new Error('parameters could not be merged');
        return {};
      },
      facts,
      debounceMs: 10,
      informerTiming: FAST_INFORMERS,
      onChange: () => source.publishStatuses(fleets.decorate(translate(store.list()).statuses)),
    });
    try {
      api.put(gatewayClass);
      store.subscribe(() => source.publishStatuses(fleets.decorate(translate(store.list()).statuses)));
      await source.start(store);
      source.onLeadership((l) => fleets.setLeader(l));
      await fleets.start();
      api.put(gateway('broken'));
      api.put(gateway('edge'));
      await waitFor('the good fleet', () => api.get('apps/v1', 'Deployment', 'tether-edge', 'shop'));
      const status = await waitFor('the broken one reported', () => {
        const c = (api.get('gateway.networking.k8s.io/v1', 'Gateway', 'broken', 'shop') as Obj)?.status?.conditions?.find((x: Obj) => x.type === 'Programmed');
        return c?.status === 'False' ? c : undefined;
      });
      expect(status).toMatchObject({ reason: 'Invalid', message: expect.stringContaining('parameters could not be merged') });
      expect(api.get('apps/v1', 'Deployment', 'tether-broken', 'shop')).toBeUndefined();
    } finally {
      fleets.stop();
      await source.stop();
      await api.close();
    }
  });
});
