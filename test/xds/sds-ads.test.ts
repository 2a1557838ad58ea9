// Certificates over SDS on the ADS stream, SotW and delta, with the Envoy-like client: the real
// pipeline (certificates parsed at the edge → translate → build → encode → snapshot cache → ADS
// server on loopback). A listener is active only once its secrets arrived, a certificate rotation
// is an SDS push alone, a Gateway's Envoys never receive another Gateway's certificates, and a
// removed HTTPS listener's secret comes back when the listener does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import { inspectCertificates } from '../../src/sources/certificates/certificate-inspector.ts';
import { translate } from '../../src/translate/translate.ts';
import { buildEnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import { protoRegistry } from '../../src/codec/proto-registry.ts';
import { RESOURCE_KINDS, resourceNameOf } from '../../src/codec/resource-kinds.ts';
import type { ResourcesByType } from '../../src/xds/resource-types.ts';
import { FakeEnvoy, RawXdsStream, TYPE, sdsNames, type Protocol } from '../support/fake-envoy.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { sleep, startHarness, type Harness } from './xds-fixtures.ts';

const TLS_DIR = join(import.meta.dirname, '..', 'support', 'tls');
const pem = (name: string, ext: 'crt' | 'key'): string => readFileSync(join(TLS_DIR, `test-only-${name}.${ext}`), 'utf8');

function tlsSecret(name: string, cert: string, key = cert): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': pem(cert, 'crt'), 'tls.key': pem(key, 'key') } };
}

function gateway(name: string, listeners: unknown[]): KubeObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'default' }, spec: { gatewayClassName: 'tether', listeners } };
}

const https = (name: string, port: number, secret: string, hostname?: string) => ({ name, port, protocol: 'HTTPS', ...(hostname ? { hostname } : {}), tls: { certificateRefs: [{ name: secret }] } });
const http = { name: 'http', port: 80, protocol: 'HTTP' };

const BASE: KubeObject[] = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'default' }, spec: { ports: [{ port: 8080 }] } },
  ...['gw-a', 'gw-b'].map((gw): KubeObject => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: `app-${gw}`, namespace: 'default' }, spec: { parentRefs: [{ name: gw }], rules: [{ backendRefs: [{ name: 'app', port: 8080 }] }] } })),
];

const NOW = '2030-01-01T00:00:00.000Z';

let h: Harness;
const clients: { close(): void }[] = [];

/** Serves `objects` as Tether does: every Gateway's snapshot, with key material in its Secrets. */
function serve(objects: KubeObject[]): void {
  const certificates = inspectCertificates(objects);
  const { ir } = translate(objects, { certificates, now: NOW });
  const registry = protoRegistry();
  const served = new Set<string>();
  for (const gw of ir.gateways) {
    const resources = buildEnvoyResources(gw, {
      secretMaterial: (n) => {
        const c = certificates.get(n);
        return c?.ok ? { certificateChain: c.certificateChain, privateKey: c.privateKey } : undefined;
      },
    });
    expectValidEnvoyResources(resources);
    const byType: ResourcesByType = {};
    for (const kind of RESOURCE_KINDS) byType[kind.typeUrl] = (resources[kind.key] ?? []).map((json) => ({ name: resourceNameOf(kind, json), bytes: registry.encode(kind.messageType, json) }));
    h.cache.setSnapshot(gw.name, 'envoy', byType);
    served.add(gw.name);
  }
  for (const gw of ['default/gw-a', 'default/gw-b']) if (!served.has(gw)) h.cache.deleteSnapshot(gw);
}

function envoy(protocol: Protocol, gw: string): FakeEnvoy {
  const e = new FakeEnvoy({ address: h.address, nodeId: `envoy-${clients.length + 1}`, cluster: gw, protocol });
  clients.push(e);
  return e;
}

const privateKeyOf = (e: FakeEnvoy, name: string): string => {
  const json = e.secrets.get(name)?.json as { tls_certificate?: { private_key?: { inline_string?: string } } } | undefined;
  return json?.tls_certificate?.private_key?.inline_string ?? '';
};

