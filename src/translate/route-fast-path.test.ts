// The route fast path against full translations: after every one of many random route edits (added,
// removed, modified: paths, backends and weights, hostnames, parentRefs, sticky sessions, session
// name collisions, splits, invalid backends, a sticky policy appearing), its IR and statuses, and
// the Envoy resources built from them encoded to protobuf, equal a full translation's byte for byte.
import { describe, expect, it } from 'vitest';
import { objectKey, type KubeObject } from '../k8s/kube-object.ts';
import { protoRegistry, MessageType } from '../codec/proto-registry.ts';
import { buildEnvoyResources } from '../envoy/build-envoy-resources.ts';
import { buildGrpcClientResources } from '../envoy/build-grpc-client-resources.ts';
import type { IR } from '../ir/ir.ts';
import { translate, type TranslateOptions } from './translate.ts';
import type { RouteFastPath } from './route-fast-path.ts';

const NS = ['default', 'team'];
const SERVICES = ['a', 'b', 'c', 'd'];
const HOSTS = ['a.example.com', 'b.example.com', '*.example.com', 'x.other.org'];

/** A small deterministic generator (translation must not see randomness; the test picks with it). */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return { int: (n: number) => Math.floor(next() * n), pick: <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)], chance: (p: number) => next() < p };
}

function baseObjects(): KubeObject[] {
  const out: KubeObject[] = [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'default' }, spec: { gatewayClassName: 'tether', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }, { name: 'a', port: 81, protocol: 'HTTP', hostname: 'a.example.com', allowedRoutes: { namespaces: { from: 'All' } } }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'api', namespace: 'team' }, spec: { gatewayClassName: 'tether', listeners: [{ name: 'http', port: 8080, protocol: 'HTTP', hostname: '*.example.com' }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'other', namespace: 'default' }, spec: { gatewayClassName: 'someone-else', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'allow', namespace: 'team' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } },
  ];
  for (const ns of NS) {
    for (const [i, s] of SERVICES.entries()) {
      out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: s, namespace: ns }, spec: { ports: [{ name: 'http', port: 80 }, ...(s === 'd' ? [{ name: 'grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' }] : [])] } });
      out.push({
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${s}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': s } },
        addressType: 'IPv4', ports: [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9000 }],
        endpoints: [{ addresses: [`10.${NS.indexOf(ns)}.${i}.1`] }, { addresses: [`10.${NS.indexOf(ns)}.${i}.2`], conditions: { ready: false, serving: true, terminating: true } }],
      });
    }
  }
  return out;
}

function randomRoute(r: ReturnType<typeof rng>, ns: string, name: string, created: string): KubeObject {
  const grpc = r.chance(0.2);
  const parentRefs = [];
  for (const p of [{ name: 'web', namespace: 'default' }, { name: 'api', namespace: 'team' }, { name: 'other', namespace: 'default' }, { name: 'missing', namespace: 'default' }]) {
    if (r.chance(p.name === 'web' ? 0.7 : 0.25)) parentRefs.push(r.chance(0.2) && p.name === 'web' ? { ...p, sectionName: r.pick(['http', 'a', 'nope']) } : p);
  }
  const backend = () => {
    const svc = r.chance(0.05) ? 'ghost' : r.pick(SERVICES);
    return { name: svc, ...(r.chance(0.15) ? { namespace: r.pick(NS) } : {}), port: svc === 'd' && grpc ? 9000 : r.chance(0.05) ? 81 : 80, ...(r.chance(0.3) ? { weight: r.int(4) } : {}) };
  };
  const rules = [];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const backendRefs = Array.from({ length: 1 + (r.chance(0.25) ? r.int(3) : 0) }, backend);
    const rule: Record<string, unknown> = { backendRefs };
    if (grpc) rule['matches'] = [{ method: { service: r.pick(['pkg.A', 'pkg.B']), ...(r.chance(0.5) ? { method: r.pick(['Get', 'Put']) } : {}) } }];
    else rule['matches'] = Array.from({ length: 1 + r.int(2) }, () => ({ path: { type: r.pick(['PathPrefix', 'Exact']), value: `/${r.pick(['x', 'y', 'z'])}${r.int(4)}` } }));
    if (r.chance(0.3)) rule['sessionPersistence'] = { type: r.pick(['Cookie', 'Header']), ...(r.chance(0.5) ? { sessionName: r.pick(['s1', 's2', `own-${name}-${i}`]) } : {}) };
    if (r.chance(0.1)) rule['name'] = `rule-${i}`;
    rules.push(rule);
  }
  const spec: Record<string, unknown> = { parentRefs, rules };
  if (r.chance(0.6)) spec['hostnames'] = Array.from(new Set(Array.from({ length: 1 + r.int(2) }, () => r.pick(HOSTS))));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: grpc ? 'GRPCRoute' : 'HTTPRoute',
    metadata: { name, namespace: ns, creationTimestamp: created, generation: 1 + r.int(5) },
    spec,
  };
}

const registry = protoRegistry();
const TYPES = [['listeners', MessageType.listener], ['routes', MessageType.routeConfiguration], ['clusters', MessageType.cluster], ['endpoints', MessageType.clusterLoadAssignment]] as const;

