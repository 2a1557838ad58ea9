// A Gateway listener below 1024 binds the mapped container port (k8s/container-port.ts) in the
// Listener Tether serves, while names, status and redirects keep the Gateway's own port
// (docs/kubernetes.md#ports).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s/kube-object.ts';
import { translate } from './translate.ts';
import { buildEnvoyResources } from '../envoy/build-envoy-resources.ts';
import { buildStaticBootstrap } from '../envoy/bootstrap.ts';
import { expectValidBootstrap, expectValidEnvoyResources } from '../../test/support/envoy-assertions.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (j: unknown): Any => j as Any;

const objects: KubeObject[] = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } },
  {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: { gatewayClassName: 'tether', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'alt', port: 8080, protocol: 'HTTP' }] },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default' },
    spec: {
      parentRefs: [{ name: 'web' }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/secure' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/moved' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } }] },
      ],
    },
  },
];

describe('privileged listener ports', () => {
  const result = translate(objects);
  const gw = result.ir.gateways[0];
  const resources = buildEnvoyResources(gw);
  const listeners = resources.listeners as Any[];

  it('bind port + 10000 below 1024 and the port as written above, named after the Gateway port', () => {
    expect(listeners.map((l) => [l.name, l.address.socket_address.port_value])).toEqual([['default/web/80', 10080], ['default/web/8080', 8080]]);
    expect(resources.routes.map((r) => r['name'])).toEqual(['default/web/80', 'default/web/8080']);
    expectValidEnvoyResources(resources);
    const bootstrap = loose(buildStaticBootstrap(gw));
    expect(bootstrap.static_resources.listeners.map((l: Any) => l.address.socket_address.port_value)).toEqual([10080, 8080]);
    expectValidBootstrap(bootstrap);
  });

  it('redirects never name the container port', () => {
    const text = JSON.stringify(resources.routes);
    expect(text).not.toContain('10080');
    const on80 = loose(resources.routes[0]).virtual_hosts[0].routes as Any[];
    // Scheme change to https: the default port (443), never the mapped one; a path-only redirect
    // keeps the Host the client sent (the Service's port 80).
    expect(on80.map((r) => r.redirect)).toEqual([{ scheme_redirect: 'https', response_code: 'FOUND' }, { path_redirect: '/new', response_code: 'FOUND' }]);
  });

  it('status speaks of the Gateway port', () => {
    expect(JSON.stringify(result.statuses)).not.toContain('10080');
  });
});
