// How route translation uses the sticky resolver's decisions, with a resolver written for the test.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/kube-object.ts';
import type { ListenerIR } from '../ir/ir.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { StickyDecision, StickyResolver, StickyRuleInput } from './sticky/sticky-resolver.ts';
import { translate } from './translate.ts';

const objects = (yaml: string): KubeObject[] => parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject);

const base = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tether }
spec: { controllerName: tether.dev/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: default }
spec:
  gatewayClassName: tether
  listeners: [{ name: http, port: 80, protocol: HTTP }, { name: alt, port: 81, protocol: HTTP }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: app, namespace: default }
spec:
  parentRefs: [{ name: web }]
  rules:
    - name: cart
      matches: [{ path: { value: /cart } }, { path: { value: /basket } }]
      sessionPersistence: { sessionName: c }
      backendRefs: [{ name: a, port: 80, weight: 3 }, { name: b, port: 80, weight: 1 }, { name: b, port: 80, weight: 0 }]
    - matches: [{ path: { value: /bad } }]
      backendRefs: [{ name: a, port: 80 }]
    - matches: [{ path: { value: /old } }]
      filters: [{ type: RequestRedirect, requestRedirect: { path: { type: ReplaceFullPath, replaceFullPath: /new } } }]
---
apiVersion: example.com/v1
kind: StickyThing
metadata: { name: policy, namespace: default }
---
apiVersion: v1
kind: Service
metadata: { name: a, namespace: default }
spec: { ports: [{ name: http, port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: b, namespace: default }
spec: { ports: [{ name: http, port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: a-1, namespace: default, labels: { kubernetes.io/service-name: a } }
addressType: IPv4
ports: [{ name: http, port: 80 }]
endpoints:
  - { addresses: [10.0.0.1] }
  - { addresses: [10.0.0.2], conditions: { ready: false, serving: true, terminating: true } }
`;

const policyStatus: ObjectStatus = {
  ref: { group: 'example.com', kind: 'StickyThing', namespace: 'default', name: 'policy' },
  writable: false,
  status: { type: 'conditions', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok' }] },
};

function recordingResolver(decide: (input: StickyRuleInput) => StickyDecision) {
  const inputs: StickyRuleInput[] = [];
  const factory = (): StickyResolver => ({
    resolve(input) {
      inputs.push(input);
      return decide(input);
    },
    statuses: () => [policyStatus],
  });
  return { inputs, factory };
}

const plain: StickyDecision = { loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, sticky: false, problems: [] };

describe('translate with a sticky resolver', () => {
  const { inputs, factory } = recordingResolver((input) => {
    if (input.ruleIndex === 0) {
      return {
        sticky: true,
        session: { type: 'header', name: 'x-session', strict: false, origin: { kind: 'HTTPRoute', namespace: 'default', name: 'app' } },
        hashKeys: [{ type: 'header', name: 'x-user', terminal: false }],
        loadBalancer: { type: 'maglev', tableSize: 65537 },
        keepSessionsOnDraining: false,
        problems: [{ severity: 'unsupported', reason: 'UnsupportedValue', message: 'spec.rules[0].sessionPersistence.idleTimeout: Envoy cannot enforce it' }],
      };
    }
    if (input.ruleIndex === 1) return { ...plain, problems: [{ severity: 'invalid', reason: 'UnsupportedValue', message: 'spec.rules[1].sessionPersistence.type: unknown' }] };
    return { ...plain, session: { type: 'header', name: 'ignored', strict: false, origin: { kind: 'HTTPRoute', name: 'app' } } };
  });
  const result = translate(objects(base), { stickyResolver: factory });
  const gw = result.ir.gateways[0];
  const routes = gw?.listeners[0]?.virtualHosts[0]?.routes ?? [];

  it('asks once per rule and Gateway, with the valid weighted backends, listener names and the parsed sessionPersistence', () => {
    expect(inputs.map((i) => i.ruleIndex)).toEqual([0, 1, 2]);
    expect(inputs[0]).toEqual({
      route: { kind: 'HTTPRoute', namespace: 'default', name: 'app' },
      ruleIndex: 0,
      ruleName: 'cart',
      sessionPersistence: { spec: { type: 'Cookie', lifetimeType: 'Session', name: 'c', nameField: 'spec.rules[0].sessionPersistence.sessionName' }, problems: [] },
      gateway: { namespace: 'default', name: 'web' },
      listenerNames: ['alt', 'http'],
      paths: [
        { type: 'PathPrefix', value: '/cart' },
        { type: 'PathPrefix', value: '/basket' },
      ],
      backends: [
        { namespace: 'default', name: 'a', port: 80, weight: 3 },
        { namespace: 'default', name: 'b', port: 80, weight: 1 },
      ],
    });
    expect(inputs[2]?.backends).toEqual([]);
  });

  it('puts a sticky rule\'s backends in one cluster with its balancer, weights kept, draining endpoints included', () => {
    const name = 'default/a/80+default/b/80/sticky-maglev-65537-drop-draining';
    expect(gw?.clusters.map((c) => c.name)).toEqual([name]);
    const cluster = gw?.clusters[0];
    expect(cluster?.loadBalancer).toEqual({ type: 'maglev', tableSize: 65537 });
    expect(cluster?.keepSessionsOnDraining).toBe(false);
    expect(cluster?.localities.map((l) => [l.name, l.weight, l.endpoints.map((e) => e.health)])).toEqual([
      ['default/a:80', 3, ['HEALTHY', 'DRAINING']],
      ['default/b:80', 1, []],
    ]);
    const cart = routes.filter((r) => r.source.ruleIndex === 0);
    expect(cart).toHaveLength(2);
    for (const r of cart) {
      expect(r.action).toEqual({ type: 'forward', clusters: [{ name, weight: 1 }] });
      expect(r.session?.name).toBe('x-session');
      expect(r.hashKeys).toEqual([{ type: 'header', name: 'x-user', terminal: false }]);
    }
  });

  it('drops a rule the resolver calls invalid, keeps the others, and says so', () => {
    expect(routes.some((r) => r.source.ruleIndex === 1)).toBe(false);
    const status = result.statuses.find((s) => s.ref.kind === 'HTTPRoute');
    expect(status?.status.type).toBe('route');
    if (status?.status.type !== 'route') return;
    const conditions = status.status.parents[0]?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True', message: expect.stringContaining('idleTimeout: Envoy cannot enforce it') });
    expect(conditions.find((c) => c.type === 'PartiallyInvalid')).toMatchObject({ status: 'True', reason: 'UnsupportedValue', message: expect.stringContaining('sessionPersistence.type: unknown') });
  });

  it('never puts a session on a redirect', () => {
    const redirect = routes.find((r) => r.source.ruleIndex === 2);
    expect(redirect?.action.type).toBe('redirect');
    expect(redirect?.session).toBeUndefined();
  });

  it('marks the listeners that carry sticky routes', () => {
    const carriesSticky = (l: ListenerIR) => l.virtualHosts.some((v) => v.routes.some((r) => r.session !== undefined || r.hashKeys !== undefined));
    expect(gw?.listeners.map((l) => [l.port, carriesSticky(l)])).toEqual([
      [80, true],
      [81, true],
    ]);
  });

  it('merges policy statuses and does not list their objects as ignored', () => {
    expect(result.statuses).toContainEqual(policyStatus);
    expect(result.ignored.some((i) => i.ref.kind === 'StickyThing')).toBe(false);
  });

  it('gives the same Service a plain and a sticky cluster when rules differ', () => {
    const { factory: f } = recordingResolver((input) =>
      input.ruleIndex === 0
        ? { sticky: true, loadBalancer: { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8388608 }, keepSessionsOnDraining: true, hashKeys: [{ type: 'source-ip', terminal: false }], problems: [] }
        : plain,
    );
    const r = translate(objects(base.replace('{ name: b, port: 80, weight: 1 }, { name: b, port: 80, weight: 0 }', '')), { stickyResolver: f });
    expect(r.ir.gateways[0]?.clusters.map((c) => [c.name, c.sticky, c.localities[0]?.endpoints.length])).toEqual([
      ['default/a/80', false, 1],
      ['default/a/80/sticky', true, 2],
    ]);
  });

  it('keeps translating other routes when one route meets a bug', () => {
    const yaml = `${base}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: other, namespace: default }
spec:
  parentRefs: [{ name: web }]
  rules: [{ matches: [{ path: { value: /other } }], backendRefs: [{ name: a, port: 80 }] }]
`;
    const { factory: f } = recordingResolver((input) => {
      if (input.route.name === 'app') throw new Error('resolver bug');
      return plain;
    });
    const r = translate(objects(yaml), { stickyResolver: f });
    const served = r.ir.gateways[0]?.listeners[0]?.virtualHosts[0]?.routes.map((x) => x.source.name);
    expect(served).toEqual(['other']);
    const app = r.statuses.find((s) => s.ref.name === 'app');
    expect(app?.status).toMatchObject({ type: 'route', parents: [{ conditions: [{ type: 'Accepted', status: 'Unknown', reason: 'Pending', message: expect.stringContaining('resolver bug') }] }] });
  });
});
