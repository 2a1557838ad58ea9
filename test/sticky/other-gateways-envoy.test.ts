// The other gateways' documented sticky-session examples, all the way to Envoy config: each manifest
// (src/translate/sticky/testdata/example-*.in.yaml, as that gateway's users write it) is translated,
// built into Envoy resources, checked by the strict validator, and must carry the session that
// gateway's documentation promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildEnvoyResources } from '../../src/envoy/build-envoy-resources.ts';
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import { translate } from '../../src/translate/translate.ts';
import { expectValidEnvoyResources } from '../support/envoy-assertions.ts';

const testdata = join(import.meta.dirname, '..', '..', 'src', 'translate', 'sticky', 'testdata');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking proto3 JSON

function envoyFor(example: string): { routes: Json[]; clusters: Json[]; endpoints: Json[] } {
  const objects = parseAllDocuments(readFileSync(join(testdata, `example-${example}.in.yaml`), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  const { ir } = translate(objects);
  expect(ir.gateways).toHaveLength(1);
  const resources = buildEnvoyResources(ir.gateways[0]);
  expectValidEnvoyResources(resources);
  const routes = resources.routes.flatMap((rc: JsonObject) => (rc['virtual_hosts'] as Json[]).flatMap((vh) => vh['routes'] as Json[]));
  return { routes, clusters: resources.clusters, endpoints: resources.endpoints };
}

/** The session state a route turns on: {cookie: {...}} or {header: name}, or undefined. */
function sessionOf(route: Json): { cookie?: Json; header?: string; strict: boolean } | undefined {
  const perRoute = route['typed_per_filter_config']?.['envoy.filters.http.stateful_session'];
  const state = perRoute?.['stateful_session']?.['session_state'];
  if (!state) return undefined;
  const cfg = state['typed_config'];
  const strict = perRoute['stateful_session']['strict'] === true;
  if (state['name'] === 'envoy.http.stateful_session.cookie') return { cookie: cfg['cookie'], strict };
  return { header: cfg['name'], strict };
}

function statusesOf(cluster: Json): string[] {
  return cluster['common_lb_config']?.['override_host_status']?.['statuses'] ?? [];
}

describe("other gateways' examples as Envoy config", () => {
  it('FSM: cookie _srv_id with Max-Age 600 (expires) on every request', () => {
    const { routes, clusters } = envoyFor('fsm-session-sticky-policy');
    expect(routes.map(sessionOf)).toEqual([{ cookie: { name: '_srv_id', path: '/', attributes: [{ name: 'Max-Age', value: '600' }] }, strict: false }]);
    expect(statusesOf(clusters[0])).toContain('DRAINING');
  });

  it('Gloo: Gateway-wide cookie statefulsessioncookie, path /, Max-Age 60', () => {
    const { routes } = envoyFor('gloo-stateful-session-cookie');
    expect(routes.map(sessionOf)).toEqual([{ cookie: { name: 'statefulsessioncookie', path: '/', attributes: [{ name: 'Max-Age', value: '60' }] }, strict: false }]);
  });

  it('Gloo: Gateway-wide header x-session-id', () => {
    const { routes } = envoyFor('gloo-stateful-session-header');
    expect(routes.map(sessionOf)).toEqual([{ header: 'x-session-id', strict: false }]);
  });

  it('kgateway: cookie Session-A (Max-Age 10) on /path-A, header session-b on /path-B', () => {
    const { routes } = envoyFor('kgateway-session-persistence');
    const byPrefix = new Map(routes.map((r) => [JSON.stringify(r['match']), sessionOf(r)]));
    const sessions = [...byPrefix.entries()];
    expect(sessions.find(([m]) => m.includes('/path-A'))?.[1]).toEqual({ cookie: { name: 'Session-A', path: '/', attributes: [{ name: 'Max-Age', value: '10' }] }, strict: false });
    expect(sessions.find(([m]) => m.includes('/path-B'))?.[1]).toEqual({ header: 'session-b', strict: false });
  });

  it('Kong: cookie session_id, path /, no Max-Age; the terminating pod keeps its sessions (DRAINING)', () => {
    const { routes, clusters, endpoints } = envoyFor('kong-upstream-policy');
    expect(routes.map(sessionOf)).toEqual([{ cookie: { name: 'session_id', path: '/' }, strict: false }]);
    expect(statusesOf(clusters[0])).toContain('DRAINING');
    const lbEndpoints = (endpoints[0]['endpoints'] as Json[]).flatMap((l) => l['lb_endpoints'] as Json[]);
    const draining = lbEndpoints.filter((e) => e['health_status'] === 'DRAINING').map((e) => e['endpoint']['address']['socket_address']['address']);
    expect(draining).toEqual(['10.244.0.23']);
  });
});
