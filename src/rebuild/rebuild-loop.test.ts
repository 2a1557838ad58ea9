import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ObjectStore } from '../sources/object-store.ts';
import { SnapshotCache } from '../xds/snapshot-cache.ts';
import { TypeUrl } from '../xds/resource-types.ts';
import { protoRegistry, type JsonObject } from '../codec/proto-registry.ts';
import { RebuildLoop } from './rebuild-loop.ts';
import type { TranslationResult } from './rebuild-result.ts';
import type { EnvoyResources } from '../envoy/build-envoy-resources.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import type { GatewayIR } from '../ir/ir.ts';
import { createMetrics } from '../admin/metrics.ts';

// A stand-in translation: every ConfigMap named gw-* is a Gateway whose data.port is its listener
// port and whose data.endpoints lists endpoint IPs. Enough to drive the loop's real encode and cache.
function fakeTranslate(objects: KubeObject[]): TranslationResult {
  const gateways: GatewayIR[] = objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gw-'))
    .map((o) => {
      const data = o['data'] as { port: string; endpoints: string; explode?: string };
      if (data.explode) throw new Error('bug in translation');
      const name = `${o.metadata.namespace}/${o.metadata.name}`;
      return {
        name,
        listeners: [{ name: `${name}/${data.port}`, port: Number(data.port), bindPort: Number(data.port), virtualHosts: [] }],
        edge: { accessLog: 'JSON', trustedHops: 0, proxyProtocol: false, escapedSlashes: 'UnescapeAndRedirect', headersWithUnderscores: 'Drop', drainTimeoutSeconds: 5, maxConnections: 50000 },
        clusters: [{ name: `${name}/backend`, sticky: false, loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, connectTimeoutSeconds: 1, http2: false,
          localities: [{ name: 'default/b:80', backend: { namespace: 'default', name: 'b', port: 80 }, weight: 1, endpoints: data.endpoints.split(',').map((a) => ({ address: a, port: 80, health: 'HEALTHY' as const })) }] }],
      };
    });
  return { ir: { gateways }, statuses: [] };
}

function fakeBuild(gw: GatewayIR): EnvoyResources {
  const cluster = gw.clusters[0];
  return {
    listeners: gw.listeners.map((l) => ({ name: l.name, address: { socket_address: { address: '0.0.0.0', port_value: l.port } } })),
    routes: [],
    clusters: [{ name: cluster.name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } }],
    endpoints: [{ cluster_name: cluster.name, endpoints: [{ lb_endpoints: cluster.localities[0].endpoints.map((e) => ({ endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } } })) }] }],
  };
}

const gwObject = (name: string, port: number, endpoints: string, extra: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { port: String(port), endpoints, ...extra },
});

function setup(debounce = { quietMs: 10, maxMs: 100 }, build: (gw: GatewayIR) => EnvoyResources = fakeBuild) {
  const store = new ObjectStore();
  const snapshots = new SnapshotCache({ versionPrefix: 't' });
  const metrics = createMetrics({ processMetrics: false });
  const published: number[] = [];
  let encodes = 0;
  const registry = protoRegistry();
  const loop = new RebuildLoop({
    store,
    translate: fakeTranslate,
    builders: { envoy: build, grpc: build },
    encode: (t: string, j: JsonObject) => {
      encodes++;
      return registry.encode(t, j);
    },
    snapshots,
    publishStatuses: (s) => published.push(s.length),
    logger: pino({ level: 'silent' }),
    metrics,
    debounce,
  });
  return { store, snapshots, metrics, loop, published, encodes: () => encodes };
}

const claAddresses = (snapshots: SnapshotCache, gw: string): string[] => {
  const view = snapshots.view(gw, 'envoy')!;
  const r = [...view.type(TypeUrl.endpoint).resources.values()][0];
  if (!r) return [];
  // sotwField is `resources` (field 2) of a DiscoveryResponse: a tag byte, a varint length, the Any.
  let offset = 1;
  while (r.sotwField[offset] >= 0x80) offset++;
  const any = protoRegistry().decode('google.protobuf.Any', r.sotwField.subarray(offset + 1));
  const cla = any as { '@type': string; endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[] }[] };
  return cla.endpoints[0].lb_endpoints.map((e) => e.endpoint.address.socket_address.address);
};

