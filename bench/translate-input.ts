// The generated input of the translation and encoding benchmarks: one Gateway, N Services with an
// EndpointSlice each, and HTTPRoutes of 10 rules each (a quarter of them cookie-sticky).
import type { KubeObject } from '../src/k8s/kube-object.ts';

export interface InputSize {
  services: number;
  endpointsPerService: number;
  routes: number;
}

const RULES_PER_ROUTE = 10;

export function generateInput({ services: SERVICES, endpointsPerService: EPS, routes: ROUTES }: InputSize): KubeObject[] {
  const ns = 'bench';
  const objects: KubeObject[] = [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } },
    {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: ns },
      spec: { gatewayClassName: 'tether', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }] },
    },
  ];
  for (let s = 0; s < SERVICES; s++) {
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${s}`, namespace: ns }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    objects.push(slice(s, 0, EPS));
  }
  const routeObjects = Math.ceil(ROUTES / RULES_PER_ROUTE);
  for (let r = 0; r < routeObjects; r++) {
    const rules = [];
    for (let i = 0; i < RULES_PER_ROUTE && r * RULES_PER_ROUTE + i < ROUTES; i++) {
      const svc = (r * RULES_PER_ROUTE + i) % SERVICES;
      const rule: Record<string, unknown> = {
        matches: [{ path: { type: 'PathPrefix', value: `/r${r}/p${i}` } }],
        backendRefs: [{ name: `svc-${svc}`, port: 80 }],
      };
      // A quarter of the routes are sticky (cookie), so sticky clusters and per-route sessions are exercised.
      if (r % 4 === 0) rule['sessionPersistence'] = { sessionName: `s-${r}-${i}`, type: 'Cookie' };
      rules.push(rule);
    }
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: `route-${r}`, namespace: ns },
      spec: { parentRefs: [{ name: 'gw' }], hostnames: [`host-${r % 100}.example.com`], rules },
    });
  }
  return objects;
}

/** Service s's slice; `generation` shifts one address so a change is a real change. */
export function slice(s: number, generation: number, EPS: number): KubeObject {
  const endpoints = [];
  for (let e = 0; e < EPS; e++) {
    const n = s * EPS + e + (e === 0 ? generation * 7919 : 0);
    endpoints.push({ addresses: [`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`], conditions: { ready: true, serving: true, terminating: false } });
  }
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `svc-${s}-abc`, namespace: 'bench', labels: { 'kubernetes.io/service-name': `svc-${s}` } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints,
  };
}

