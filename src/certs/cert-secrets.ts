// The certificates as Kubernetes Secrets (type kubernetes.io/tls, keys tls.crt, tls.key, ca.crt):
// manifests for `tether certs -o yaml`, and a store that reads and writes them through the API server
// for `tether certs --source kubernetes`. k8s/certs.yaml runs the latter as a Job and a CronJob.
import { ApiException, CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { BUNDLE_FILES, type CertBundle, type CertId, type CertStore } from './cert-store.ts';

/** Secret name per bundle: `tether-xds-ca`, `tether-xds-server`, `tether-xds-client.<namespace>.<name>`, `tether-xds-client-fleet`. */
export function secretNameOf(id: CertId): string {
  if (id === 'ca' || id === 'server') return `tether-xds-${id}`;
  if (id === 'fleet') return 'tether-xds-client-fleet';
  const [kind, namespace, name] = id.split('/');
  if (kind !== 'gateway' || !namespace || !name) throw new Error(`no Secret name for certificate bundle "${id}"`);
  // A namespace has no dots, so namespace.name cannot collide with another Gateway's.
  const secret = `tether-xds-client.${namespace}.${name}`;
  if (secret.length > 253) throw new Error(`the Secret name for Gateway ${namespace}/${name} would be longer than 253 characters`);
  return secret;
}

const LABELS = { 'app.kubernetes.io/part-of': 'tether', 'app.kubernetes.io/component': 'xds-certificates' };

export function secretManifest(id: CertId, bundle: CertBundle, namespace: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretNameOf(id), namespace, labels: { ...LABELS } },
    type: 'kubernetes.io/tls',
    data: Object.fromEntries(BUNDLE_FILES.map((k) => [k, Buffer.from(bundle[k]).toString('base64')])),
  };
}

function bundleOf(secret: V1Secret): CertBundle | undefined {
  const data = secret.data ?? {};
  const text = (k: string): string | undefined => (data[k] === undefined ? undefined : Buffer.from(data[k], 'base64').toString('utf8'));
  const crt = text('tls.crt');
  const key = text('tls.key');
  if (!crt || !key) return undefined;
  return { 'tls.crt': crt, 'tls.key': key, 'ca.crt': text('ca.crt') ?? '' };
}

/** Secrets in one namespace, through the API server (needs get, create and update on Secrets there). */
export class SecretCertStore implements CertStore {
  private readonly api: CoreV1Api;
  private readonly namespace: string;
  constructor(kubeConfig: KubeConfig, namespace: string) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  async read(id: CertId): Promise<CertBundle | undefined> {
    try {
      return bundleOf(await this.api.readNamespacedSecret({ name: secretNameOf(id), namespace: this.namespace }));
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  async write(id: CertId, bundle: CertBundle): Promise<void> {
    const body = secretManifest(id, bundle, this.namespace);
    try {
      await this.api.replaceNamespacedSecret({ name: secretNameOf(id), namespace: this.namespace, body });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err;
      await this.api.createNamespacedSecret({ namespace: this.namespace, body });
    }
  }
}

/**
 * The CA, server and fleet-wide bundles in Tether's namespace, and each Gateway's client bundle in
 * that Gateway's own namespace, where its provisioned Envoy fleet mounts it (a pod mounts Secrets
 * of its own namespace only). Needs get, create and update on Secrets in those namespaces.
 */
export class GatewayNamespaceCertStore implements CertStore {
  private readonly base: SecretCertStore;
  private readonly kubeConfig: KubeConfig;
  private readonly perNamespace = new Map<string, SecretCertStore>();
  constructor(kubeConfig: KubeConfig, namespace: string) {
    this.kubeConfig = kubeConfig;
    this.base = new SecretCertStore(kubeConfig, namespace);
  }

  /** The namespace a bundle's Secret lives in, or undefined for Tether's own. */
  static namespaceOf(id: CertId): string | undefined {
    const [kind, namespace] = id.split('/');
    return kind === 'gateway' ? namespace : undefined;
  }

  read(id: CertId): Promise<CertBundle | undefined> {
    return this.storeFor(id).read(id);
  }

  write(id: CertId, bundle: CertBundle): Promise<void> {
    return this.storeFor(id).write(id, bundle);
  }

  private storeFor(id: CertId): SecretCertStore {
    const ns = GatewayNamespaceCertStore.namespaceOf(id);
    if (ns === undefined) return this.base;
    let s = this.perNamespace.get(ns);
    if (!s) this.perNamespace.set(ns, (s = new SecretCertStore(this.kubeConfig, ns)));
    return s;
  }
}