describe('RebuildLoop', () => {
  it('builds the first config on start, marks the cache ready and publishes statuses', () => {
    const t = setup();
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    expect(t.snapshots.isReady()).toBe(false);
    t.loop.start();
    expect(t.snapshots.isReady()).toBe(true);
    expect(t.loop.ready).toBe(true);
    expect(t.snapshots.gateways()).toEqual(['default/gw-a']);
    expect(claAddresses(t.snapshots, 'default/gw-a')).toEqual(['10.0.0.1']);
    expect(t.published).toEqual([0]);
    t.loop.stop();
  });

  it('coalesces a burst of changes into one rebuild', async () => {
    const t = setup({ quietMs: 20, maxMs: 1_000 });
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    t.loop.start();
    const before = t.loop.latest()!.revision;
    const next = t.loop.nextRebuild();
    for (let i = 2; i <= 6; i++) t.store.apply([gwObject('gw-a', 8080, `10.0.0.${i}`)]);
    await next;
    expect(t.loop.latest()!.revision).toBe(before + 5);
    expect(claAddresses(t.snapshots, 'default/gw-a')).toEqual(['10.0.0.6']);
    expect(await t.metrics.rebuilds.get()).toMatchObject({ values: [{ value: 2 }] });
    t.loop.stop();
  });

  it('rebuilds within the cap even while changes keep arriving', async () => {
    const t = setup({ quietMs: 30, maxMs: 60 });
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    t.loop.start();
    const started = performance.now();
    let i = 0;
    const trickle = setInterval(() => t.store.apply([gwObject('gw-a', 8080, `10.0.1.${++i}`)]), 10);
    await t.loop.nextRebuild();
    clearInterval(trickle);
    // Without the cap the trickle would postpone the rebuild for ever; any bounded wait shows the cap works.
    expect(performance.now() - started).toBeLessThan(2_000);
    t.loop.stop();
  });

  it('encodes only resources whose JSON changed', () => {
    const t = setup();
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    t.loop.start();
    expect(t.encodes()).toBe(6); // listener, cluster, CLA × two client forms
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.2')]);
    t.loop.flush();
    expect(t.encodes()).toBe(8); // only the two CLAs
    expect(t.loop.latest()).toMatchObject({ encoded: 2, reused: 4 });
    t.loop.stop();
  });

  it('keeps the previous config served when a rebuild throws, and counts the error', () => {
    const t = setup();
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    t.loop.start();
    const revision = t.loop.latest()!.revision;
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.9', { explode: 'yes' })]);
    t.loop.flush();
    expect(t.loop.latest()!.revision).toBe(revision);
    expect(claAddresses(t.snapshots, 'default/gw-a')).toEqual(['10.0.0.1']);
    return t.metrics.rebuildErrors.get().then((v) => {
      expect(v.values[0]?.value).toBe(1);
      t.loop.stop();
    });
  });

  it('drops the snapshots of a Gateway that disappeared', () => {
    const t = setup();
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1'), gwObject('gw-b', 9090, '10.0.0.2')]);
    t.loop.start();
    expect(t.snapshots.gateways()).toEqual(['default/gw-a', 'default/gw-b']);
    t.store.apply([], ['/ConfigMap/default/gw-b']);
    t.loop.flush();
    expect(t.snapshots.gateways()).toEqual(['default/gw-a']);
    t.loop.stop();
  });

  it('does not mark the cache ready when the first rebuild fails', () => {
    const t = setup();
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1', { explode: 'yes' })]);
    t.loop.start();
    expect(t.snapshots.isReady()).toBe(false);
    expect(t.loop.ready).toBe(false);
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    t.loop.flush();
    expect(t.snapshots.isReady()).toBe(true);
    t.loop.stop();
  });
});

