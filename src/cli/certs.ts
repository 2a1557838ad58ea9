// `tether certs`: the CA, server and per-Gateway client certificates for xDS over mutual TLS, as files
// (keys mode 0600), as Kubernetes Secret manifests (-o yaml), or as Secrets written to the API server
// (--source kubernetes). Run again to renew: certificates that expire within --renew-within-days are
// issued again, valid ones are kept (docs/operations.md#authenticated-xds). With --listener-secret it
// also keeps a self-signed serving certificate for a demo Gateway's HTTPS listener as a Secret
// manifest in a folder the file source reads (listener-secret.ts).
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { stringify } from 'yaml';
import { MemoryCertStore, DirectoryCertStore, type CertStore } from '../certs/cert-store.ts';
import { ensureCertificates, type CertAction } from '../certs/ensure-certificates.ts';
import { ensureListenerSecret, listenerSecretPath } from '../certs/listener-secret.ts';
import { isGatewayKey } from '../xds/peer-identity.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const CERTS_DEFAULTS = {
  dir: 'tether-certs',
  namespace: 'tether-system',
  /** The names Envoys dial: the tether Service in tether-system, and this machine. */
  dnsNames: ['tether', 'tether.tether-system', 'tether.tether-system.svc', 'tether.tether-system.svc.cluster.local', 'localhost'],
  ipAddresses: ['127.0.0.1', '::1'],
  validityDays: 365,
  caValidityDays: 3650,
  renewWithinDays: 30,
  listenerDnsNames: ['localhost'],
};

interface CertsFlags {
  dir?: string;
  source?: string;
  namespace?: string;
  gateway?: string[];
  provisionedGateways?: boolean;
  fleet?: boolean;
  dnsName?: string[];
  ip?: string[];
  validityDays?: string;
  caValidityDays?: string;
  renewWithinDays?: string;
  output?: 'yaml';
  listenerSecret?: string;
  listenerDnsName?: string[];
  listenerSecretDir?: string;
  /** False with --no-xds: only the listener certificate. */
  xds?: boolean;
}

export function certsCommand(): Command {
  return new Command('certs')
    .exitOverride()
    .description('Create or renew the certificates for xDS over mutual TLS: a CA, the server certificate, one client certificate per Gateway')
    .option('--dir <dir>', `folder for the PEM files (default ./${CERTS_DEFAULTS.dir}): <dir>/ca, <dir>/server, <dir>/gateway/<namespace>/<name>, <dir>/fleet`)
    .option('--source <kubernetes>', 'keep them as Secrets in the cluster instead of files (in-cluster config or kubeconfig)')
    .option('--namespace <ns>', `namespace of the Secrets (default ${CERTS_DEFAULTS.namespace})`)
    .option('--gateway <namespace/name>', 'a Gateway whose Envoys get a client certificate; repeat for several', collect)
    .option('--provisioned-gateways', 'with --source kubernetes: also every Gateway of Tether\'s GatewayClasses in the cluster, each client certificate kept in its Gateway\'s namespace, where its provisioned Envoy fleet mounts it')
    .option('--fleet', 'also a fleet-wide client certificate (tether://gateway/*), accepted only with serve --xds-allow-fleet-certificates')
    .option('--dns-name <name>', `a DNS name of the server certificate; repeat for several (default: ${CERTS_DEFAULTS.dnsNames.join(', ')})`, collect)
    .option('--ip <address>', `an IP address of the server certificate; repeat for several (default: ${CERTS_DEFAULTS.ipAddresses.join(', ')})`, collect)
    .option('--validity-days <days>', `lifetime of server and client certificates (default ${CERTS_DEFAULTS.validityDays})`)
    .option('--ca-validity-days <days>', `lifetime of the CA (default ${CERTS_DEFAULTS.caValidityDays})`)
    .option('--renew-within-days <days>', `issue again what expires within this many days (default ${CERTS_DEFAULTS.renewWithinDays})`)
    .option('--listener-secret <namespace/name>', 'also a self-signed serving certificate for a Gateway HTTPS listener (demos), written as a kubernetes.io/tls Secret manifest into --listener-secret-dir')
    .option('--listener-dns-name <name>', `a DNS name of the listener certificate; repeat for several (default: ${CERTS_DEFAULTS.listenerDnsNames.join(', ')})`, collect)
    .option('--listener-secret-dir <dir>', 'folder for the listener Secret manifest, <dir>/<namespace>.<name>.yaml (mode 0600): one Tether\'s file source reads')
    .option('--no-xds', 'skip the xDS certificates: only the listener certificate (with --listener-secret)')
    .addOption(new Option('-o, --output <format>', 'print Kubernetes Secret manifests (with --dir the files are kept and renewed too)').choices(['yaml']))
    .action(async (flags: CertsFlags) => {
      await runCerts(flags);
    });
}