/** Every resource of every Gateway, both client forms, encoded. */
function encoded(ir: IR): string[] {
  const out: string[] = [];
  for (const g of ir.gateways) {
    for (const built of [buildEnvoyResources(g), buildGrpcClientResources(g)]) {
      for (const [key, type] of TYPES) for (const json of built[key]) out.push(`${g.name} ${type} ${Buffer.from(registry.encode(type, json)).toString('base64')}`);
    }
  }
  return out;
}

describe('route fast path', () => {
  it('answers exactly what a full translation answers, over many random route edits', () => {
    const r = rng(16);
    const store = new Map<string, KubeObject>();
    const put = (o: KubeObject) => store.set(objectKey(o), o);
    for (const o of baseObjects()) put(o);
    let serial = 0;
    const created = () => `2026-01-01T00:${String(Math.floor(serial / 60) % 60).padStart(2, '0')}:${String(serial++ % 60).padStart(2, '0')}Z`;
    for (let i = 0; i < 25; i++) put(randomRoute(r, r.pick(NS), `r${i}`, created()));
    const options: TranslateOptions = { now: '2026-06-01T00:00:00.000Z' };
    const opts = (): TranslateOptions => ({ ...options, routeFastPath: { options: () => options } });
    const list = () => [...store.keys()].sort().map((k) => store.get(k)!);

    let full = translate(list(), opts());
    let state: RouteFastPath | undefined = full.routes;
    let current = full.ir;
    let answered = 0;
    let declined = 0;
    let nextName = 25;
    for (let step = 0; step < 300; step++) {
      const routeKeys = [...store.keys()].filter((k) => /\/(HTTPRoute|GRPCRoute)\//.test(k));
      const changes: { key: string; next: KubeObject | undefined }[] = [];
      for (let n = 0, edits = 1 + (r.chance(0.2) ? r.int(3) : 0); n < edits; n++) {
        const what = r.int(10);
        if (what < 2 || routeKeys.length === 0) {
          const o = randomRoute(r, r.pick(NS), `r${nextName++}`, created());
          put(o);
          changes.push({ key: objectKey(o), next: o });
        } else if (what < 4) {
          const key = r.pick(routeKeys);
          store.delete(key);
          changes.push({ key, next: undefined });
        } else {
          const key = r.pick(routeKeys);
          const old = store.get(key);
          if (!old) continue;
          const o = randomRoute(r, old.metadata.namespace!, old.metadata.name, old.metadata.creationTimestamp!);
          // Sometimes only one field changes, as most real edits do.
          const edited: KubeObject = r.chance(0.5) && old.kind === o.kind ? { ...old, spec: { ...(old['spec'] as object), [r.pick(['rules', 'hostnames', 'parentRefs'])]: (o['spec'] as Record<string, unknown>)[r.pick(['rules', 'hostnames', 'parentRefs'])] ?? [] } } : o;
          if (edited.kind !== old.kind) store.delete(key);
          put(edited);
          changes.push({ key: objectKey(edited), next: edited });
          if (edited.kind !== old.kind) changes.push({ key, next: undefined });
        }
      }
      if (step === 200) {
        // A policy object: translation reads a kind beyond its own, so the fast path must decline.
        const p: KubeObject = { apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name: 'p', namespace: 'default' }, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'a' }], session: { type: 'Cookie' } } };
        put(p);
      }
      const objects = list();
      // As the rebuild loop hands them over: each key once, with the object the store holds now.
      const latest = [...new Set(changes.map((c) => c.key))].map((key) => ({ key, next: store.get(key) }));
      const fast = step === 200 ? undefined : state?.apply(latest, objects, current);
      full = translate(objects, opts());
      if (fast) {
        answered++;
        expect(JSON.stringify(fast.ir)).toBe(JSON.stringify(full.ir));
        expect(JSON.stringify(fast.statuses)).toBe(JSON.stringify(full.statuses));
        expect(encoded(fast.ir)).toEqual(encoded(full.ir));
        current = fast.ir;
      } else {
        declined++;
        // As the rebuild loop does: a full translation, and the fast path it records.
        state = full.routes;
        current = full.ir;
      }
      if (step === 220) expect(full.routes).toBeUndefined();
      if (step === 240) {
        store.delete('tether.dev/SessionPolicy/default/p');
        full = translate(list(), opts());
        state = full.routes;
        current = full.ir;
      }
    }
    // Most edits take the fast path; the rest (shared session names, splits, the policy) fall back.
    expect(answered).toBeGreaterThan(150);
    expect(declined).toBeGreaterThan(10);
  });

  it('declines a change to anything but a route, and answers an unchanged route', () => {
    const objects = baseObjects();
    objects.push(randomRoute(rng(1), 'default', 'one', '2026-01-01T00:00:00Z'));
    const full = translate(objects, { routeFastPath: { options: () => ({}) } });
    expect(full.routes).toBeDefined();
    const svc = objects.find((o) => o.kind === 'Service')!;
    expect(full.routes!.apply([{ key: objectKey(svc), next: svc }], objects, full.ir)).toBeUndefined();
    const route = objects.find((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')!;
    expect(full.routes!.apply([{ key: objectKey(route), next: route }], objects, full.ir)).toBeDefined();
  });
});
