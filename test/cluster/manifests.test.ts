// The deployment manifests in k8s/: every object is what the API server accepts (a schema per
// kind), every file is reachable from a kustomization, the RBAC grants exactly what the cluster
// source and the provisioner need (derived from their kind tables), and the pieces point at each
// other correctly (Services → pods, the demo Gateway's provisioned fleet → Tether's Service and the
// certificate Secret the certs Job makes, the static fleet → its bootstrap ConfigMap).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WATCHED_KINDS } from '../../src/sources/cluster/watched-kinds.ts';
import { CONTROLLER_NAME } from '../../src/status/status.ts';
import { MANIFEST_SCHEMAS } from './manifest-schemas.ts';
import { secretNameOf } from '../../src/certs/cert-secrets.ts';
import { gatewayCertId } from '../../src/certs/ensure-certificates.ts';
import { CERTS_DEFAULTS } from '../../src/cli/certs.ts';
import { parseGateway } from '../../src/k8s/gateway-api/gateway.ts';
import { FLEET_KINDS } from '../../src/provision/fleet-kinds.ts';
import { BOOTSTRAP_FILE } from '../../src/provision/fleet-names.ts';
import { standardInstallFacts } from '../../src/provision/install-facts.ts';
import { renderFleet } from '../../src/provision/render-fleet.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const k8s = join(root, 'k8s');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML, checked by the assertions
type Obj = any;

interface Built {
  objects: { file: string; obj: Obj }[];
  configMaps: { name: string; namespace?: string; files: Map<string, string> }[];
  files: Set<string>;
}

/** Enough of `kustomize build` to check structure: resources (files, folders), configMapGenerator, namespace. */
function build(dir: string, out: Built = { objects: [], configMaps: [], files: new Set() }): Built {
  const kFile = join(dir, 'kustomization.yaml');
  expect(existsSync(kFile), `${relative(root, dir)} has a kustomization.yaml`).toBe(true);
  const k = parse(readFileSync(kFile, 'utf8'));
  expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
  expect(k.kind).toBe('Kustomization');
  for (const r of k.resources ?? []) {
    const p = resolve(dir, r);
    expect(existsSync(p), `${relative(root, kFile)}: resource ${r} exists`).toBe(true);
    if (statSync(p).isDirectory()) {
      build(p, out);
      continue;
    }
    out.files.add(p);
    for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
      expect(doc.errors, `${relative(root, p)} parses`).toEqual([]);
      const obj = doc.toJS();
      if (obj === null) continue;
      if (k.namespace && obj.metadata) obj.metadata.namespace = k.namespace;
      out.objects.push({ file: relative(root, p), obj });
    }
  }
  for (const g of k.configMapGenerator ?? []) {
    const files = new Map<string, string>();
    for (const spec of g.files ?? []) {
      const [key, path] = String(spec).includes('=') ? String(spec).split('=') : [String(spec).split('/').pop() as string, String(spec)];
      const p = resolve(dir, path);
      // kustomize's default load restrictor: generator files must be inside the kustomization's folder.
      expect(relative(dir, p).startsWith('..'), `${relative(root, kFile)}: ${path} is inside ${relative(root, dir)}`).toBe(false);
      expect(existsSync(p), `${relative(root, kFile)}: ${path} exists`).toBe(true);
      files.set(key, readFileSync(p, 'utf8'));
    }
    out.configMaps.push({ name: g.name, namespace: k.namespace, files });
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(n) && n !== 'kustomization.yaml' ? [p] : [];
  });
}

const main = build(k8s);
const example = build(join(k8s, 'example'));
const staticFleet = build(join(k8s, 'static-fleet'));
const all = [...main.objects, ...example.objects, ...staticFleet.objects];
const find = (b: Built, kind: string, name: string): Obj => b.objects.find((o) => o.obj.kind === kind && o.obj.metadata.name === name)?.obj;

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'GatewayClass', 'CustomResourceDefinition']);

