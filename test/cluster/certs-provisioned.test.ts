// `tether certs --source kubernetes --provisioned-gateways` against the fake API server, as the
// k8s/certs.yaml CronJob runs it: every Gateway of Tether's class gets its client certificate as a
// Secret in its own namespace (where its provisioned fleet mounts it); CA and server stay in
// Tether's namespace; other classes' Gateways get none.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretNameOf } from '../../src/certs/cert-secrets.ts';
import { CONTROLLER_NAME } from '../../src/status/status.ts';
import { runTether } from '../cli/run-cli.ts';
import { FakeApiServer } from '../support/fake-apiserver.ts';
import { clusterResources } from './fixtures.ts';

describe('tether certs --provisioned-gateways', () => {
  let api: FakeApiServer;
  let dir: string;
  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: clusterResources() });
    dir = await mkdtemp(join(tmpdir(), 'tether-certs-'));
  });
  afterEach(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('issues each Tether Gateway\'s client certificate into that Gateway\'s namespace', async () => {
    api.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tether' }, spec: { controllerName: CONTROLLER_NAME } });
    api.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'other' }, spec: { controllerName: 'example.com/other' } });
    const gw = (ns: string, name: string, cls: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: ns }, spec: { gatewayClassName: cls, listeners: [] } });
    api.put(gw('shop', 'edge', 'tether'));
    api.put(gw('ops', 'theirs', 'other'));
    const kubeconfig = join(dir, 'config');
    await writeFile(kubeconfig, api.kubeConfig('certs').exportConfig());
    const args = ['certs', '--source', 'kubernetes', '--namespace', 'tether-system', '--provisioned-gateways'];
    const first = await runTether(args, { env: { KUBECONFIG: kubeconfig, HOME: dir } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`secret shop/${secretNameOf('gateway/shop/edge')}`);
    const client = api.get('v1', 'Secret', secretNameOf('gateway/shop/edge'), 'shop');
    const crt = Buffer.from((client?.data as Record<string, string>)['tls.crt'], 'base64');
    expect(new X509Certificate(crt).subjectAltName).toBe('URI:tether://gateway/shop/edge');
    expect(api.get('v1', 'Secret', secretNameOf('ca'), 'tether-system')).toBeDefined();
    expect(api.get('v1', 'Secret', secretNameOf('gateway/ops/theirs'), 'ops')).toBeUndefined();
    // A second run keeps what is valid.
    const second = await runTether(args, { env: { KUBECONFIG: kubeconfig, HOME: dir } });
    expect(second.stdout).toMatch(/gateway\/shop\/edge\s+kept/);
  });
});
