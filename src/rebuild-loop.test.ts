import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ObjectStore } from './sources/object-store.ts';
import { SnapshotCache } from './xds/snapshot-cache.ts';
import { TypeUrl } from './xds/resource-types.ts';
import { protoRegistry, type JsonObject } from './envoy/proto-registry.ts';
import { RebuildLoop, type EnvoyResources, type TranslationResult } from './rebuild-loop.ts';
import type { KubeObject } from './k8s/kube-object.ts';
import type { GatewayIR } from './ir/ir.ts';
import { createMetrics } from './admin/metrics.ts';

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
        listeners: [{ name: `${name}/${data.port}`, port: Number(data.port), virtualHosts: [], hasStickyRoutes: false }],
        clusters: [{ name: `${name}/backend`, sticky: false, loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, connectTimeoutSeconds: 1, http2: false,
          localities: [{ backend: 'default/b:80', weight: 1, endpoints: data.endpoints.split(',').map((a) => ({ address: a, port: 80, health: 'HEALTHY' as const })) }] }],
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

function setup(debounce = { quietMs: 10, maxMs: 100 }) {
  const store = new ObjectStore();
  const snapshots = new SnapshotCache({ versionPrefix: 't' });
  const metrics = createMetrics({ processMetrics: false });
  const published: number[] = [];
  let encodes = 0;
  const registry = protoRegistry();
  const loop = new RebuildLoop({
    store,
    translate: fakeTranslate,
    builders: { envoy: fakeBuild, grpc: fakeBuild },
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
    expect(performance.now() - started).toBeLessThan(200);
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
