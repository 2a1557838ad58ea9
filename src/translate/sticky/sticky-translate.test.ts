// Sticky sessions end to end through translate(): testdata/translate/<case>.in.yaml → the IR and
// statuses translate() returns (golden <case>.out.yaml), plus assertions on the parts each case is
// about, so a regenerated golden file cannot quietly accept a regression.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { GatewayIR, RouteIR } from '../../ir/ir.ts';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { translate, type TranslateResult } from '../translate.ts';

const dir = join(import.meta.dirname, 'testdata', 'translate');

function run(name: string): TranslateResult {
  const objects = parseAllDocuments(readFileSync(join(dir, `${name}.in.yaml`), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  return translate(objects);
}

function routes(g: GatewayIR): RouteIR[] {
  return g.listeners.flatMap((l) => l.virtualHosts.flatMap((v) => v.routes));
}

function clusterOf(r: RouteIR): string[] {
  return r.action.type === 'forward' ? r.action.clusters.map((c) => c.name) : [];
}

describe('sticky sessions through translate()', () => {
  it.each(['kgateway-example', 'weighted-split', 'sticky-and-plain'])('%s matches its golden file', async (name) => {
    await expect(stringify(run(name), { lineWidth: 0, aliasDuplicateObjects: false })).toMatchFileSnapshot(join(dir, `${name}.out.yaml`));
  });

  it('kgateway example: cookie Session-A with Max-Age 10 on /path-A, header on /path-B, idleTimeout reported', () => {
    const result = run('kgateway-example');
    const [gw] = result.ir.gateways;
    const byPath = new Map(routes(gw).map((r) => [r.match.path.value, r]));
    const a = byPath.get('/path-A');
    const b = byPath.get('/path-B');
    expect(a?.session).toMatchObject({ type: 'cookie', name: 'Session-A', path: '/', ttlSeconds: 10, strict: false });
    expect(b?.session).toMatchObject({ type: 'header', name: 'session-b' });
    // No policy names a hash key: each session hashes on its own value.
    expect(a?.hashKeys).toEqual([{ type: 'cookie', name: 'Session-A', terminal: false }]);
    expect(b?.hashKeys).toEqual([{ type: 'header', name: 'session-b', terminal: false }]);
    const route = result.statuses.find((s) => s.ref.kind === 'HTTPRoute');
    const text = JSON.stringify(route?.status);
    expect(text).toContain('idleTimeout');
    expect(text).toContain('Envoy has no idle timeout');
    if (route?.status.type !== 'route') throw new Error('route status expected');
    const accepted = route.status.parents[0].conditions.find((c) => c.type === 'Accepted');
    expect(accepted?.status).toBe('True');
    for (const name of [...clusterOf(a as RouteIR), ...clusterOf(b as RouteIR)]) {
      const c = gw.clusters.find((x) => x.name === name);
      expect(c).toMatchObject({ sticky: true, keepSessionsOnDraining: true, loadBalancer: { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8388608 } });
    }
  });

  it('70/30 split with a session: one cluster, two localities weighted 70 and 30', () => {
    const [gw] = run('weighted-split').ir.gateways;
    const [route] = routes(gw);
    expect(route.session).toMatchObject({ type: 'cookie', name: 'split-session', ttlSeconds: 3600 });
    const names = clusterOf(route);
    expect(names).toHaveLength(1);
    const cluster = gw.clusters.find((c) => c.name === names[0]);
    expect(cluster?.sticky).toBe(true);
    expect(cluster?.localities.map((l) => [l.name, l.weight])).toEqual([
      ['shop/canary:80', 30],
      ['shop/stable:80', 70],
    ]);
    // The terminating-but-serving pod stays in the sticky cluster as DRAINING (sessions finish there).
    const stable = cluster?.localities.find((l) => l.name === 'shop/stable:80');
    expect(stable?.endpoints.map((e) => [e.address, e.health])).toEqual([
      ['10.1.0.1', 'HEALTHY'],
      ['10.1.0.2', 'DRAINING'],
    ]);
  });

  it('same Service sticky on one rule and plain on another: two clusters, one session', () => {
    const [gw] = run('sticky-and-plain').ir.gateways;
    const byPath = new Map(routes(gw).map((r) => [r.match.path.value, r]));
    const cart = byPath.get('/cart') as RouteIR;
    const catalog = byPath.get('/catalog') as RouteIR;
    expect(cart.session).toMatchObject({ type: 'cookie', name: 'tether-shop.web.r0', path: '/' });
    expect(catalog.session).toBeUndefined();
    expect(catalog.hashKeys).toBeUndefined();
    const [stickyName] = clusterOf(cart);
    const [plainName] = clusterOf(catalog);
    expect(stickyName).not.toBe(plainName);
    const sticky = gw.clusters.find((c) => c.name === stickyName);
    const plain = gw.clusters.find((c) => c.name === plainName);
    expect(sticky).toMatchObject({ sticky: true, keepSessionsOnDraining: true, loadBalancer: { type: 'ring-hash' } });
    expect(plain).toMatchObject({ sticky: false, keepSessionsOnDraining: false, loadBalancer: { type: 'round-robin' } });
    // Only the sticky cluster carries the terminating pod (as DRAINING).
    expect(sticky?.localities[0].endpoints.map((e) => e.health)).toEqual(['HEALTHY', 'DRAINING']);
    expect(plain?.localities[0].endpoints.map((e) => e.address)).toEqual(['10.3.0.1']);
  });
});
