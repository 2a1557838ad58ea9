// What Tether knows about the CA certificate bundle in a ConfigMap's `ca.crt` (the trust anchors of
// client certificate validation, Gateway spec.tls.frontend). Bundles are parsed where objects enter
// the process (src/sources/certificates/), never during translation, which reads these facts as data.
import type { CertificateSummary } from './certificate-facts.ts';

/** The key of a ConfigMap that holds a PEM CA bundle (Gateway API: core support is a ConfigMap with `ca.crt`). */
export const CA_BUNDLE_KEY = 'ca.crt';

/** The verdict on one ConfigMap's CA bundle. */
export type CaBundleCheck =
  | {
      ok: true;
      /** One summary per certificate of the bundle, in order. */
      certificates: Omit<CertificateSummary, 'keyType'>[];
      /** The PEM text as the ConfigMap holds it (public: CA certificates). */
      pem: string;
    }
  | { ok: false; problem: string };

/** Checks by ConfigMap `namespace/name`; every ConfigMap has an entry. */
export type CaBundleBook = ReadonlyMap<string, CaBundleCheck>;
