// `tether certs --listener-secret`: a serving certificate for a Gateway's HTTPS listener, kept as a
// `kubernetes.io/tls` Secret manifest in a folder Tether's file source reads, so a demo's
// certificateRefs resolve without a hand step (the compose demo, `npm start`). Self-signed: clients
// are told to trust it (`curl -k`, or `--cacert` with its tls.crt). Like the xDS certificates it is
// kept while valid and issued again when it expires within the renewal window or its names change.
// For real traffic, certificates come from the organisation's CA (docs/https.md).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { isGatewayKey } from '../xds/peer-identity.ts';
import { describeCertificate, issueSelfSignedServer } from './issue-certificate.ts';
import type { CertAction } from './ensure-certificates.ts';

const DAY_MS = 86_400_000;
const BACKDATE_MS = 5 * 60_000;

export interface ListenerSecretRequest {
  /** The Secret, `namespace/name`, as the listener's certificateRefs name it. */
  secret: string;
  /** The names the certificate covers (the listener's hostname, or the names clients dial). */
  dnsNames: readonly string[];
  /** The folder the manifest is written to (one the file source reads). */
  dir: string;
  now: Date;
  validityDays: number;
  renewWithinDays: number;
}

/** `<dir>/<namespace>.<name>.yaml`: a namespace has no dots, so two Secrets never share a file. */
export function listenerSecretPath(dir: string, secret: string): string {
  const [namespace, name] = secret.split('/');
  return join(dir, `${namespace}.${name}.yaml`);
}

/** The Secret manifest (data base64, as the API server gives it). */
export function listenerSecretManifest(secret: string, certPem: string, keyPem: string): Record<string, unknown> {
  const [namespace, name] = secret.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'tether', 'app.kubernetes.io/component': 'listener-certificate' } },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(certPem).toString('base64'), 'tls.key': Buffer.from(keyPem).toString('base64') },
  };
}

export async function ensureListenerSecret(req: ListenerSecretRequest): Promise<CertAction> {
  if (!isGatewayKey(req.secret)) throw new Error(`--listener-secret "${req.secret}" is not namespace/name (Kubernetes names)`);
  if (req.dnsNames.length === 0) throw new Error('the listener certificate needs at least one DNS name (--listener-dns-name)');
  const id = `listener/${req.secret}`;
  const path = listenerSecretPath(req.dir, req.secret);
  const old = await readCertificate(path);
  let reason = 'missing';
  if (old !== undefined) {
    try {
      const facts = describeCertificate(old);
      const renewBefore = new Date(req.now.getTime() + req.renewWithinDays * DAY_MS);
      if (facts.notAfter <= renewBefore) reason = `expires ${facts.notAfter.toISOString()}`;
      else if (!sameSet(facts.dnsNames, req.dnsNames)) reason = 'its names differ from those asked for';
      else return { id, action: 'kept', notAfter: facts.notAfter };
    } catch (err) {
      reason = `unreadable: ${(err as Error).message}`;
    }
  }
  const pair = await issueSelfSignedServer({
    commonName: req.dnsNames[0] ?? req.secret,
    dnsNames: req.dnsNames,
    notBefore: new Date(req.now.getTime() - BACKDATE_MS),
    notAfter: new Date(req.now.getTime() + req.validityDays * DAY_MS),
  });
  await mkdir(req.dir, { recursive: true, mode: 0o755 });
  // The manifest holds the private key: mode 0600, replaced whole so the file source never reads half.
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, stringify(listenerSecretManifest(req.secret, pair.certPem, pair.keyPem)), { mode: 0o600 });
  await rename(tmp, path);
  return { id, action: old === undefined ? 'created' : 'renewed', ...(old === undefined ? {} : { reason }), notAfter: describeCertificate(pair.certPem).notAfter };
}

/** The PEM certificate of a manifest written before; undefined when there is none. */
async function readCertificate(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const doc = parse(text) as { data?: Record<string, unknown> } | null;
    const crt = doc?.data?.['tls.crt'];
    return typeof crt === 'string' ? Buffer.from(crt, 'base64').toString('utf8') : '';
  } catch {
    return ''; // not YAML: issued again
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
