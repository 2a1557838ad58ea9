// The compose demo's files fit together: docker-compose.yml, the Dockerfile, the Envoy bootstrap it
// mounts and the manifests Tether reads. No Docker engine here, so these check the files as written.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULTS, parseHostPort } from '../../src/config.ts';
import { parseManifests } from '../../src/k8s/parse-manifests.ts';
import { repoRoot } from '../cli/run-cli.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
}

const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const services = compose.services;
const bootstrap = parse(read('envoy/bootstrap-compose.yaml')) as {
  node: { cluster: string };
  static_resources: { clusters: { load_assignment: { endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[] } }[] };
  admin: { address: { socket_address: { address: string; port_value: number } } };
};
const manifests = ['00-gateway.yaml', '10-httpbin.yaml', '20-routes.yaml'].flatMap((f) => parseManifests(read(`examples/compose/${f}`), f).objects);

/** "127.0.0.1:10000:10000" → host address, host port, container port. */
function portMapping(p: string): { host: string; hostPort: number; containerPort: number } {
  const m = /^(127\.0\.0\.1):(\d+):(\d+)$/.exec(p);
  if (!m) throw new Error(`port ${p} is not published on 127.0.0.1 only`);
  return { host: m[1] ?? '', hostPort: Number(m[2]), containerPort: Number(m[3]) };
}

describe('docker-compose.yml', () => {
  it('runs certs, envoy, tether and httpbin, each image pinned to an explicit version', () => {
    expect(Object.keys(services).sort()).toEqual(['certs', 'envoy', 'httpbin', 'tether']);
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
  });

  it('pins Envoy 1.39 or later (earlier releases broke TTL cookies across replicas)', () => {
    const m = /^envoyproxy\/envoy:v(\d+)\.(\d+)\.(\d+)$/.exec(services['envoy']?.image ?? '');
    expect(m).not.toBeNull();
    expect(Number(m?.[1]) * 1000 + Number(m?.[2])).toBeGreaterThanOrEqual(1039);
  });

  it('builds tether from the Dockerfile and serves the compose manifests, mounted read-only', () => {
    const tether = services['tether'];
    expect(tether?.build).toBe('.');
    expect(tether?.command).toEqual(['serve', '--source', '/config']);
    // The folder holds the manifests and, beside them, the HTTPS listener's Secret (compose-mtls.test.ts).
    expect(tether?.volumes).toContain('./examples/compose:/config/demo:ro');
    expect(tether?.volumes).toContain('listener-tls:/config/listener-tls:ro');
    expect(tether?.healthcheck?.test.join(' ')).toContain('/readyz');
  });

  it('starts Envoy only once Tether is healthy, with the compose bootstrap mounted read-only', () => {
    const envoy = services['envoy'];
    expect(envoy?.depends_on?.['tether']).toEqual({ condition: 'service_healthy' });
    expect(envoy?.depends_on?.['certs']).toEqual({ condition: 'service_completed_successfully' });
    expect(services['tether']?.depends_on?.['certs']).toEqual({ condition: 'service_completed_successfully' });
    const mount = envoy?.volumes?.find((v) => v.startsWith('./envoy/bootstrap-compose.yaml:'));
    expect(mount).toMatch(/:ro$/);
    const inContainer = mount?.split(':')[1];
    const c = envoy?.command ?? [];
    expect(c[c.indexOf('-c') + 1]).toBe(inContainer);
    expect(envoy?.healthcheck?.test.join(' ')).toContain('/ready');
  });

  it('publishes the Gateway listeners (HTTP and HTTPS) and Envoy admin on localhost only', () => {
    const gateway = manifests.find((o) => o.kind === 'Gateway');
    const listeners = (gateway?.['spec'] as { listeners: { port: number; protocol: string; tls?: { certificateRefs: { name: string }[] } }[] }).listeners;
    expect(listeners.map((l) => l.protocol)).toEqual(['HTTP', 'HTTPS']);
    const ports = (services['envoy']?.ports ?? []).map(portMapping);
    expect(ports).toContainEqual({ host: '127.0.0.1', hostPort: 10000, containerPort: listeners[0]?.port });
    expect(ports).toContainEqual({ host: '127.0.0.1', hostPort: 10443, containerPort: listeners[1]?.port });
    // The Secret the HTTPS listener names is the one the certs service makes.
    const certs = (services['certs']?.command ?? []).join(' ');
    expect(certs).toContain(`--listener-secret ${gateway?.metadata.namespace}/${listeners[1]?.tls?.certificateRefs[0]?.name}`);
    expect(ports).toContainEqual({ host: '127.0.0.1', hostPort: 9902, containerPort: bootstrap.admin.address.socket_address.port_value });
    // Published admin: it must listen beyond the container's loopback.
    expect(bootstrap.admin.address.socket_address.address).toBe('0.0.0.0');
    for (const p of services['tether']?.ports ?? []) portMapping(p);
  });

  it('runs at least three httpbin replicas on port 8080, answering their real hostname', () => {
    const httpbin = services['httpbin'];
    expect(httpbin?.image).toMatch(/^mccutchen\/go-httpbin:\d+\.\d+\.\d+$/);
    expect(httpbin?.deploy?.replicas).toBeGreaterThanOrEqual(3);
    expect(httpbin?.expose).toContain('8080');
    expect(httpbin?.environment?.['USE_REAL_HOSTNAME']).toBe('true');
  });
});