const countByType = (e: FakeEnvoy): Record<string, number> => Object.fromEntries(Object.values(TYPE).map((t) => [t, e.responsesOf(t).length]));

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.stop();
});

describe.each(['sotw', 'delta'] as const)('SDS over %s ADS', (protocol) => {
  const objects = (secretA = tlsSecret('cert-a', 'example-ecdsa')): KubeObject[] => [
    ...BASE,
    gateway('gw-a', [http, https('https', 443, 'cert-a', 'example.com')]),
    gateway('gw-b', [https('https', 443, 'cert-b')]),
    secretA,
    tlsSecret('cert-b', 'other'),
  ];

  it('delivers a listener\'s certificate, with its key, and activates the listener only once it has arrived', async () => {
    serve(objects());
    const e = envoy(protocol, 'default/gw-a');
    e.start();
    await e.waitFor(() => e.activeListeners.has('default/gw-a/443'), 'the HTTPS listener');
    expect(sdsNames(e.activeListeners.get('default/gw-a/443')!.json)).toEqual(['default/cert-a']);
    expect(privateKeyOf(e, 'default/cert-a')).toBe(pem('example-ecdsa', 'key'));
    expect(e.violations).toEqual([]);
    expect(e.nacks).toEqual([]);
    // The listener that names the secret arrived before it (Envoy subscribes to what listeners
    // name), and stayed warming until the SDS response.
    const lds = e.responses.findIndex((r) => r.typeUrl === TYPE.listener && r.resources.some((x) => x.name === 'default/gw-a/443'));
    const sds = e.responses.findIndex((r) => r.typeUrl === TYPE.secret && r.resources.some((x) => x.name === 'default/cert-a'));
    expect(lds).toBeGreaterThanOrEqual(0);
    expect(sds).toBeGreaterThan(lds);
  });

  it('sends the certificate before the listener when both are due on one stream (make-before-break)', async () => {
    serve(objects());
    const e = envoy(protocol, 'default/gw-a');
    e.start();
    await e.waitFor(() => e.activeListeners.has('default/gw-a/443'), 'the HTTPS listener');
    const before = e.responses.length;
    // Reconnect: Envoy re-sends its SDS subscription before LDS; a rotation and a new listener
    // hostname are both due at once.
    serve([...objects(tlsSecret('cert-a', 'rotated')).filter((o) => o.metadata.name !== 'gw-a'), gateway('gw-a', [http, https('https', 443, 'cert-a', 'www.example.com')])]);
    e.reconnect();
    await e.waitFor(() => privateKeyOf(e, 'default/cert-a') === pem('rotated', 'key') && e.activeListeners.get('default/gw-a/443')?.key.includes('www.example.com') === true, 'rotation and new listener');
    const after = e.responses.slice(before);
    const sds = after.findIndex((r) => r.typeUrl === TYPE.secret);
    const lds = after.findIndex((r) => r.typeUrl === TYPE.listener);
    expect(sds).toBeGreaterThanOrEqual(0);
    expect(lds).toBeGreaterThan(sds);
    expect(e.violations).toEqual([]);
  });

  it('rotates a certificate with an SDS push alone: no listener, route, cluster or endpoint update', async () => {
    serve(objects());
    const e = envoy(protocol, 'default/gw-a');
    e.start();
    await e.waitFor(() => e.activeListeners.has('default/gw-a/443') && e.routes.size === 2, 'convergence');
    await sleep(100);
    const counts = countByType(e);
    const listener = e.activeListeners.get('default/gw-a/443')!;
    serve(objects(tlsSecret('cert-a', 'rotated')));
    await e.waitFor(() => privateKeyOf(e, 'default/cert-a') === pem('rotated', 'key'), 'the rotated key');
    await sleep(200);
    expect(countByType(e)).toEqual({ ...counts, [TYPE.secret]: counts[TYPE.secret] + 1 });
    // The same listener object is still active: Envoy applies the secret in place, nothing drains.
    expect(e.activeListeners.get('default/gw-a/443')).toBe(listener);
    expect(e.nacks).toEqual([]);
  });

  it('never gives one Gateway\'s Envoys another Gateway\'s certificates, even when asked by name', async () => {
    serve(objects());
    const a = envoy(protocol, 'default/gw-a');
    const b = envoy(protocol, 'default/gw-b');
    a.start();
    b.start();
    await a.waitFor(() => a.activeListeners.has('default/gw-a/443'), 'gw-a converged');
    await b.waitFor(() => b.activeListeners.has('default/gw-b/443'), 'gw-b converged');
    expect([...a.secrets.keys()]).toEqual(['default/cert-a']);
    expect([...b.secrets.keys()]).toEqual(['default/cert-b']);
    for (const r of a.responsesOf(TYPE.secret)) expect(r.resources.map((x) => x.name)).not.toContain('default/cert-b');

    const s = new RawXdsStream(h.address, protocol);
    clients.push(s);
    const node = { id: 'intruder', cluster: 'default/gw-a', user_agent_name: 'envoy' };
    if (protocol === 'sotw') s.send({ node, type_url: TYPE.secret, resource_names: ['default/cert-b'] });
    else s.send({ node, type_url: TYPE.secret, resource_names_subscribe: ['default/cert-b'] });
    const seen: string[] = [];
    for (;;) {
      const r = await s.next(500).catch(() => undefined);
      if (!r) break;
      seen.push(...r.resources.map((x) => x.name));
    }
    expect(seen).toEqual([]);
  });

  it('drops the secret with its listener and serves it again when the listener comes back', async () => {
    serve(objects());
    const e = envoy(protocol, 'default/gw-a');
    e.start();
    await e.waitFor(() => e.activeListeners.has('default/gw-a/443'), 'the HTTPS listener');
    serve([...objects().filter((o) => o.metadata.name !== 'gw-a'), gateway('gw-a', [http])]);
    await e.waitFor(() => !e.activeListeners.has('default/gw-a/443'), 'the listener removed');
    // Envoy drops its SDS subscription with the last listener naming the secret.
    const lastSds = e.requests.filter((r) => r.typeUrl === TYPE.secret).at(-1)!.json;
    expect(protocol === 'sotw' ? lastSds['resource_names'] ?? [] : lastSds['resource_names_unsubscribe']).toEqual(protocol === 'sotw' ? [] : ['default/cert-a']);
    serve(objects());
    await e.waitFor(() => e.activeListeners.has('default/gw-a/443'), 'the listener back');
    expect(privateKeyOf(e, 'default/cert-a')).toBe(pem('example-ecdsa', 'key'));
    expect(e.violations).toEqual([]);
  });
});

describe('what the snapshot holds', () => {
  it('has the real key only in the SDS Secret, never in the listener', () => {
    const objects = [...BASE, gateway('gw-a', [https('https', 443, 'cert-a')]), tlsSecret('cert-a', 'example-rsa')];
    const certificates = inspectCertificates(objects);
    const { ir } = translate(objects, { certificates, now: NOW });
    const gw = ir.gateways[0];
    const withKeys = buildEnvoyResources(gw, { secretMaterial: (n) => { const c = certificates.get(n); return c?.ok ? { certificateChain: c.certificateChain, privateKey: c.privateKey } : undefined; } });
    expect(stringify(withKeys.listeners)).not.toContain('PRIVATE KEY');
    expect(stringify(withKeys.secrets)).toContain('PRIVATE KEY');
    // Without key material (translate output, config dumps) the Secret is redacted.
    const redacted = buildEnvoyResources(gw);
    expect(stringify(redacted)).not.toContain('PRIVATE KEY');
    expect(stringify(redacted.secrets)).toContain(certificates.get('default/cert-a')!.ok ? 'SHA-256' : 'never');
  });
});
