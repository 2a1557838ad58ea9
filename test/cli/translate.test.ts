// `tether translate` as a user runs it, on the sticky-session manifests users of other gateways
// write (test/cli/testdata/other-gateways, copied from the project's shared examples) and on
// broken input. Every printed resource must pass the strict validator.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MessageType, typeUrl, type JsonObject } from '../../src/codec/proto-registry.ts';
import { RESOURCE_KINDS, type ResourceKey } from '../../src/codec/resource-kinds.ts';
import { expectValidBootstrap, expectValidEnvoyResources } from '../support/envoy-assertions.ts';
import { repoRoot, runTether } from './run-cli.ts';

const examples = join(repoRoot, 'test', 'cli', 'testdata', 'other-gateways');
const exampleFiles = readdirSync(examples).filter((f) => f.endsWith('.in.yaml')).sort();
/** `-f` for every example input (the folder also holds the golden outputs). */
const allExamples = exampleFiles.flatMap((f) => ['-f', join(examples, f)]);

interface Output {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
  secrets?: JsonObject[];
  status: { kind: string; namespace?: string; name: string; parents?: { conditions: { type: string; status: string }[] }[] }[];
}

/** Checks each resource's `@type`, strips it, and runs the strict validator over the set. */
function expectValidOutput(out: Output): void {
  const stripped: Record<ResourceKey, JsonObject[]> = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  for (const { key, typeUrl: url } of RESOURCE_KINDS) {
    for (const r of out[key] ?? []) {
      const { '@type': type, ...rest } = r;
      expect(type).toBe(url);
      stripped[key].push(rest);
    }
  }
  expectValidEnvoyResources(stripped);
}

