// A canary of a sticky route, step by step as Flagger or Argo Rollouts drive it (HTTPRoute weights
// 0/100 → 10/90 → 50/50 → 100/0, then a rollback): after the first step only the
// ClusterLoadAssignment changes (no new cluster to warm, no route re-pointed), each step's endpoint
// weights split new sessions as the route says, and every endpoint a session may already be pinned
// to stays in the cluster in a status the session override accepts. Every resource passes the
// strict validator.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildEnvoyResources, type EnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import { translate } from '../../src/translate/translate.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking proto3 JSON

const base = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: tether}
spec: {controllerName: tether.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  gatewayClassName: tether
  listeners: [{name: http, port: 8080, protocol: HTTP}]
---
apiVersion: v1
kind: Service
metadata: {name: stable, namespace: shop}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: canary, namespace: shop}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: stable-1, namespace: shop, labels: {kubernetes.io/service-name: stable}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
  - {addresses: [10.0.0.1], conditions: {ready: true}}
  - {addresses: [10.0.0.2], conditions: {ready: true}}
  - {addresses: [10.0.0.3], conditions: {ready: true}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: canary-1, namespace: shop, labels: {kubernetes.io/service-name: canary}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
  - {addresses: [10.0.1.1], conditions: {ready: true}}
`;

const route = (canary: number, stable: number, extra = ''): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  parentRefs: [{name: gw}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs: [{name: canary, port: 80, weight: ${canary}}, {name: stable, port: 80, weight: ${stable}}]
      sessionPersistence: {sessionName: shop-session}
${extra}`;

function objects(yaml: string): KubeObject[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

function envoy(yaml: string): EnvoyResources {
  const { ir } = translate(objects(yaml));
  expect(ir.gateways).toHaveLength(1);
  const resources = buildEnvoyResources(ir.gateways[0]);
  expectValidEnvoyResources(resources);
  return resources;
}

/** Share of new sessions per Service, as Envoy's ring hash weighs the CLA (HEALTHY hosts only). */
function newSessionShares(cla: Json): Record<string, number> {
  const weights: Record<string, number> = {};
  let total = 0;
  for (const l of cla['endpoints'] ?? []) {
    const svc = (l['locality']['sub_zone'] as string).split(/[/:]/)[1];
    for (const e of l['lb_endpoints']) {
      if (e['health_status'] !== 'HEALTHY') continue;
      const w = (e['load_balancing_weight'] as number | undefined) ?? 1;
      weights[svc] = (weights[svc] ?? 0) + w;
      total += w;
    }
  }
  return Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w / total]));
}

/** Every endpoint address in the CLA with the status Envoy gets for it. */
function statuses(cla: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of cla['endpoints'] ?? []) for (const e of l['lb_endpoints']) out[e['endpoint']['address']['socket_address']['address']] = e['health_status'];
  return out;
}

function overrideStatuses(cluster: Json): string[] {
  return cluster['common_lb_config']['override_host_status']['statuses'] as string[];
}

const ALL = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.1.1'];

describe('a sticky canary, 0/100 → 10/90 → 50/50 → 100/0 → rollback', () => {
  const steps: [number, number][] = [
    [0, 100],
    [10, 90],
    [50, 50],
    [100, 0],
    [10, 90],
  ];
  const served = steps.map(([c, s]) => ({ canary: c, stable: s, resources: envoy(base + '---\n' + route(c, s)) }));

  it('names the sticky cluster after its backends, and changes only the ClusterLoadAssignment after the first step', () => {
    const first = served[0].resources;
    expect(first.clusters.map((c) => c['name'])).toEqual(['shop/canary/80+shop/stable/80/sticky']);
    for (const step of served.slice(1)) {
      expect(step.resources.listeners).toEqual(first.listeners);
      expect(step.resources.routes).toEqual(first.routes);
      expect(step.resources.clusters).toEqual(first.clusters);
      expect(step.resources.endpoints).not.toEqual(first.endpoints);
    }
  });

  it('splits new sessions by each step\'s weights', () => {
    for (const { canary, stable, resources } of served) {
      const shares = newSessionShares(resources.endpoints[0]);
      expect(shares['canary'] ?? 0, `${canary}/${stable}`).toBeCloseTo(canary / 100, 9);
      expect(shares['stable'] ?? 0, `${canary}/${stable}`).toBeCloseTo(stable / 100, 9);
    }
  });

  it('keeps every endpoint reachable by its sessions at every step: weight 0 is DRAINING, which the cluster lets sessions use', () => {
    for (const { canary, stable, resources } of served) {
      const accepted = overrideStatuses(resources.clusters[0]);
      const byAddress = statuses(resources.endpoints[0]);
      expect(Object.keys(byAddress).sort(), `${canary}/${stable}`).toEqual(ALL);
      for (const address of ALL) expect(accepted, `${address} at ${canary}/${stable}`).toContain(byAddress[address]);
      const expected = (svcWeight: number) => (svcWeight === 0 ? 'DRAINING' : 'HEALTHY');
      expect(byAddress['10.0.1.1']).toBe(expected(canary));
      expect(byAddress['10.0.0.1']).toBe(expected(stable));
    }
  });

  it('gives a second rule that splits the same backends with other weights its own cluster, whose name survives its own canary', () => {
    const other = (c: number, s: number) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: shop, creationTimestamp: "2026-02-01T00:00:00Z"}
spec:
  parentRefs: [{name: gw}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /api}}]
      backendRefs: [{name: canary, port: 80, weight: ${c}}, {name: stable, port: 80, weight: ${s}}]
      sessionPersistence: {sessionName: api-session}
`;
    // The older route (web) keeps the plain name whatever the order the objects come in.
    const a = envoy(base + '---\n' + other(50, 50) + '---\n' + route(10, 90));
    const b = envoy(base + '---\n' + route(10, 90) + '---\n' + other(20, 80));
    const names = ['shop/canary/80+shop/stable/80/sticky', 'shop/canary/80+shop/stable/80/sticky@HTTPRoute/shop/api/rule/0'];
    expect(a.clusters.map((c) => c['name'])).toEqual(names);
    expect(b.clusters).toEqual(a.clusters);
    expect(b.routes).toEqual(a.routes);
    const apiShares = newSessionShares(b.endpoints.find((e) => e['cluster_name'] === names[1]) as Json);
    expect(apiShares['canary']).toBeCloseTo(0.2, 9);
    // The same weights share one cluster.
    expect(envoy(base + '---\n' + route(10, 90) + '---\n' + other(10, 90)).clusters.map((c) => c['name'])).toEqual([names[0]]);
  });

  it('answers 500 when every backend weighs 0, as for a plain rule', () => {
    const { ir } = translate(objects(base + '---\n' + route(0, 0)));
    const routes = ir.gateways[0].listeners.flatMap((l) => l.virtualHosts.flatMap((v) => v.routes));
    expect(routes.map((r) => r.action)).toEqual([{ type: 'direct-response', status: 500 }]);
    expect(ir.gateways[0].clusters).toEqual([]);
  });
});
