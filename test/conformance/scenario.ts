// The setting the Gateway API conformance tests share, written for Tether's offline check: a
// GatewayClass of Tether's, the `same-namespace` Gateway (HTTP on port 80, routes from its own
// namespace), three backend Services with one distinct endpoint each, and helpers to translate,
// build and strictly validate the Envoy config, resolve requests through it, and read statuses.
// Certificates of kubernetes.io/tls Secrets are parsed as the sources parse them and judged at a
// fixed time; their PEM material goes into the SDS Secrets, so an HTTPS request is checked against
// the certificate its client would verify.
import { expect } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import { translate, type TranslateResult } from '../../src/translate/translate.ts';
import { inspectCertificates } from '../../src/sources/certificates/certificate-inspector.ts';
import { inspectCaBundles } from '../../src/sources/certificates/ca-bundle-inspector.ts';
import { buildEnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import type { Condition, ObjectStatus } from '../../src/status/status.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { resolveRequest, type EnvoyConfig, type Resolution, type ResolveRequest } from '../support/envoy-request-resolver.ts';

export const NS = 'gateway-conformance-infra';
export const GW = 'same-namespace';
const GROUP = 'gateway.networking.k8s.io/v1';
/** The time certificates are judged at: within every test certificate's validity but the expired one's. */
const NOW = '2030-01-01T00:00:00.000Z';

/** Backend Service name → the one endpoint address it has (port 3000 behind Service port 8080). */
export const BACKENDS: Record<string, string> = {
  'infra-backend-v1': '10.1.0.1',
  'infra-backend-v2': '10.2.0.1',
  'infra-backend-v3': '10.3.0.1',
};

export function gatewayClass(): KubeObject {
  return { apiVersion: GROUP, kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } };
}

export function gateway(name: string, listeners: object[], extra: object = {}): KubeObject {
  return { apiVersion: GROUP, kind: 'Gateway', metadata: { name, namespace: NS, generation: 1 }, spec: { gatewayClassName: 'tether', listeners, ...extra } };
}

export function httpListener(port = 80, extra: object = {}): object {
  return { name: 'http', port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } }, ...extra };
}

export function route(kind: 'HTTPRoute' | 'GRPCRoute', name: string, spec: object, namespace = NS): KubeObject {
  return { apiVersion: GROUP, kind, metadata: { name, namespace, generation: 1 }, spec: { parentRefs: [{ name: GW, namespace: NS }], ...spec } };
}

export function backend(name: string, port = 8080, extra: object = {}): object {
  return { name, port, ...extra };
}

function services(): KubeObject[] {
  return Object.entries(BACKENDS).flatMap(([name, ip]): KubeObject[] => [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: NS },
      spec: {
        ports: [
          { name: 'http', port: 8080, targetPort: 3000 },
          { name: 'second-port', port: 8081, targetPort: 3001, appProtocol: 'kubernetes.io/h2c' },
          { name: 'third-port', port: 8082, targetPort: 3000, appProtocol: 'kubernetes.io/ws' },
        ],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: NS, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [
        { name: 'http', port: 3000 },
        { name: 'second-port', port: 3001 },
        { name: 'third-port', port: 3000 },
      ],
      endpoints: [{ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } }],
    },
  ]);
}

export class Scenario {
  readonly result: TranslateResult;
  private readonly configs = new Map<string, EnvoyConfig>();

  /** The shared setting plus `objects`; the `same-namespace` Gateway unless `ownGateways`. */
  constructor(objects: KubeObject[], opts: { ownGateways?: boolean } = {}) {
    const all = [gatewayClass(), ...services(), ...(opts.ownGateways ? [] : [gateway(GW, [httpListener()])]), ...objects];
    const certificates = inspectCertificates(all);
    this.result = translate(all, { certificates, caBundles: inspectCaBundles(all), now: NOW });
    const secretMaterial = (name: string) => {
      const check = certificates.get(name);
      return check?.ok ? { certificateChain: check.certificateChain, privateKey: check.privateKey } : undefined;
    };
    for (const gw of this.result.ir.gateways) {
      const resources = buildEnvoyResources(gw, { secretMaterial });
      expectValidEnvoyResources(resources);
      this.configs.set(gw.name, resources);
    }
  }

  /** Resolves a request sent to the Gateway's listener on `port`. */
  request(req: Partial<ResolveRequest> & { path: string }, gatewayName = GW): Resolution {
    const config = this.configs.get(`${NS}/${gatewayName}`);
    if (!config) throw new Error(`Gateway ${gatewayName} is not served`);
    return resolveRequest(config, { port: 80, host: 'gateway.local', ...req });
  }

  /** The Envoy config served to a Gateway, strictly validated. */
  envoy(gatewayName = GW): EnvoyConfig {
    const config = this.configs.get(`${NS}/${gatewayName}`);
    if (!config) throw new Error(`Gateway ${gatewayName} is not served`);
    return config;
  }

  /** The Service a request reaches (the only backend, or the one named by every endpoint). */
  backendOf(res: Resolution): string | number {
    if (res.type === 'not-found') return 404;
    if (res.type === 'direct-response') return res.status;
    if (res.type !== 'forward') throw new Error(`expected a forwarded request, got ${res.type}`);
    expect(res.backends).toHaveLength(1);
    return serviceOf(res.backends[0]?.endpoints ?? []);
  }

  status(kind: string, name: string, namespace: string | undefined = NS): ObjectStatus {
    const s = this.result.statuses.find((x) => x.ref.kind === kind && x.ref.name === name && (kind === 'GatewayClass' || x.ref.namespace === namespace));
    if (!s) throw new Error(`no status for ${kind} ${namespace}/${name}`);
    return s;
  }

  /** Conditions of a route's parent (its first parentRef unless named). */
  routeConditions(kind: 'HTTPRoute' | 'GRPCRoute', name: string, parent = GW, namespace = NS): Condition[] {
    const body = this.status(kind, name, namespace).status;
    if (body.type !== 'route') throw new Error('not a route status');
    const p = body.parents.find((x) => x.parentRef.name === parent);
    if (!p) throw new Error(`${kind} ${name} has no status for parent ${parent}`);
    return p.conditions;
  }
}

export function serviceOf(endpoints: readonly string[]): string {
  const names = new Set(endpoints.map((e) => Object.entries(BACKENDS).find(([, ip]) => e.startsWith(`${ip}:`))?.[0] ?? `unknown ${e}`));
  if (names.size !== 1) throw new Error(`endpoints ${endpoints.join(', ')} are not one backend`);
  return [...names][0] ?? '';
}

export function condition(conditions: readonly Condition[], type: string): { status: string; reason: string } | undefined {
  const c = conditions.find((x) => x.type === type);
  return c && { status: c.status, reason: c.reason };
}
