// The rest of the setting the Gateway API conformance tests share, beside scenario.ts's
// `same-namespace` Gateway and infra backends: the three namespaces (two labelled as backend
// namespaces), the backends living in the other two, the gRPC backends (HTTP/2 without TLS), and the
// `all-namespaces` and `backend-namespaces` Gateways. Written for Tether's offline check.
import { expect } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import type { Resolution } from '../support/envoy-request-resolver.ts';
import { BACKENDS, gateway, httpListener, NS } from './scenario.ts';

export const WEB_NS = 'gateway-conformance-web-backend';
export const APP_NS = 'gateway-conformance-app-backend';

/** `namespace/name` of a backend Service → the one endpoint address it has. */
const MORE_BACKENDS: Record<string, { ip: string; appProtocol?: string }> = {
  [`${WEB_NS}/web-backend`]: { ip: '10.20.0.1' },
  [`${APP_NS}/app-backend-v1`]: { ip: '10.30.0.1' },
  [`${APP_NS}/app-backend-v2`]: { ip: '10.30.0.2' },
  [`${NS}/grpc-infra-backend-v1`]: { ip: '10.11.0.1', appProtocol: 'kubernetes.io/h2c' },
  [`${NS}/grpc-infra-backend-v2`]: { ip: '10.12.0.1', appProtocol: 'kubernetes.io/h2c' },
  [`${NS}/grpc-infra-backend-v3`]: { ip: '10.13.0.1', appProtocol: 'kubernetes.io/h2c' },
};

function namespace(name: string, role: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'gateway-conformance': role } } };
}

/** A Service with one port (8080 → 3000) and an EndpointSlice with one ready endpoint. */
export function service(namespacedName: string, ip: string, appProtocol?: string): KubeObject[] {
  const [ns = '', name = ''] = namespacedName.split('/');
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ name: 'http', port: 8080, targetPort: 3000, ...(appProtocol ? { appProtocol } : {}) }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 3000 }],
      endpoints: [{ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } }],
    },
  ];
}

/** Namespaces, the backends outside scenario.ts, and the `all-namespaces` and `backend-namespaces` Gateways. */
export function baseSetting(): KubeObject[] {
  return [
    namespace(NS, 'infra'),
    namespace(APP_NS, 'backend'),
    namespace(WEB_NS, 'backend'),
    ...Object.entries(MORE_BACKENDS).flatMap(([n, b]) => service(n, b.ip, b.appProtocol)),
    gateway('all-namespaces', [httpListener(80, { allowedRoutes: { namespaces: { from: 'All' } } })]),
    gateway('backend-namespaces', [httpListener(80, { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'gateway-conformance': 'backend' } } } } })]),
  ];
}

/** The Service (by name) every endpoint of `endpoints` belongs to, among all the setting's backends. */
export function backendOfEndpoints(endpoints: readonly string[]): string {
  const known: [string, string][] = [...Object.entries(BACKENDS), ...Object.entries(MORE_BACKENDS).map(([n, b]): [string, string] => [n.split('/')[1] ?? n, b.ip])];
  const names = new Set(endpoints.map((e) => known.find(([, ip]) => e.startsWith(`${ip}:`))?.[0] ?? `unknown ${e}`));
  if (names.size !== 1) throw new Error(`endpoints [${endpoints.join(', ')}] are not exactly one backend`);
  return [...names][0] ?? '';
}

/** What a client sees: the one Service a request reaches, or the status code Envoy answers with. */
export function reached(res: Resolution): string | number {
  if (res.type === 'not-found') return 404;
  if (res.type === 'direct-response') return res.status;
  if (res.type !== 'forward') throw new Error(`expected a forwarded request, got ${JSON.stringify(res)}`);
  expect(res.backends, 'one backend').toHaveLength(1);
  return backendOfEndpoints(res.backends[0]?.endpoints ?? []);
}
