import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { expectValidBootstrap } from '../../test/support/envoy-assertions.ts';
import { secretNameOf } from '../certs/cert-secrets.ts';
import { parseGateway } from '../k8s/gateway-api/gateway.ts';
import type { JsonObject } from '../envoy/envoy-json.ts';
import { BOOTSTRAP_FILE, BOOTSTRAP_HASH_ANNOTATION, FLEET_LABELS, fleetName, gatewayLabelValue } from './fleet-names.ts';
import { DEFAULT_ENVOY_IMAGE, standardInstallFacts } from './install-facts.ts';
import { renderFleet } from './render-fleet.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are free-form JSON, checked by the assertions
type Obj = any;

const facts = standardInstallFacts({ namespace: 'tether-system', xdsPort: 18000, tls: true });

function gateway(extra: Record<string, unknown> = {}, name = 'edge') {
  return parseGateway({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'shop', uid: 'uid-1' },
    spec: { gatewayClassName: 'tether', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'alt', port: 8080, protocol: 'HTTP' }], ...extra },
  });
}

const byKind = (objects: Obj[], kind: string): Obj => objects.find((o) => o.kind === kind);

describe('renderFleet', () => {
  it('renders the account, bootstrap, Service, Deployment and budget, labelled with and owned by the Gateway', () => {
    const f = renderFleet(gateway({ infrastructure: { labels: { team: 'edge' }, annotations: { 'example.com/cost': 'shop' } } }), 'uid-1', {}, facts);
    expect(f.objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'PodDisruptionBudget']);
    expect(f.absent.map((a) => a.kind)).toEqual(['HorizontalPodAutoscaler']);
    for (const o of f.objects as Obj[]) {
      expect(o.metadata).toMatchObject({ name: 'tether-edge', namespace: 'shop' });
      expect(o.metadata.labels).toMatchObject({ team: 'edge', [FLEET_LABELS.gateway]: 'edge', 'gateway.networking.k8s.io/gateway-name': 'edge', [FLEET_LABELS.managedBy]: 'tether' });
      expect(o.metadata.annotations).toMatchObject({ 'example.com/cost': 'shop' });
      expect(o.metadata.ownerReferences).toEqual([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'edge', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
    }
  });

  it('bootstraps Envoy for its own Gateway, over mutual TLS with the Gateway\'s client certificate, and Envoy accepts the bootstrap', () => {
    const f = renderFleet(gateway(), 'uid-1', {}, facts);
    const cm: Obj = byKind(f.objects, 'ConfigMap');
    const bootstrap = JSON.parse(cm.data[BOOTSTRAP_FILE]) as JsonObject;
    expectValidBootstrap(bootstrap);
    const b: Obj = bootstrap;
    expect(b.node.cluster).toBe('shop/edge');
    const ep = b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    expect(ep).toEqual({ address: 'tether.tether-system.svc.cluster.local', port_value: 18000 });
    const tls = b.static_resources.clusters[0].transport_socket.typed_config.common_tls_context;
    const dep: Obj = byKind(f.objects, 'Deployment');
    const vol = dep.spec.template.spec.volumes.find((v: Obj) => v.secret);
    expect(vol.secret.secretName).toBe(secretNameOf('gateway/shop/edge'));
    const mount = dep.spec.template.spec.containers[0].volumeMounts.find((m: Obj) => m.name === vol.name);
    expect(tls.tls_certificates[0].certificate_chain.filename).toBe(`${mount.mountPath}/tls.crt`);
    // Plaintext installs get no certificate volume.
    const plain: Obj = byKind(renderFleet(gateway(), 'uid-1', {}, { ...facts, xdsTls: undefined }).objects, 'Deployment');
    expect(plain.spec.template.spec.volumes.map((v: Obj) => v.name)).toEqual(['bootstrap']);
  });

  it('caps downstream connections in the bootstrap from the parameters, and a new cap rolls the fleet', () => {
    const monitor = (f: ReturnType<typeof renderFleet>): Obj => JSON.parse(byKind(f.objects, 'ConfigMap').data[BOOTSTRAP_FILE]).overload_manager.resource_monitors[0].typed_config;
    const capped = renderFleet(gateway(), 'uid-1', { edge: { maxConnections: 1234 } }, facts);
    expectValidBootstrap(JSON.parse(byKind(capped.objects, 'ConfigMap').data[BOOTSTRAP_FILE]) as JsonObject);
    expect(monitor(capped).max_active_downstream_connections).toBe('1234');
    const plain = renderFleet(gateway(), 'uid-1', {}, facts);
    expect(monitor(plain).max_active_downstream_connections).toBe('50000');
    const hash = (f: ReturnType<typeof renderFleet>): string => byKind(f.objects, 'Deployment').spec.template.metadata.annotations[BOOTSTRAP_HASH_ANNOTATION];
    expect(hash(capped)).not.toBe(hash(plain));
  });

  it('runs Envoy unprivileged, read-only, ready on its admin /ready, draining before it stops', () => {
    const dep: Obj = byKind(renderFleet(gateway(), 'uid-1', {}, facts).objects, 'Deployment');
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(c.image).toBe(DEFAULT_ENVOY_IMAGE);
    expect(c.resources.requests).toBeDefined();
    expect(c.readinessProbe.exec.command.join(' ')).toContain('GET /ready');
    expect(c.lifecycle.preStop.exec.command.join(' ')).toContain('POST /drain_listeners?graceful');
    const drain = Number(c.args[c.args.indexOf('--drain-time-s') + 1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drain);
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(dep.spec.selector.matchLabels).toEqual({ [FLEET_LABELS.managedBy]: 'tether', [FLEET_LABELS.gateway]: 'edge' });
    expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
  });

  it('maps privileged listener ports to unprivileged container ports, the Service exposing the listener\'s own', () => {
    const f = renderFleet(gateway(), 'uid-1', {}, facts);
    const svc: Obj = byKind(f.objects, 'Service');
    expect(svc.spec.ports).toEqual([
      { name: 'tcp-80', port: 80, targetPort: 10080, protocol: 'TCP' },
      { name: 'tcp-8080', port: 8080, targetPort: 8080, protocol: 'TCP' },
    ]);
    const dep: Obj = byKind(f.objects, 'Deployment');
    expect(dep.spec.template.spec.containers[0].ports.map((p: Obj) => p.containerPort)).toEqual([10080, 8080]);
  });

  it('changes the bootstrap hash on the pod template only when the bootstrap changes', () => {
    const hashOf = (f: ReturnType<typeof renderFleet>): string => (byKind(f.objects, 'Deployment')).spec.template.metadata.annotations[BOOTSTRAP_HASH_ANNOTATION];
    const a = renderFleet(gateway(), 'uid-1', {}, facts);
    expect(hashOf(a)).toBe(a.bootstrapHash);
    expect(hashOf(renderFleet(gateway(), 'uid-1', {}, facts))).toBe(hashOf(a));
    expect(hashOf(renderFleet(gateway(), 'uid-1', {}, { ...facts, xdsPort: 18001 }))).not.toBe(hashOf(a));
  });

  it('leaves replicas to an autoscaler when autoscaling is set, and says the fixed count is not used', () => {
    const f = renderFleet(gateway(), 'uid-1', { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 6 } }, facts);
    const dep: Obj = byKind(f.objects, 'Deployment');
    expect('replicas' in dep.spec).toBe(false);
    const hpa: Obj = byKind(f.objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'tether-edge' }, minReplicas: 2, maxReplicas: 6 });
    expect(f.absent).toEqual([]);
    expect(f.problems.map((p) => p.message).join()).toMatch(/replicas \(3\) is not used/);
  });

  it('takes Service type, annotations, externalTrafficPolicy and class from the parameters, and honours IP addresses', () => {
    const f = renderFleet(
      gateway({ addresses: [{ type: 'IPAddress', value: '203.0.113.7' }, { type: 'IPAddress', value: '203.0.113.8' }, { type: 'Hostname', value: 'edge.example.com' }] }),
      'uid-1',
      { service: { type: 'LoadBalancer', annotations: { 'lb.example.com/internal': 'true' }, externalTrafficPolicy: 'Local', loadBalancerClass: 'example.com/lb' } },
      facts,
    );
    const svc: Obj = byKind(f.objects, 'Service');
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerClass: 'example.com/lb', loadBalancerIP: '203.0.113.7', externalIPs: ['203.0.113.8'] });
    expect(svc.metadata.annotations).toEqual({ 'lb.example.com/internal': 'true' });
    expect(f.problems).toEqual([{ reason: 'UnsupportedAddress', message: expect.stringContaining('spec.addresses[2]') }]);
    expect(f.requestedAddresses).toEqual(['203.0.113.7', '203.0.113.8']);
    // An IPAddress without a value asks for any address: nothing pinned, nothing reported.
    const any = renderFleet(gateway({ addresses: [{ type: 'IPAddress' }] }), 'uid-1', {}, facts);
    const anySvc: Obj = byKind(any.objects, 'Service');
    expect([anySvc.spec.loadBalancerIP, anySvc.spec.externalIPs, any.problems, any.requestedAddresses]).toEqual([undefined, undefined, [], []]);
    // A Hostname needs a value all the same (Tether pins IP addresses only).
    expect(renderFleet(gateway({ addresses: [{ type: 'Hostname' }] }), 'uid-1', {}, facts).problems.map((p) => p.reason)).toEqual(['UnsupportedAddress']);
    const cluster = renderFleet(gateway({ addresses: [{ type: 'IPAddress', value: '10.0.0.9' }] }), 'uid-1', { service: { type: 'ClusterIP', externalTrafficPolicy: 'Local' } }, facts);
    const csvc: Obj = byKind(cluster.objects, 'Service');
    expect(csvc.spec.externalIPs).toEqual(['10.0.0.9']);
    expect(csvc.spec.externalTrafficPolicy).toBeUndefined();
    expect(cluster.problems.map((p) => p.reason)).toEqual(['UnsupportedValue']);
  });

  it('names fleets as DNS labels, shortened with a hash when long, distinct per Gateway', () => {
    const long = 'a'.repeat(70);
    const longer = `${long}b`;
    expect(fleetName('edge')).toBe('tether-edge');
    for (const n of [long, longer, 'api.example.com']) {
      expect(fleetName(n)).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
      expect(gatewayLabelValue(n).length).toBeLessThanOrEqual(63);
    }
    expect(fleetName(long)).not.toBe(fleetName(longer));
    expect(fleetName('api.example.com')).not.toBe(fleetName('api-example-com'));
  });

  it('pins the Envoy image the static fleet runs', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const docs = parseAllDocuments(readFileSync(join(root, 'k8s/static-fleet/envoy.yaml'), 'utf8')).map((d) => d.toJS());
    const dep = docs.find((d) => d?.kind === 'Deployment');
    expect(dep.spec.template.spec.containers[0].image).toBe(DEFAULT_ENVOY_IMAGE);
  });
});