function days(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new CertsUsageError(`${what}: "${text}" is not a number of days`);
  return n;
}

class CertsUsageError extends Error {}

async function runCerts(flags: CertsFlags): Promise<void> {
  let store: CertStore;
  let where: (id: string) => string;
  const namespace = flags.namespace ?? CERTS_DEFAULTS.namespace;
  try {
    if (flags.source !== undefined && flags.source !== 'kubernetes') throw new CertsUsageError(`--source: "${flags.source}" is not "kubernetes" (files are the default: --dir)`);
    if (flags.source === 'kubernetes' && flags.dir !== undefined) throw new CertsUsageError('--source kubernetes and --dir exclude each other');
    for (const g of flags.gateway ?? []) if (!isGatewayKey(g)) throw new CertsUsageError(`--gateway "${g}" is not namespace/name (Kubernetes names)`);
    const listener = checkListenerFlags(flags);
    const validityDays = days(flags.validityDays, CERTS_DEFAULTS.validityDays, '--validity-days');
    const renewWithinDays = days(flags.renewWithinDays, CERTS_DEFAULTS.renewWithinDays, '--renew-within-days');
    if (flags.xds === false) {
      const action = await ensureListenerSecret({ ...listener!, now: new Date(), validityDays, renewWithinDays });
      process.stdout.write(summary([action], () => listenerSecretPath(listener!.dir, listener!.secret)));
      return;
    }
    if (flags.provisionedGateways && flags.source !== 'kubernetes') throw new CertsUsageError('--provisioned-gateways needs --source kubernetes');
    const gateways = [...(flags.gateway ?? [])];
    if (flags.source === 'kubernetes') {
      // Loaded here: the Kubernetes client library is slow to import and files need none of it.
      const [{ SecretCertStore, GatewayNamespaceCertStore, secretNameOf }, { loadDefaultKubeConfig }] = await Promise.all([import('../certs/cert-secrets.ts'), import('../sources/cluster/cluster-source.ts')]);
      const kc = loadDefaultKubeConfig();
      if (flags.provisionedGateways) {
        store = new GatewayNamespaceCertStore(kc, namespace);
        where = (id) => `secret ${GatewayNamespaceCertStore.namespaceOf(id) ?? namespace}/${secretNameOf(id)}`;
        for (const g of await tetherGateways(kc)) if (!gateways.includes(g)) gateways.push(g);
      } else {
        store = new SecretCertStore(kc, namespace);
        where = (id) => `secret ${namespace}/${secretNameOf(id)}`;
      }
    } else if (flags.output === 'yaml' && flags.dir === undefined) {
      store = new MemoryCertStore();
      where = () => '';
    } else {
      const dirStore = new DirectoryCertStore(resolve(flags.dir ?? CERTS_DEFAULTS.dir));
      store = dirStore;
      where = (id) => dirStore.pathOf(id, 'tls.crt').replace(/tls\.crt$/, '');
    }
    const actions = await ensureCertificates(store, {
      dnsNames: flags.dnsName ?? CERTS_DEFAULTS.dnsNames,
      ipAddresses: flags.ip ?? (flags.dnsName ? [] : CERTS_DEFAULTS.ipAddresses),
      gateways,
      fleet: flags.fleet ?? false,
      now: new Date(),
      validityDays,
      caValidityDays: days(flags.caValidityDays, CERTS_DEFAULTS.caValidityDays, '--ca-validity-days'),
      renewWithinDays,
    });
    if (listener) {
      actions.push(await ensureListenerSecret({ ...listener, now: new Date(), validityDays, renewWithinDays }));
      const xdsWhere = where;
      where = (id) => (id.startsWith('listener/') ? listenerSecretPath(listener.dir, listener.secret) : xdsWhere(id));
    }
    if (flags.output === 'yaml') {
      const { secretManifest } = await import('../certs/cert-secrets.ts');
      const docs: string[] = [];
      for (const a of actions) {
        if (a.id.startsWith('listener/')) continue; // its manifest is the file written
        const bundle = await store.read(a.id);
        if (bundle) docs.push(stringify(secretManifest(a.id, bundle, namespace)));
      }
      process.stdout.write(docs.join('---\n'));
      process.stderr.write(summary(actions, where));
    } else {
      process.stdout.write(summary(actions, where));
    }
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`tether certs: ${message}\n`);
    throw new CommanderError(err instanceof CertsUsageError ? 2 : 1, 'tether.certs', message);
  }
}