describe('envoy/bootstrap-compose.yaml', () => {
  it('names the Gateway examples/compose defines and the xDS address Tether serves', () => {
    const gateway = manifests.find((o) => o.kind === 'Gateway');
    expect(bootstrap.node.cluster).toBe(`${gateway?.metadata.namespace}/${gateway?.metadata.name}`);
    expect(bootstrap.node.cluster).toBe('default/demo-gateway');
    const xds = bootstrap.static_resources.clusters[0]?.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address;
    expect(xds?.address).toBe('tether'); // the compose service name
    expect(xds?.port_value).toBe(parseHostPort(DEFAULTS.xdsAddress, 'xds').port);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));
  const resolveArg = (image: string): string => image.replace(/^\$\{NODE_IMAGE\}$/, /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? image);

  it('is multi-stage on a pinned Node 24 image', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM ')).map((l) => resolveArg(l.split(/\s+/)[1] ?? ''));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/^node:24\.\d+(\.\d+)?-(bookworm-slim|alpine[\d.]*)$/);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=build /);
  });

  it('runs as a non-root user, with the tether entrypoint, serve by default, its ports and a health check', () => {
    const last = (prefix: string): string | undefined => instructions.filter((l) => l.startsWith(prefix)).at(-1);
    expect(last('USER ')).toBe('USER node');
    expect(last('ENTRYPOINT ')).toBe('ENTRYPOINT ["node", "src/main.ts"]');
    expect(last('CMD ')).toBe('CMD ["serve"]');
    expect(last('EXPOSE ')?.split(/\s+/).slice(1).sort()).toEqual(['18000', '9901']);
    expect(dockerfile).toMatch(/^ENV TETHER_ADMIN_ADDRESS=0\.0\.0\.0:9901$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", /);
    for (const dir of ['src', 'protos', 'examples']) expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
  });

  it('has a health check that asks /healthz where TETHER_ADMIN_ADDRESS says (run for real against a local server)', async () => {
    const line = dockerfile.split('\n').find((l) => l.trim().startsWith('CMD ["node", "-e",'))!;
    const [, , script] = JSON.parse(line.trim().slice('CMD '.length)) as string[];
    const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const check = (address: string | undefined): Promise<number | null> =>
      new Promise((resolve) => {
        const env = { ...process.env, TETHER_ADMIN_ADDRESS: address };
        if (address === undefined) delete env.TETHER_ADMIN_ADDRESS;
        execFile(process.execPath, ['-e', script], { env }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0));
      });
    try {
      expect(await check(`0.0.0.0:${port}`)).toBe(0);
      expect(await check(`127.0.0.1:${port}`)).toBe(0);
      expect(await check(`127.0.0.1:${port === 65535 ? 1 : port + 1}`)).toBe(1);
    } finally {
      server.close();
    }
  });

  it('keeps tests, git and local modules out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'test', '**/*.test.ts', '**/testdata', 'src/validator']) expect(ignored).toContain(entry);
    for (const needed of ['src', 'protos', 'examples', 'package.json', 'package-lock.json']) expect(ignored).not.toContain(needed);
  });
});