async function tempDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-translate-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('tether translate on other gateways’ sticky-session examples', () => {
  it.each(exampleFiles)('%s: routes translate, every resource passes the strict validator', async (file) => {
    const r = await runTether(['translate', '-f', join(examples, file)]);
    expect(r.stderr).not.toMatch(/^translate:/m);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expect(out.listeners.length).toBeGreaterThan(0);
    expect(out.routes.length).toBeGreaterThan(0);
    expect(out.clusters.length).toBeGreaterThan(0);
    expectValidOutput(out);

    // The route each example defines is accepted and carries a session.
    const route = out.status.find((s) => s.kind === 'HTTPRoute');
    expect(route?.parents?.[0]?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'True' }));
    expect(JSON.stringify(out.routes)).toContain(typeUrl(MessageType.statefulSessionPerRoute));
    // Endpoints come from the example's EndpointSlice.
    expect(JSON.stringify(out.endpoints)).toMatch(/"address":"10\.\d+\.\d+\.\d+"/);
    // Every input object that is not a Service or EndpointSlice is in the status, or named on stderr.
    const text = readFileSync(join(examples, file), 'utf8');
    for (const doc of text.split(/^---$/m).map((d) => parse(d) as { kind: string; metadata: { name: string } })) {
      if (['Service', 'EndpointSlice'].includes(doc.kind)) continue;
      const inStatus = out.status.some((s) => s.kind === doc.kind && s.name === doc.metadata.name);
      expect(inStatus || r.stderr.includes(`${doc.kind} `), `${doc.kind} ${doc.metadata.name}`).toBe(true);
    }
  });

  it('prints the union over every Gateway, deduplicated by name, and the same content as YAML', async () => {
    const files = exampleFiles.filter((f) => !f.startsWith('gloo-stateful-session-header')); // shares names with the cookie variant
    const args = ['translate', ...files.flatMap((f) => ['-f', join(examples, f)])];
    const json = await runTether(args);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as Output;
    const gateways = out.status.filter((s) => s.kind === 'Gateway').map((s) => `${s.namespace}/${s.name}`);
    expect(gateways).toHaveLength(4);
    expect(out.listeners.map((l) => l['name'])).toEqual(gateways.map((g) => expect.stringContaining(g)));
    const names = out.clusters.map((c) => c['name']);
    expect(new Set(names).size).toBe(names.length);
    // The union is several Envoy fleets' config (their listeners may share a port): check each
    // listener with the shared routes, clusters and endpoints.
    for (const listener of out.listeners) expectValidOutput({ ...out, listeners: [listener] });

    const yaml = await runTether([...args, '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(out);
  });

  it('prints a readable summary: one row per route with its session settings', async () => {
    const r = await runTether(['translate', '-f', join(examples, 'kgateway-session-persistence.in.yaml'), '-o', 'summary']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^GATEWAY\s+ROUTE\s+RULE\s+MATCH\s+SESSION\s+LIFETIME\s+FALLBACK\s+STRICT\s+DRAINING\s+RETRY\s+WARNINGS\s+CLUSTERS$/);
    expect(lines[1]).toMatch(/kgateway-system\/example-gateway:8080\s+HTTPRoute default\/example-route\s+0\s+PathPrefix \/path-A\s+cookie Session-A\s+ttl 10s\s+ring hash \(cookie Session-A\)\s+no\s+keep sessions\s+connect failure: other endpoint\s+-\s+default\/backend\/3000\/sticky/);
    expect(lines[2]).toMatch(/PathPrefix \/path-B\s+header session-b\s+no expiry/);
    // What Envoy cannot do is reported, not dropped: the idle timeout the user asked for.
    expect(r.stdout).toMatch(/Accepted with notes \(1\):\n {2}HTTPRoute default\/example-route on kgateway-system\/example-gateway: spec\.rules\[1\]\.sessionPersistence\.idleTimeout: .*not enforced/);
  });

  it('prints a static bootstrap for one Gateway that passes the strict validator', async () => {
    const several = await runTether(['translate', ...allExamples, '--bootstrap']);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/--bootstrap needs one Gateway: choose with --gateway \(accepted: .*kong\/kong/);

    const r = await runTether(['translate', '-f', join(examples, 'kong-upstream-policy.in.yaml'), '--bootstrap']);
    expect(r.code).toBe(0);
    const bootstrap = JSON.parse(r.stdout) as JsonObject;
    expectValidBootstrap(bootstrap);
    expect(bootstrap['node']).toEqual({ cluster: 'kong/kong' });
    expect(JSON.stringify(bootstrap)).toContain('session_id');

    const chosen = await runTether(['translate', ...allExamples, '--bootstrap', '--gateway', 'server/simple-fsm-gateway', '-o', 'yaml']);
    expect(chosen.code).toBe(0);
    expectValidBootstrap(parse(chosen.stdout) as JsonObject);
  });

  it('places redirect ports per listener in the static bootstrap, as in the served config', async () => {
    const r = await runTether(['translate', '-f', join(repoRoot, 'src', 'translate', 'testdata', 'redirect-port-and-scheme.in.yaml'), '--bootstrap']);
    expect(r.code).toBe(0);
    const bootstrap = JSON.parse(r.stdout) as JsonObject;
    expectValidBootstrap(bootstrap);
    type Route = { match: { path_separated_prefix: string }; redirect: JsonObject };
    const listeners = (bootstrap['static_resources'] as { listeners: JsonObject[] }).listeners;
    const redirects = new Map<number, Map<string, JsonObject>>();
    for (const l of listeners) {
      // Keyed by the Gateway port (the listener's name); below 1024 the socket binds port + 10000.
      const port = Number((l['name'] as string).split('/').pop());
      expect((l['address'] as { socket_address: { port_value: number } }).socket_address.port_value).toBe(port < 1024 ? port + 10000 : port);
      const hcm = (l['filter_chains'] as { filters: { typed_config: { route_config: { virtual_hosts: { routes: Route[] }[] } } }[] }[])[0].filters[0].typed_config;
      const routes = hcm.route_config.virtual_hosts.flatMap((v) => v.routes);
      redirects.set(port, new Map(routes.map((x) => [x.match.path_separated_prefix, x.redirect])));
    }
    expect([...redirects.keys()].sort((a, b) => a - b)).toEqual([80, 8080]);
    // Port 80: the listener port is http's default, so only a non-default written port shows (and
    // never the container port 10080).
    expect(redirects.get(80)?.get('/host-only')).toEqual({ host_redirect: 'example.org', response_code: 'FOUND' });
    expect(redirects.get(80)?.get('/port-8080')).toEqual({ host_redirect: 'example.org', port_redirect: 8080, response_code: 'FOUND' });
    // Port 8080: a redirect without scheme or port keeps the listener's port.
    expect(redirects.get(8080)?.get('/host-only')).toEqual({ host_redirect: 'example.org', port_redirect: 8080, response_code: 'FOUND' });
    expect(redirects.get(8080)?.get('/path-only')).toEqual({ port_redirect: 8080, path_redirect: '/new', response_code: 'FOUND' });
    expect(redirects.get(8080)?.get('/port-80')).toEqual({ host_redirect: 'example.org', response_code: 'FOUND' });
    // A scheme brings its own default port, whatever the listener's.
    expect(redirects.get(8080)?.get('/https')).toEqual({ scheme_redirect: 'https', host_redirect: 'example.org', response_code: 'FOUND' });
    expect(redirects.get(8080)?.get('/http-443')).toEqual({ scheme_redirect: 'http', port_redirect: 443, response_code: 'FOUND' });
  });

  it('rejects an unknown --gateway, naming the accepted ones', async () => {
    const r = await runTether(['translate', '-f', join(examples, 'kong-upstream-policy.in.yaml'), '--gateway', 'kong/nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gateway kong/nope: no such accepted Gateway (accepted: kong/kong)');
  });
});

describe('tether translate on bad input', () => {
  it('names the file, document and line of unreadable YAML and exits 2', async () => {
    const dir = await tempDir({
      'good.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n',
      'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [c\n',
    });
    const r = await runTether(['translate', '-f', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(dir, 'bad.yaml').replace(/[.\\]/g, '\\$&')}: document 1 \\(line \\d+\\): `, 'm'));
    expect(r.stderr).toMatch(/^translate: cannot read the manifests/m);
  });

  it('exits 2 for a path that does not exist', async () => {
    const r = await runTether(['translate', '-f', '/nonexistent/tether/manifests']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: /nonexistent/tether/manifests: no such file or folder');
  });

  it('lists kinds Tether does not read on stderr and still translates the rest', async () => {
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 1}\n';
    const dir = await tempDir({ 'app.yaml': deployment });
    const r = await runTether(['translate', '-f', dir, '-f', join(examples, 'kong-upstream-policy.in.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ignored: Deployment shop\/web: .*not read/m);
    const out = JSON.parse(r.stdout) as Output;
    expect(out.listeners).toHaveLength(1);
  });

  it('reports objects that fail translation in the status, with exit code 0', async () => {
    const dir = await tempDir({
      'gw.yaml': [
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: GatewayClass',
        'metadata: {name: tether}',
        'spec: {controllerName: tether.dev/gateway-controller}',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: gw, namespace: default}',
        'spec: {gatewayClassName: tether, listeners: [{name: http, protocol: HTTP, port: 8080}]}',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: broken, namespace: default}',
        'spec:',
        '  parentRefs: [{name: gw}]',
        '  rules: [{backendRefs: [{name: missing, port: 80}]}]',
        '',
      ].join('\n'),
    });
    const r = await runTether(['translate', '-f', dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    const route = out.status.find((s) => s.kind === 'HTTPRoute' && s.name === 'broken');
    expect(route?.parents?.[0]?.conditions).toContainEqual(expect.objectContaining({ type: 'ResolvedRefs', status: 'False' }));
    expectValidOutput(out);

    const summary = await runTether(['translate', '-f', dir, '-o', 'summary']);
    expect(summary.stdout).toMatch(/Needs attention \(\d+\):\n {2}HTTPRoute default\/broken on gw: ResolvedRefs=False \(BackendNotFound\) .*Service default\/missing not found/);
  });
});