describe('RebuildLoop endpoint fast path (real translation)', () => {
  const servedVersions = (cache: SnapshotCache): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const gw of cache.gateways()) {
      for (const variant of ['envoy', 'grpc'] as const) {
        const view = cache.view(gw, variant)!;
        for (const t of Object.values(TypeUrl)) for (const [name, r] of view.type(t).resources) out[`${gw}|${variant}|${t}|${name}`] = r.version;
      }
    }
    return out;
  };

  const realLoop = async (store: ObjectStore, fast: boolean, routes = false) => {
    const { translate } = await import('../translate/translate.ts');
    const { buildEnvoyResources } = await import('../envoy/build-envoy-resources.ts');
    const { buildGrpcClientResources } = await import('../envoy/build-grpc-client-resources.ts');
    const { buildClusterLoadAssignment } = await import('../envoy/endpoint.ts');
    const { EndpointFastPath } = await import('../translate/endpoint-fast-path.ts');
    const cache = new SnapshotCache({ versionPrefix: 'v' });
    const statuses: number[] = [];
    const loop = new RebuildLoop({
      store, translate: routes ? (o) => translate(o, { routeFastPath: { options: () => ({}) } }) : translate, builders: { envoy: buildEnvoyResources, grpc: buildGrpcClientResources },
      encode: (t, j) => protoRegistry().encode(t, j), snapshots: cache, publishStatuses: (s) => statuses.push(s.length),
      logger: pino({ level: 'silent' }),
      ...(fast ? { endpoints: { index: (o: readonly KubeObject[], ir: import('../ir/ir.ts').IR) => new EndpointFastPath(o, ir), build: { envoy: buildClusterLoadAssignment, grpc: buildClusterLoadAssignment } } } : {}),
    });
    loop.start();
    return { loop, cache, statuses };
  };

  const slice = (service: string, name: string, endpoints: { ip: string; ready?: boolean; serving?: boolean; terminating?: boolean }[]): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true, serving: e.serving ?? true, terminating: e.terminating ?? false } })),
  });

  it('serves exactly what a full rebuild would, for every kind of EndpointSlice change', async () => {
    const { readManifests } = await import('../cli/read-manifests.ts');
    const { DEFAULT_SOURCE_DIR } = await import('../config.ts');
    const store = new ObjectStore();
    store.apply((await readManifests([DEFAULT_SOURCE_DIR])).objects);
    const fast = await realLoop(store, true);
    const steps: [string, () => void][] = [
      ['endpoint added to a plain cluster', () => store.apply([slice('web', 'web-1', [{ ip: '127.0.0.11' }, { ip: '127.0.0.12' }, { ip: '127.0.0.13' }, { ip: '127.0.0.14' }])])],
      ['sticky endpoint starts draining', () => store.apply([slice('cart', 'cart-1', [{ ip: '127.0.0.21' }, { ip: '127.0.0.22', ready: false, terminating: true }, { ip: '127.0.0.23', ready: false, terminating: true }])])],
      ['second slice for a Service', () => store.apply([slice('api', 'api-2', [{ ip: '127.0.0.33' }])])],
      ['slice deleted', () => store.apply([], ['discovery.k8s.io/EndpointSlice/default/checkout-v2-1'])],
      ['slice for an unused Service', () => store.apply([slice('nobody', 'nobody-1', [{ ip: '127.0.0.99' }])])],
      ['several slices at once', () => store.apply([slice('web', 'web-1', [{ ip: '127.0.0.15' }]), slice('checkout-v2', 'checkout-v2-1', [{ ip: '127.0.0.44' }])])],
    ];
    for (const [what, step] of steps) {
      step();
      fast.loop.flush();
      expect(fast.loop.latest()!.fastPath, what).toBe(true);
      const full = await realLoop(store, false);
      expect(servedVersions(fast.cache), what).toEqual(servedVersions(full.cache));
      expect(fast.loop.latest()!.ir, what).toEqual(full.loop.latest()!.ir);
      full.loop.stop();
    }
    // Statuses were published once (the first full rebuild); fast-path changes cannot change them.
    expect(fast.statuses).toHaveLength(1);

    // A malformed slice is reported in status, so it takes the full path.
    store.apply([{ ...slice('web', 'web-1', [{ ip: '127.0.0.16' }]), addressType: 'Bogus' }]);
    fast.loop.flush();
    expect(fast.loop.latest()!.fastPath).toBe(false);
    expect(fast.statuses).toHaveLength(2);
    fast.loop.stop();
  });

  it('serves exactly what a full rebuild would after route edits, interleaved with EndpointSlice changes', async () => {
    const { readManifests } = await import('../cli/read-manifests.ts');
    const { DEFAULT_SOURCE_DIR } = await import('../config.ts');
    const store = new ObjectStore();
    store.apply((await readManifests([DEFAULT_SOURCE_DIR])).objects);
    const fast = await realLoop(store, true, true);
    const routes = store.list().filter((o) => o.kind === 'HTTPRoute');
    expect(routes.length).toBeGreaterThan(0);
    const route = routes[0];
    type Spec = { rules?: { matches?: { path?: { value?: string } }[]; backendRefs?: { name: string; port?: number; weight?: number }[] }[] };
    const edited = (value: string, weight?: number): KubeObject => {
      const o = structuredClone(route);
      const spec = o['spec'] as Spec;
      const rule = spec.rules?.[0];
      if (rule) {
        rule.matches = [{ path: { value } }];
        if (weight !== undefined) for (const b of rule.backendRefs ?? []) b.weight = weight;
      }
      return o;
    };
    // A new route beside it, plain (a copy's session names and splits would be shared, which only a full rebuild settles).
    const copy: KubeObject = { ...structuredClone(route), metadata: { ...route.metadata, name: 'added-by-test' } };
    for (const rule of (copy['spec'] as { rules?: Record<string, unknown>[] }).rules ?? []) {
      delete rule['sessionPersistence'];
      rule['backendRefs'] = (rule['backendRefs'] as unknown[] | undefined)?.slice(0, 1) ?? [];
    }
    const steps: [string, boolean, () => void][] = [
      ['a path edited', true, () => store.apply([edited('/edited')])],
      ['an endpoint added', false, () => store.apply([slice('web', 'web-1', [{ ip: '127.0.0.11' }, { ip: '127.0.0.12' }])])],
      ['a route added', true, () => store.apply([copy])],
      ['weights edited', true, () => store.apply([edited('/edited-again', 3)])],
      ['an endpoint removed', false, () => store.apply([slice('web', 'web-1', [{ ip: '127.0.0.12' }])])],
      ['a route deleted', true, () => store.apply([], ['gateway.networking.k8s.io/HTTPRoute/default/added-by-test'])],
      ['the route restored', true, () => store.apply([route])],
    ];
    let published = fast.statuses.length;
    for (const [what, routeOnly, step] of steps) {
      step();
      fast.loop.flush();
      const latest = fast.loop.latest()!;
      expect(latest.routeFastPath ?? false, what).toBe(routeOnly);
      expect(latest.fastPath, what).toBe(!routeOnly);
      const full = await realLoop(store, false);
      expect(servedVersions(fast.cache), what).toEqual(servedVersions(full.cache));
      expect(latest.ir, what).toEqual(full.loop.latest()!.ir);
      expect(latest.statuses, what).toEqual(full.loop.latest()!.statuses);
      full.loop.stop();
      // A route edit publishes statuses (they can change); an endpoint change does not.
      if (routeOnly) expect(fast.statuses.length, what).toBe(++published);
    }
    fast.loop.stop();
  });

  it('a long rebuild gives the event loop a turn between Gateways, and serves everything at once at the end', async () => {
    // Building each Gateway form takes 15 ms of CPU; 20 Gateways × 2 forms make a rebuild of about 600 ms.
    const slowBuild = (gw: GatewayIR): EnvoyResources => {
      const until = performance.now() + 15;
      while (performance.now() < until);
      return fakeBuild(gw);
    };
    const t = setup({ quietMs: 1, maxMs: 5 }, slowBuild);
    t.store.apply([gwObject('gw-0', 8080, '10.0.0.1')]);
    t.loop.start();
    const names = Array.from({ length: 20 }, (_, i) => `gw-${i}`);
    const done = t.loop.nextRebuild();
    const started = performance.now();
    t.store.apply(names.map((n, i) => gwObject(n, 8080 + i, '10.0.0.2')));
    let last = performance.now();
    let maxGap = 0;
    let ticks = 0;
    const seenMidway: number[] = [];
    const sampler = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
      seenMidway.push(t.snapshots.gateways().length);
    }, 2);
    await done;
    clearInterval(sampler);
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(500);
    expect(ticks).toBeGreaterThan(10);
    expect(maxGap).toBeLessThan(200); // without yielding: the whole rebuild, about 600 ms
    // Meanwhile the old config stayed served as it was: never a part of the new Gateways.
    expect(seenMidway.filter((n) => n !== 1 && n !== 20)).toEqual([]);
    expect(t.snapshots.gateways()).toHaveLength(20);
    t.loop.stop();
  });

  it('changes arriving during a yielding rebuild make one more rebuild follow', async () => {
    const slowBuild = (gw: GatewayIR): EnvoyResources => {
      const until = performance.now() + 15;
      while (performance.now() < until);
      return fakeBuild(gw);
    };
    const t = setup({ quietMs: 1, maxMs: 5 }, slowBuild);
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.1')]);
    t.loop.start();
    t.store.apply(Array.from({ length: 10 }, (_, i) => gwObject(`gw-${i}`, 9000 + i, '10.0.0.1')));
    await new Promise((r) => setTimeout(r, 40)); // the rebuild is under way
    t.store.apply([gwObject('gw-a', 8080, '10.0.0.7')]);
    for (let i = 0; i < 3 && claAddresses(t.snapshots, 'default/gw-a')[0] !== '10.0.0.7'; i++) await t.loop.nextRebuild();
    expect(claAddresses(t.snapshots, 'default/gw-a')).toEqual(['10.0.0.7']);
    expect(t.snapshots.gateways()).toHaveLength(11);
    t.loop.stop();
  });
});
