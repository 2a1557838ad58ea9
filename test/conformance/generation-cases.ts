// Conformance cases where the test changes an object's spec (the API server then bumps
// metadata.generation) and waits for the status to follow: every condition's observedGeneration the
// new generation, listeners added or removed, and the served config with them. Offline, each state
// is translated in turn, as Tether does after every change it watches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import { containerPort } from '../../src/k8s/container-port.ts';
import type { ConformanceCase } from './cases.ts';
import { reached } from './base-setting.ts';
import { gateway, GW, httpListener, NS, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectObservedGeneration, expectRouteAccepted, gatewayBody, listenersOf } from './status-checks.ts';

const TLS_DIR = join(import.meta.dirname, '..', 'support', 'tls');
const pem = (name: string, ext: 'crt' | 'key'): string => readFileSync(join(TLS_DIR, `test-only-${name}.${ext}`), 'utf8');

/** `o` after a spec change: the same object at `generation`. */
function atGeneration(o: KubeObject, generation: number): KubeObject {
  return { ...o, metadata: { ...o.metadata, generation } };
}

const fromAll = { allowedRoutes: { namespaces: { from: 'All' } } };
const https = { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'secure.test.com', ...fromAll, tls: { certificateRefs: [{ group: '', kind: 'Secret', name: 'tls-checks-certificate', namespace: NS }] } };
const certificate: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls-checks-certificate', namespace: NS }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': pem('shared', 'crt'), 'tls.key': pem('shared', 'key') } };
const toV1 = (name: string, gw: string) => route('HTTPRoute', name, { parentRefs: [{ kind: 'Gateway', name: gw, namespace: NS }], rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8080 }] }] });

/** Every listener ready, with one route attached and HTTPRoute among its kinds. */
function expectListeners(s: Scenario, gw: string, names: string[]): void {
  expect(listenersOf(s, gw)).toEqual(names.map((n) => [n, 1]));
}

function modifyListeners(): void {
  // Adding a listener: an HTTP one beside the HTTPS one; the route attaches to both.
  const add = 'gateway-add-listener';
  const before = gateway(add, [https]);
  const s1 = new Scenario([certificate, before, toV1('http-route-1', add)]);
  expectGatewayReady(s1, add, 1);
  expectListeners(s1, add, ['https']);
  expect(s1.request({ port: 80, host: 'data.test.com', path: '/' }, add)).toEqual({ type: 'no-listener' });
  const added = atGeneration(gateway(add, [https, { ...httpListener(80, fromAll), hostname: 'data.test.com' }]), 2);
  const s2 = new Scenario([certificate, added, toV1('http-route-1', add)]);
  expectGatewayReady(s2, add, 2);
  expectListeners(s2, add, ['https', 'http']);
  expectRouteAccepted(s2, 'HTTPRoute', 'http-route-1', { gateway: add });
  expect(reached(s2.request({ port: 80, host: 'data.test.com', path: '/' }, add))).toBe('infra-backend-v1');

  // Removing a listener: the HTTPS one goes, and its port with it.
  const remove = 'gateway-remove-listener';
  const both = gateway(remove, [https, httpListener(80, fromAll)]);
  const s3 = new Scenario([certificate, both, toV1('http-route-2', remove)]);
  expectGatewayReady(s3, remove, 1);
  expectListeners(s3, remove, ['https', 'http']);
  expect(s3.envoy(remove).listeners.map((l) => (l['address'] as { socket_address: { port_value: number } }).socket_address.port_value).sort()).toEqual([containerPort(443), containerPort(80)].sort()); // Envoy binds the mapped ports (docs/kubernetes.md#ports)
  const httpOnly = atGeneration(gateway(remove, [httpListener(80, fromAll)]), 2);
  const s4 = new Scenario([certificate, httpOnly, toV1('http-route-2', remove)]);
  expectGatewayReady(s4, remove, 2);
  expectListeners(s4, remove, ['http']);
  expect(s4.request({ port: 443, host: 'secure.test.com', path: '/', scheme: 'https' }, remove)).toEqual({ type: 'no-listener' });
  expect(reached(s4.request({ path: '/' }, remove))).toBe('infra-backend-v1');
}

function gatewayGenerationBump(): void {
  const name = 'gateway-observed-generation-bump';
  const original = gateway(name, [{ ...httpListener(80, fromAll), hostname: 'bar.com' }]);
  const s1 = new Scenario([original]);
  expectGatewayReady(s1, name, 1);
  const mutated = atGeneration(gateway(name, [{ ...httpListener(80, fromAll), hostname: 'bar.com' }, { ...httpListener(80, fromAll), name: 'alternate', hostname: 'foo.com' }]), 2);
  const s2 = new Scenario([mutated]);
  expectGatewayReady(s2, name, 2);
  // The listeners' conditions follow too.
  for (const l of gatewayBody(s2, name).listeners) expectObservedGeneration(l.conditions, 2);
  expect(listenersOf(s2, name).map(([n]) => n)).toEqual(['http', 'alternate']);
}

function routeGenerationBump(): void {
  const original = route('HTTPRoute', 'observed-generation-bump', { parentRefs: [{ name: GW }], rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8080 }] }] });
  const s1 = new Scenario([original]);
  expectRouteAccepted(s1, 'HTTPRoute', 'observed-generation-bump', { gateway: GW }, { generation: 1 });
  expect(reached(s1.request({ path: '/' }))).toBe('infra-backend-v1');
  const mutated = atGeneration(route('HTTPRoute', 'observed-generation-bump', { parentRefs: [{ name: GW }], rules: [{ backendRefs: [{ name: 'infra-backend-v2', port: 8080 }] }] }), 2);
  const s2 = new Scenario([mutated]);
  expectRouteAccepted(s2, 'HTTPRoute', 'observed-generation-bump', { gateway: GW }, { generation: 2 });
  expect(reached(s2.request({ path: '/' }))).toBe('infra-backend-v2');
}

const LIVE_WRITE = 'the status written back to the API server (test/cluster/status-writer.test.ts checks that observedGeneration follows the generation read); the status translated for each generation is checked';

export const GENERATION_CASES: ConformanceCase[] = [
  { test: 'GatewayModifyListeners', features: ['Gateway'], outcome: { type: 'checked', run: modifyListeners, limit: LIVE_WRITE } },
  { test: 'GatewayObservedGenerationBump', features: ['Gateway'], outcome: { type: 'checked', run: gatewayGenerationBump, limit: LIVE_WRITE } },
  { test: 'HTTPRouteObservedGenerationBump', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: routeGenerationBump, limit: LIVE_WRITE } },
];