/** The listener certificate asked for, if any; usage errors for half-given flags. */
function checkListenerFlags(flags: CertsFlags): { secret: string; dnsNames: string[]; dir: string } | undefined {
  if (flags.listenerSecret === undefined) {
    if (flags.xds === false) throw new CertsUsageError('--no-xds needs --listener-secret (there would be nothing to do)');
    if (flags.listenerDnsName !== undefined || flags.listenerSecretDir !== undefined) throw new CertsUsageError('--listener-dns-name and --listener-secret-dir need --listener-secret');
    return undefined;
  }
  if (!isGatewayKey(flags.listenerSecret)) throw new CertsUsageError(`--listener-secret "${flags.listenerSecret}" is not namespace/name (Kubernetes names)`);
  if (flags.listenerSecretDir === undefined) throw new CertsUsageError('--listener-secret needs --listener-secret-dir (the folder Tether reads the Secret manifest from)');
  return { secret: flags.listenerSecret, dnsNames: flags.listenerDnsName ?? CERTS_DEFAULTS.listenerDnsNames, dir: resolve(flags.listenerSecretDir) };
}

/** `namespace/name` of every Gateway whose GatewayClass names Tether's controller. */
async function tetherGateways(kc: import('@kubernetes/client-node').KubeConfig): Promise<string[]> {
  const [{ listRaw }, { CONTROLLER_NAME }] = await Promise.all([import('../sources/cluster/raw-list.ts'), import('../status/status.ts')]);
  const classes = await listRaw(kc, '/apis/gateway.networking.k8s.io/v1/gatewayclasses');
  const ours = new Set(
    classes.items
      .filter((c) => (c.spec as { controllerName?: unknown } | undefined)?.controllerName === CONTROLLER_NAME)
      .map((c) => (c.metadata as { name: string }).name),
  );
  const gateways = await listRaw(kc, '/apis/gateway.networking.k8s.io/v1/gateways');
  return gateways.items
    .filter((g) => ours.has((g.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName ?? ''))
    .map((g) => `${(g.metadata as { namespace: string }).namespace}/${(g.metadata as { name: string }).name}`)
    .filter(isGatewayKey)
    .sort();
}

/** One line per certificate: what happened, until when it is valid, where it is. */
function summary(actions: readonly CertAction[], where: (id: string) => string): string {
  const rows = actions.map((a) => [a.id, a.action + (a.reason ? ` (${a.reason})` : ''), a.notAfter.toISOString().slice(0, 10), where(a.id)]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['CERTIFICATE', 'ACTION', 'VALID UNTIL'][i].length));
  const line = (r: string[]): string => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd() + '\n';
  return line(['CERTIFICATE', 'ACTION', 'VALID UNTIL', 'WHERE']) + rows.map(line).join('');
}
