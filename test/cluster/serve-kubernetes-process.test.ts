// The real process: `node src/main.ts serve --source kubernetes` with KUBECONFIG pointing at the
// fake API server (as `KubeConfig.loadFromDefault()` reads it in a developer's shell), POD_NAME and
// POD_NAMESPACE as the Deployment sets them. It syncs, becomes ready, takes the Lease, writes
// status, provisions the Gateway's Envoy fleet (on by default), and on SIGTERM releases the Lease
// and exits 0.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer, FLEET_RESOURCES } from '../support/fake-apiserver.ts';
import { freePort } from '../serve/serve-harness.ts';
import { clusterResources } from './fixtures.ts';
import { waitFor } from './wait-for.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('tether serve --source kubernetes (process)', () => {
  let api: FakeApiServer;
  let dir: string;

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: [...clusterResources(['kongupstreampolicies']), ...FLEET_RESOURCES] });
    dir = await mkdtemp(join(tmpdir(), 'tether-kube-'));
  });
  afterEach(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs from the kubeconfig’s cluster, leads, writes status, and releases the Lease on SIGTERM', async () => {
    api.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: 'tether.dev/gateway-controller' } });
    api.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'demo' },
      spec: { gatewayClassName: 'tether', listeners: [{ name: 'http', protocol: 'HTTP', port: 8080 }], infrastructure: { parametersRef: { group: 'tether.dev', kind: 'FleetParameters', name: 'fleet' } } },
    });
    api.put({ apiVersion: 'tether.dev/v1alpha1', kind: 'FleetParameters', metadata: { name: 'fleet', namespace: 'demo' }, spec: { replicas: 3 } });
    const kubeconfig = join(dir, 'config');
    await writeFile(kubeconfig, api.kubeConfig('process').exportConfig());
    const adminPort = await freePort();
    const child = spawn(process.execPath, [join(root, 'src', 'main.ts'), 'serve', '--source', 'kubernetes', '--xds-address', '127.0.0.1:0', '--admin-address', `127.0.0.1:${adminPort}`], {
      cwd: root,
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, POD_NAME: 'tether-abc', POD_NAMESPACE: 'tether-system' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const admin = `http://127.0.0.1:${adminPort}`;
      await waitFor(`readyz (output: ${out})`, async () => (await fetch(`${admin}/readyz`).then((r) => r.status, () => 0)) === 200, 20_000);
      const sources = (await (await fetch(`${admin}/debug/sources`)).json()) as { source: string; problems: { subject: string }[] };
      expect(sources.source).toBe('kubernetes');
      expect(sources.problems.map((p) => p.subject)).toContain('KongUpstreamPolicy');

      const lease = () => api.get('coordination.k8s.io/v1', 'Lease', 'tether-leader', 'tether-system')?.spec as { holderIdentity?: string } | undefined;
      await waitFor('the Lease held by POD_NAME', () => lease()?.holderIdentity === 'tether-abc', 10_000);
      await waitFor('GatewayClass status written', () => api.get('gateway.networking.k8s.io/v1', 'GatewayClass', 'tether')?.status, 10_000);
      // Provisioning is the default: the Gateway's fleet appears, bootstrapped to Tether in POD_NAMESPACE.
      const cm = await waitFor('the provisioned fleet', () => api.get('apps/v1', 'Deployment', 'tether-gw', 'demo') && api.get('v1', 'ConfigMap', 'tether-gw', 'demo'), 10_000);
      expect((cm as unknown as { data: Record<string, string> }).data['bootstrap.json']).toContain('tether.tether-system.svc.cluster.local');
      // The FleetParameters the Gateway names reach the fleet (the same resolution translation applies).
      expect((api.get('apps/v1', 'Deployment', 'tether-gw', 'demo') as unknown as { spec: { replicas: number } }).spec.replicas).toBe(3);
      expect(api.requests.every((r) => r.token === 'process')).toBe(true);

      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(lease()?.holderIdentity).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
