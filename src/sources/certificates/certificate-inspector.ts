// Parses the certificates of kubernetes.io/tls Secrets where objects enter the process, so
// translation can stay pure and read the verdicts as data (src/k8s/certificate-facts.ts). The
// certificates are parsed with @peculiar/x509; the key is parsed by node:crypto and must be the
// leaf certificate's (their public keys are compared). Verdicts are kept per Secret while its PEM
// text is unchanged, so a rebuild re-parses only the Secrets that changed; Secrets that are gone
// are forgotten.
import 'reflect-metadata';
import { X509Certificate, SubjectAlternativeNameExtension } from '@peculiar/x509';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { TLS_SECRET_TYPE, isSecret, parseTlsSecret, type TlsSecret } from '../../k8s/tls-secret.ts';
import { secretKey, type CertificateBook, type CertificateCheck, type CertificateSummary } from '../../k8s/certificate-facts.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export class CertificateInspector {
  private readonly cache = new Map<string, { chain: string | undefined; key: string | undefined; check: CertificateCheck }>();

  /** Verdicts for every kubernetes.io/tls Secret among `objects`, by `namespace/name`. */
  inspect(objects: readonly KubeObject[]): CertificateBook {
    const book = new Map<string, CertificateCheck>();
    for (const o of objects) {
      if (!isSecret(o) || o['type'] !== TLS_SECRET_TYPE) continue;
      const secret = parseTlsSecret(o);
      const k = secretKey(secret.namespace, secret.name);
      const cached = this.cache.get(k);
      if (cached && cached.chain === secret.certificateChain && cached.key === secret.privateKey && secret.problems.length === 0) {
        book.set(k, cached.check);
        continue;
      }
      const check = checkTlsSecret(secret);
      this.cache.set(k, { chain: secret.certificateChain, key: secret.privateKey, check });
      book.set(k, check);
    }
    for (const k of this.cache.keys()) if (!book.has(k)) this.cache.delete(k);
    return book;
  }
}

/** One-shot form, for the CLI and tests. */
export function inspectCertificates(objects: readonly KubeObject[]): CertificateBook {
  return new CertificateInspector().inspect(objects);
}

export function checkTlsSecret(secret: TlsSecret): CertificateCheck {
  if (secret.problems.length > 0) return { ok: false, problem: secret.problems.join('; ') };
  const chain = secret.certificateChain;
  const keyPem = secret.privateKey;
  if (chain === undefined || chain.trim() === '') return { ok: false, problem: 'tls.crt is missing or empty' };
  if (keyPem === undefined || keyPem.trim() === '') return { ok: false, problem: 'tls.key is missing or empty' };
  const blocks = chain.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return { ok: false, problem: 'tls.crt holds no PEM certificate' };
  let certificates: X509Certificate[];
  try {
    certificates = blocks.map((b) => new X509Certificate(b));
  } catch (error) {
    return { ok: false, problem: `tls.crt is not a valid PEM certificate: ${reason(error)}` };
  }
  const leaf = certificates[0];
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    // The parser's message never quotes the key itself.
    return { ok: false, problem: `tls.key is not a valid PEM private key: ${reason(error)}` };
  }
  const keySpki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!keySpki.equals(Buffer.from(leaf.publicKey.rawData))) return { ok: false, problem: `tls.key does not match the certificate in tls.crt (${leaf.subject})` };
  return { ok: true, summary: summarize(leaf, key.asymmetricKeyType ?? 'unknown'), certificateChain: chain, privateKey: keyPem };
}

export function summarize(cert: X509Certificate, keyType: string): CertificateSummary {
  const san = cert.getExtension(SubjectAlternativeNameExtension);
  const dnsNames = (san?.names.items ?? []).filter((n) => n.type === 'dns').map((n) => n.value);
  if (dnsNames.length === 0) {
    const cn = /(?:^|,\s*)CN=([^,]+)/.exec(cert.subject);
    if (cn) dnsNames.push(cn[1]);
  }
  const digest = createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex').toUpperCase();
  return {
    subject: cert.subject,
    dnsNames,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256Fingerprint: digest.match(/../g)!.join(':'),
    keyType,
  };
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Keep messages one line and short, without OpenSSL's error codes: they end up in status.
  return message.split('\n')[0].replace(/^error:[0-9A-Fa-f]+:[^:]*::?/, '').slice(0, 200);
}
