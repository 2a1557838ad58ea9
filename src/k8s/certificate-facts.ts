// What Tether knows about the certificate in a kubernetes.io/tls Secret. Certificates are parsed
// where objects enter the process (src/sources/certificates/), never during translation, which
// stays pure and reads these facts as data, together with the time to judge expiry against.

/** What identifies a certificate wherever its key is hidden (status, translate output, config dumps, logs). */
export interface CertificateSummary {
  /** Subject distinguished name of the leaf certificate, one `key=value` per line joined by `, `. */
  subject: string;
  /** DNS names of the subjectAltName extension (and the subject CN when there are none). */
  dnsNames: string[];
  /** ISO 8601, UTC. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the leaf certificate's DER bytes, colon-separated upper-case hex. */
  sha256Fingerprint: string;
  /** Key algorithm of the leaf: `rsa`, `ec`, `ed25519`... */
  keyType: string;
}

/** The verdict on one Secret's certificate and key. */
export type CertificateCheck =
  | {
      ok: true;
      summary: CertificateSummary;
      /** PEM certificate chain and private key as the Secret holds them: what Envoy is sent over SDS. */
      certificateChain: string;
      privateKey: string;
    }
  | { ok: false; problem: string };

/** Checks by Secret `namespace/name`; only kubernetes.io/tls Secrets have an entry. */
export type CertificateBook = ReadonlyMap<string, CertificateCheck>;

export function secretKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
