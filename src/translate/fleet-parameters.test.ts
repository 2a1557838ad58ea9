// resolveFleetParameters: what the provisioner is given per Gateway. It must agree with what
// translation reports and serves for the same objects: a Gateway is provisioned from parameters
// exactly when it is not rejected for them, and with the edge settings its listeners carry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/kube-object.ts';
import { resolveFleetParameters } from './fleet-parameters.ts';
import { translate } from './translate.ts';
import { edgeIR } from './edge-settings.ts';

const objects = parseAllDocuments(readFileSync(join(import.meta.dirname, 'testdata', 'fleet-parameters.in.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);

describe('resolveFleetParameters', () => {
  const resolved = resolveFleetParameters(objects);

  it('gives every Gateway of Tether’s classes its merged parameters, or why there are none', () => {
    expect([...resolved.keys()].sort()).toEqual(['default/edge', 'default/invalid', 'default/missing', 'default/orphan-class', 'default/plain', 'default/wrong-kind']);
    expect(resolved.get('default/plain')).toEqual({ ok: true, parameters: { replicas: 2, edge: { accessLog: 'Text', trustedHops: 1, maxConnections: 20000 } } });
    expect(resolved.get('default/edge')).toEqual({
      ok: true,
      parameters: {
        replicas: 2,
        service: { type: 'LoadBalancer' },
        edge: { accessLog: 'Text', trustedHops: 2, proxyProtocol: true, escapedSlashes: 'KeepUnchanged', headersWithUnderscores: 'Reject', drainTimeoutSeconds: 30, maxConnections: 20000 },
      },
    });
    expect(resolved.get('default/missing')).toEqual({ ok: false, reason: 'InvalidParameters', message: 'spec.infrastructure.parametersRef: FleetParameters default/nowhere not found' });
    expect(resolved.get('default/orphan-class')).toMatchObject({ ok: false, reason: 'InvalidParameters', message: expect.stringContaining('GatewayClass tether-no-namespace: spec.parametersRef.namespace') });
  });

  it('agrees with translation: rejected exactly where it is not ok, served with the edge it resolves', () => {
    const result = translate(objects);
    for (const [key, r] of resolved) {
      const [namespace, name] = key.split('/');
      const status = result.statuses.find((s) => s.ref.kind === 'Gateway' && s.ref.namespace === namespace && s.ref.name === name);
      const accepted = status?.status.type === 'gateway' ? status.status.conditions.find((c) => c.type === 'Accepted') : undefined;
      expect(accepted?.reason === 'InvalidParameters', key).toBe(!r.ok);
      const ir = result.ir.gateways.find((g) => g.name === key);
      if (r.ok) expect(ir?.edge).toEqual(edgeIR(r.parameters.edge));
      else expect(ir).toBeUndefined();
    }
  });

  it('leaves out Gateways of other controllers, and gives {} where nothing is named', () => {
    const gc = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'theirs' }, spec: { controllerName: 'example.com/other' } };
    const ours = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'bare' }, spec: { controllerName: 'tether.dev/gateway-controller' } };
    const gw = (name: string, cls: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'a' }, spec: { gatewayClassName: cls, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } });
    const r = resolveFleetParameters([gc, ours, gw('x', 'theirs'), gw('y', 'bare')]);
    expect([...r.entries()]).toEqual([['a/y', { ok: true, parameters: {} }]]);
  });

  it('a Gateway reference is local: a FleetParameters of that name in another namespace does not count', () => {
    const moved = objects.map((o) => (o.kind === 'FleetParameters' && o.metadata.name === 'behind-lb' ? { ...o, metadata: { ...o.metadata, namespace: 'elsewhere' } } : o));
    expect(resolveFleetParameters(moved).get('default/edge')).toEqual({ ok: false, reason: 'InvalidParameters', message: 'spec.infrastructure.parametersRef: FleetParameters default/behind-lb not found' });
  });
});
