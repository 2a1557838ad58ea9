// IR secret → Envoy SDS Secret (envoy.extensions.transport_sockets.tls.v3.Secret): the certificate
// chain and private key inline, delivered only over SDS to the Gateways that use them. Without the
// key material (translate output, config dumps) the key is replaced by a line that identifies the
// certificate instead, so nothing secret is ever printed.
import type { CertificateIR, SecretIR } from '../ir/ir.ts';
import type { JsonObject } from './envoy-json.ts';

/** The PEM texts of one Secret, by SDS name. */
export interface SecretMaterial {
  certificateChain: string;
  privateKey: string;
}

export type SecretMaterialLookup = (secretName: string) => SecretMaterial | undefined;

export function buildSecret(secret: SecretIR, material?: SecretMaterial): JsonObject {
  return {
    name: secret.name,
    tls_certificate: {
      certificate_chain: { inline_string: material?.certificateChain ?? describeCertificate(secret.certificate) },
      private_key: { inline_string: material?.privateKey ?? REDACTED_KEY },
    },
  };
}

/** What stands in for a private key wherever key material is hidden. */
export const REDACTED_KEY = '[redacted]';

/** One line that identifies a certificate: subject, DNS names, not-after, SHA-256 fingerprint. */
export function describeCertificate(c: CertificateIR): string {
  return `[certificate ${c.subject}; DNS ${c.dnsNames.join(', ') || '(none)'}; not after ${c.notAfter}; SHA-256 ${c.sha256Fingerprint}]`;
}