describe('k8s/ manifests', () => {
  it('reaches every manifest file from a kustomization', () => {
    const reached = new Set([...main.files, ...example.files, ...staticFleet.files]);
    expect(yamlFiles(k8s).filter((f) => !reached.has(f)).map((f) => relative(root, f))).toEqual([]);
  });

  it.each(all.map((o) => [`${o.obj.kind} ${o.obj.metadata?.name} (${o.file})`, o.obj] as const))('%s is valid', (_label, obj) => {
    expect(typeof obj.apiVersion).toBe('string');
    expect(typeof obj.kind).toBe('string');
    expect(typeof obj.metadata?.name).toBe('string');
    if (!CLUSTER_SCOPED.has(obj.kind)) expect(typeof obj.metadata.namespace, 'namespaced kinds name their namespace').toBe('string');
    const schema = MANIFEST_SCHEMAS[`${obj.apiVersion} ${obj.kind}`];
    expect(schema, `a schema for ${obj.apiVersion} ${obj.kind}`).toBeDefined();
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(obj);
    expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('has no two objects with the same kind, namespace and name', () => {
    const keys = all.map((o) => `${o.obj.kind}/${o.obj.metadata.namespace ?? ''}/${o.obj.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('puts namespaced objects into namespaces the manifests create', () => {
    const namespaces = new Set(all.filter((o) => o.obj.kind === 'Namespace').map((o) => o.obj.metadata.name));
    const used = new Set(all.filter((o) => o.obj.metadata.namespace).map((o) => o.obj.metadata.namespace));
    expect([...used].filter((n) => !namespaces.has(n))).toEqual([]);
  });
});

describe('RBAC', () => {
  const role = find(main, 'ClusterRole', 'tether');
  const rules = (role?.rules ?? []) as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  const allows = (group: string, resource: string, verb: string) =>
    rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

  it.each(WATCHED_KINDS.map((k) => [k.kind, k] as const))('lets Tether get, list and watch %s', (_k, kind) => {
    for (const verb of ['get', 'list', 'watch']) expect(allows(kind.group, kind.plural, verb), `${verb} ${kind.plural}`).toBe(true);
  });

  it.each(WATCHED_KINDS.filter((k) => k.status).map((k) => [k.kind, k] as const))('lets Tether read and patch %s status', (_k, kind) => {
    for (const verb of ['get', 'patch']) expect(allows(kind.group, `${kind.plural}/status`, verb), `${verb} ${kind.plural}/status`).toBe(true);
  });

  it.each(FLEET_KINDS.map((k) => [k.kind, k] as const))('lets Tether provision %s: watch, apply (create, patch) and delete', (_k, kind) => {
    for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'delete']) expect(allows(kind.group, kind.plural, verb), `${verb} ${kind.plural}`).toBe(true);
  });

  it('lets Tether set blockOwnerDeletion on ownerReferences to Gateways', () => {
    expect(allows('gateway.networking.k8s.io', 'gateways/finalizers', 'update')).toBe(true);
  });

  it('grants nothing else: no wildcards, no spec writes but the fleets\' kinds, no kinds neither the source nor the provisioner uses', () => {
    const known = new Set(WATCHED_KINDS.flatMap((k) => [`${k.group}/${k.plural}`, ...(k.status ? [`${k.group}/${k.plural}/status`] : [])]));
    const fleet = new Set(FLEET_KINDS.map((k) => `${k.group}/${k.plural}`));
    for (const r of rules) {
      expect(r.verbs).not.toContain('*');
      for (const g of r.apiGroups) {
        expect(g).not.toBe('*');
        for (const res of r.resources) {
          const key = `${g}/${res}`;
          if (key === 'gateway.networking.k8s.io/gateways/finalizers') {
            expect(r.verbs).toEqual(['update']);
            continue;
          }
          expect(known.has(key) || fleet.has(key), `${key} is watched, written or provisioned`).toBe(true);
          const writes = r.verbs.filter((v) => !['get', 'list', 'watch'].includes(v));
          if (fleet.has(key)) expect(writes.filter((v) => !['create', 'patch', 'delete'].includes(v))).toEqual([]);
          else if (!res.endsWith('/status')) expect(writes).toEqual([]);
        }
      }
    }
  });

  it('lets Tether hold its Lease in tether-system and binds both roles to its ServiceAccount', () => {
    const leaseRole = find(main, 'Role', 'tether-leader-election');
    expect(leaseRole.metadata.namespace).toBe('tether-system');
    expect(leaseRole.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
    for (const [kind, name] of [['ClusterRoleBinding', 'tether'], ['RoleBinding', 'tether-leader-election']]) {
      const b = find(main, kind, name);
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'tether', namespace: 'tether-system' }]);
      expect(find(main, b.roleRef.kind, b.roleRef.name), `${kind} refers to an existing role`).toBeDefined();
    }
    expect(find(main, 'ServiceAccount', 'tether')).toBeDefined();
  });
});

describe('wiring', () => {
  const tether = find(main, 'Deployment', 'tether');
  const tc = tether.spec.template.spec.containers[0];
  const envoy = find(staticFleet, 'Deployment', 'envoy');
  const ec = envoy.spec.template.spec.containers[0];

  it('runs two Tether replicas from the repository image as `serve --source kubernetes`, non-root', () => {
    expect(tether.spec.replicas).toBe(2);
    expect(tc.image).toBe('tether:latest');
    expect(tc.args).toEqual(['serve', '--source', 'kubernetes']);
    expect(tether.spec.template.spec.serviceAccountName).toBe('tether');
    expect(tether.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(tc.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(tc.resources.requests).toBeDefined();
    expect(tc.resources.limits).toBeDefined();
    const env = Object.fromEntries(tc.env.map((e: Obj) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    expect(env).toMatchObject({ POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace' });
    const admin = tc.ports.find((p: Obj) => p.name === 'admin');
    expect(admin.containerPort).toBe(9901);
    expect(tc.ports.find((p: Obj) => p.name === 'xds').containerPort).toBe(18000);
    expect(tc.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(tc.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });
  });

  it('selects pods with every Service and targets ports the containers declare', () => {
    for (const { obj: svc } of all.filter((o) => o.obj.kind === 'Service')) {
      const deployments = all.filter(
        (o) =>
          o.obj.kind === 'Deployment' &&
          o.obj.metadata.namespace === svc.metadata.namespace &&
          Object.entries(svc.spec.selector).every(([k, v]) => o.obj.spec.template.metadata.labels[k] === v),
      );
      expect(deployments, `Service ${svc.metadata.name} selects a Deployment`).toHaveLength(1);
      const ports = deployments[0].obj.spec.template.spec.containers.flatMap((c: Obj) => c.ports ?? []);
      for (const p of svc.spec.ports) {
        const target = p.targetPort ?? p.port;
        expect(ports.some((cp: Obj) => cp.name === target || cp.containerPort === target), `Service ${svc.metadata.name} port ${p.port}`).toBe(true);
      }
    }
    for (const { obj: d } of all.filter((o) => o.obj.kind === 'Deployment')) {
      expect(Object.entries(d.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v)).toBe(true);
    }
  });

  it('declares the GatewayClass Tether controls, used by the example Gateway', () => {
    expect(find(main, 'GatewayClass', 'tether').spec.controllerName).toBe(CONTROLLER_NAME);
    expect(find(example, 'Gateway', 'demo-gateway').spec.gatewayClassName).toBe('tether');
  });

  it('boots the static fleet’s Envoy ≥ 1.39 from the generated bootstrap, pointing at Tether’s Service and the demo Gateway', () => {
    const [, version] = /:v(\d+\.\d+)/.exec(ec.image) ?? [];
    expect(Number(version.split('.')[1])).toBeGreaterThanOrEqual(39);
    const volume = envoy.spec.template.spec.volumes.find((v: Obj) => v.configMap);
    const cm = staticFleet.configMaps.find((c) => c.name === volume.configMap.name && c.namespace === envoy.metadata.namespace);
    expect(cm, 'the bootstrap ConfigMap is generated in Envoy’s namespace').toBeDefined();
    const mount = ec.volumeMounts.find((m: Obj) => m.name === volume.name);
    const configPath = ec.args[ec.args.indexOf('-c') + 1];
    expect(dirname(configPath)).toBe(mount.mountPath);
    const bootstrapText = cm?.files.get(configPath.split('/').pop() as string);
    expect(bootstrapText).toBe(readFileSync(join(root, 'envoy', 'bootstrap-k8s.yaml'), 'utf8'));
    const bootstrap = parse(bootstrapText as string);

    // node.cluster names the example Gateway; Envoy's container port is its listener port.
    const gw = find(example, 'Gateway', 'demo-gateway');
    expect(bootstrap.node.cluster).toBe(`${gw.metadata.namespace}/${gw.metadata.name}`);
    expect(ec.ports.map((p: Obj) => p.containerPort)).toEqual(gw.spec.listeners.map((l: Obj) => l.port));

    // The xDS cluster is Tether's Service.
    const xds = bootstrap.static_resources.clusters.find((c: Obj) => c.name === bootstrap.dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name);
    const addr = xds.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    const svc = find(main, 'Service', 'tether');
    expect(addr.address).toBe(`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`);
    expect(svc.spec.ports.map((p: Obj) => p.port)).toContain(addr.port_value);

    // Probes talk to the admin interface inside the container, where the bootstrap puts it.
    expect(bootstrap.admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 9901 });
    expect(ec.readinessProbe.exec.command.join(' ')).toContain('/dev/tcp/127.0.0.1/9901');
  });

  it('installs a CRD for every tether.dev kind the source watches, with the status subresource it writes', () => {
    const crds = main.objects.filter((o) => o.obj.kind === 'CustomResourceDefinition').map((o) => o.obj);
    for (const k of WATCHED_KINDS.filter((w) => w.group === 'tether.dev')) {
      const crd = crds.find((c) => c.spec.group === k.group && c.spec.names.plural === k.plural);
      expect(crd, `a CRD for ${k.plural}.${k.group}`).toBeDefined();
      expect(crd.metadata.name).toBe(`${k.plural}.${k.group}`);
      expect(crd.spec.names.kind).toBe(k.kind);
      expect(crd.spec.scope).toBe(k.namespaced ? 'Namespaced' : 'Cluster');
      const version = crd.spec.versions.find((v: Obj) => v.name === k.version);
      expect(version?.served).toBe(true);
      if (k.status) expect(version.subresources?.status).toEqual({});
    }
  });

  it('routes the example HTTPRoute, sticky with a cookie, to three httpbin replicas', () => {
    const route = find(example, 'HTTPRoute', 'httpbin-sticky');
    const gw = find(example, 'Gateway', 'demo-gateway');
    expect(route.spec.parentRefs[0].name).toBe(gw.metadata.name);
    expect(gw.spec.listeners.map((l: Obj) => l.name)).toContain(route.spec.parentRefs[0].sectionName);
    const rule = route.spec.rules[0];
    expect(rule.sessionPersistence.type).toBe('Cookie');
    const svc = find(example, 'Service', rule.backendRefs[0].name);
    expect(svc.spec.ports.map((p: Obj) => p.port)).toContain(rule.backendRefs[0].port);
    const httpbin = find(example, 'Deployment', 'httpbin');
    expect(httpbin.spec.replicas).toBe(3);
    expect(httpbin.spec.template.spec.containers[0].image).toMatch(/^mccutchen\/go-httpbin:/);
  });
});

describe('xDS over mutual TLS', () => {
  const tether = find(main, 'Deployment', 'tether');
  const envoy = find(staticFleet, 'Deployment', 'envoy');
  const bootstrap = parse(readFileSync(join(root, 'envoy', 'bootstrap-k8s.yaml'), 'utf8'));
  const secretMount = (d: Obj): { secretName: string; mountPath: string; defaultMode: number } => {
    const volume = d.spec.template.spec.volumes.find((v: Obj) => v.secret);
    const mount = d.spec.template.spec.containers[0].volumeMounts.find((m: Obj) => m.name === volume.name);
    expect(mount.readOnly).toBe(true);
    return { secretName: volume.secret.secretName, mountPath: mount.mountPath, defaultMode: volume.secret.defaultMode };
  };
  const certsPods = [find(main, 'Job', 'tether-certs').spec.template, find(main, 'CronJob', 'tether-certs-renew').spec.jobTemplate.spec.template];
  const staticCertsPods = [find(staticFleet, 'Job', 'tether-certs-static-fleet').spec.template, find(staticFleet, 'CronJob', 'tether-certs-static-fleet-renew').spec.jobTemplate.spec.template];

  it('makes the certificates in a Job and keeps them with the same command, as their own ServiceAccount: provisioned Gateways in k8s/, the static fleet\'s in its folder', () => {
    for (const pod of [...certsPods, ...staticCertsPods]) {
      const args = pod.spec.containers[0].args;
      expect(args.slice(0, 5)).toEqual(['certs', '--source', 'kubernetes', '--namespace', 'tether-system']);
      expect(pod.spec.serviceAccountName).toBe('tether-certs');
      expect(pod.spec.containers[0].image).toBe(tether.spec.template.spec.containers[0].image);
    }
    for (const pod of certsPods) expect(pod.spec.containers[0].args.slice(5)).toEqual(['--provisioned-gateways']);
    for (const pod of staticCertsPods) expect(pod.spec.containers[0].args.slice(5)).toEqual(['--gateway', bootstrap.node.cluster]);
    expect(find(main, 'ClusterRole', 'tether-certs').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
      { apiGroups: ['gateway.networking.k8s.io'], resources: ['gatewayclasses', 'gateways'], verbs: ['list'] },
    ]);
    const binding = find(main, 'ClusterRoleBinding', 'tether-certs');
    expect(binding.roleRef.name).toBe('tether-certs');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'tether-certs', namespace: 'tether-system' }]);
    expect(find(main, 'ServiceAccount', 'tether-certs')).toBeDefined();
  });

  it('mounts the server certificate Secret into Tether, where its TLS variables point', () => {
    const m = secretMount(tether);
    expect(m.secretName).toBe(secretNameOf('server'));
    expect(m.defaultMode).toBe(0o440);
    expect(tether.spec.template.spec.securityContext.fsGroup).toBe(tether.spec.template.spec.securityContext.runAsGroup);
    const env = Object.fromEntries(tether.spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e.value]));
    expect(env).toMatchObject({ TETHER_XDS_TLS_CERT: `${m.mountPath}/tls.crt`, TETHER_XDS_TLS_KEY: `${m.mountPath}/tls.key`, TETHER_XDS_CLIENT_CA: `${m.mountPath}/ca.crt` });
  });

  it('mounts the demo Gateway\'s client certificate Secret into the static fleet, where its bootstrap reads it, for the name Tether\'s Service has', () => {
    const m = secretMount(envoy);
    expect(m.secretName).toBe(secretNameOf(gatewayCertId(bootstrap.node.cluster)));
    expect(envoy.spec.template.spec.securityContext.fsGroup).toBe(envoy.spec.template.spec.securityContext.runAsGroup);
    const tls = bootstrap.static_resources.clusters[0].transport_socket.typed_config;
    const ctx = tls.common_tls_context;
    expect([ctx.tls_certificates[0].certificate_chain.filename, ctx.tls_certificates[0].private_key.filename, ctx.validation_context.trusted_ca.filename]).toEqual([`${m.mountPath}/tls.crt`, `${m.mountPath}/tls.key`, `${m.mountPath}/ca.crt`]);
    // The name Envoy checks is one the server certificate gets by default.
    const svc = find(main, 'Service', 'tether');
    expect(tls.sni).toBe(`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`);
    expect(CERTS_DEFAULTS.dnsNames).toContain(tls.sni);
  });
});

describe('the fleet Tether provisions for the demo Gateway', () => {
  const tether = find(main, 'Deployment', 'tether');
  const tc = tether.spec.template.spec.containers[0];
  const svc = find(main, 'Service', 'tether');
  const env = Object.fromEntries(tc.env.filter((e: Obj) => e.value !== undefined).map((e: Obj) => [e.name, e.value]));
  // The facts Tether derives at start in this install: its namespace, its xDS port, TLS on.
  const facts = standardInstallFacts({ namespace: tether.metadata.namespace, xdsPort: tc.ports.find((p: Obj) => p.name === 'xds').containerPort, tls: env.TETHER_XDS_TLS_CERT !== undefined });
  const gwObj = find(example, 'Gateway', 'demo-gateway');
  const fleet = renderFleet(parseGateway(gwObj), '00000000-0000-0000-0000-000000000000', {}, facts);
  const dep: Obj = fleet.objects.find((o) => o.kind === 'Deployment');

  it.each(fleet.objects.map((o) => [`${o.kind} ${o.metadata.name}`, o as Obj] as const))('%s is valid', (_label, obj) => {
    const schema = MANIFEST_SCHEMAS[`${obj.apiVersion} ${obj.kind}`];
    expect(schema, `a schema for ${obj.apiVersion} ${obj.kind}`).toBeDefined();
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(obj);
    expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('is made by Tether, with provisioning on (the default), in the Gateway\'s namespace', () => {
    expect(tc.args).toEqual(['serve', '--source', 'kubernetes']);
    expect(env.TETHER_PROVISION).toBeUndefined();
    expect(fleet.namespace).toBe(gwObj.metadata.namespace);
  });

  it('dials Tether\'s Service by a name its server certificate carries, and mounts the client Secret the certs Job makes in the Gateway\'s namespace', () => {
    const cm: Obj = fleet.objects.find((o) => o.kind === 'ConfigMap');
    const bootstrap = JSON.parse(cm.data[BOOTSTRAP_FILE]);
    const addr = bootstrap.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    // Tether tells fleets its container's xDS port: the Service must expose it under the same number.
    expect(addr).toEqual({ address: `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`, port_value: svc.spec.ports.find((p: Obj) => p.name === 'grpc-xds').port });
    expect(CERTS_DEFAULTS.dnsNames).toContain(bootstrap.static_resources.clusters[0].transport_socket.typed_config.sni);
    const secret = dep.spec.template.spec.volumes.find((v: Obj) => v.secret).secret.secretName;
    expect(secret).toBe(secretNameOf(gatewayCertId(`${gwObj.metadata.namespace}/${gwObj.metadata.name}`)));
  });

  it('is let through the NetworkPolicy in front of Tether\'s xDS port', () => {
    const np = find(main, 'NetworkPolicy', 'tether');
    const rule = np.spec.ingress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 'xds'));
    const labels = dep.spec.template.metadata.labels;
    expect(rule.from.some((f: Obj) => f.namespaceSelector && Object.entries(f.podSelector.matchLabels).every(([k, v]) => labels[k] === v))).toBe(true);
  });
});

/** `kubectl kustomize`, when kubectl is installed (it embeds kustomize). */
function kustomize(dir: string): string | undefined {
  try {
    return execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const hasKubectl = kustomize(join(k8s, 'example')) !== undefined;

describe.skipIf(!hasKubectl)('kubectl kustomize (real kustomize, when kubectl is installed)', () => {
  it('builds k8s/ with the same objects, and no Envoy fleet of its own (Tether provisions them)', () => {
    const built = parseAllDocuments(kustomize(k8s) as string).map((d) => d.toJS());
    const names = (list: Obj[]) => list.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(built)).toEqual(names(main.objects.map((o) => o.obj)));
    expect(built.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['tether']);
  });

  it('builds k8s/static-fleet/, pointing Envoy at the hash-suffixed bootstrap ConfigMap', () => {
    const built = parseAllDocuments(kustomize(join(k8s, 'static-fleet')) as string).map((d) => d.toJS());
    const names = (list: Obj[]) => list.filter((o) => o.kind !== 'ConfigMap').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(built)).toEqual(names(staticFleet.objects.map((o) => o.obj)));
    const cm = built.find((o) => o.kind === 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^envoy-bootstrap-[a-z0-9]{10}$/);
    expect(cm.metadata.namespace).toBe('tether-system');
    expect(cm.data['bootstrap.yaml']).toBe(readFileSync(join(root, 'envoy', 'bootstrap-k8s.yaml'), 'utf8'));
    const envoy = built.find((o) => o.kind === 'Deployment' && o.metadata.name === 'envoy');
    expect(envoy.spec.template.spec.volumes[0].configMap.name).toBe(cm.metadata.name);
  });

  it('builds k8s/example/', () => {
    const built = parseAllDocuments(kustomize(join(k8s, 'example')) as string).map((d) => d.toJS());
    expect(built.map((o) => o.kind).sort()).toEqual(example.objects.map((o) => o.obj.kind).sort());
  });
});

