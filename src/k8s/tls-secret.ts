// Secrets of type kubernetes.io/tls, as certificateRefs name them: the PEM certificate chain
// (`tls.crt`) and private key (`tls.key`), decoded from `data` (base64, as the API server gives
// them) or `stringData` (as people write them in files). PURE: decoding only; whether the PEM holds
// a certificate that matches its key is decided where certificates are parsed (see
// certificate-facts.ts), outside translation.
import type { KubeObject } from './kube-object.ts';
import { apiGroup } from './kube-object.ts';
import { isRecord } from './field-reader.ts';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface TlsSecret {
  namespace: string;
  name: string;
  /** `type` as written; certificateRefs need kubernetes.io/tls. */
  type: string;
  /** PEM text of tls.crt, when present and decodable. */
  certificateChain?: string;
  /** PEM text of tls.key, when present and decodable. */
  privateKey?: string;
  /** Why a field could not be read (names the key), empty when both decoded. */
  problems: string[];
}

export function isSecret(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === '' && o.kind === 'Secret';
}

export function parseTlsSecret(o: KubeObject): TlsSecret {
  const out: TlsSecret = { namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, type: typeof o['type'] === 'string' ? o['type'] : 'Opaque', problems: [] };
  const data = isRecord(o['data']) ? o['data'] : {};
  const stringData = isRecord(o['stringData']) ? o['stringData'] : {};
  for (const [key, field] of [['tls.crt', 'certificateChain'], ['tls.key', 'privateKey']] as const) {
    const plain = stringData[key];
    if (typeof plain === 'string') {
      out[field] = plain;
      continue;
    }
    const encoded = data[key];
    if (encoded === undefined || encoded === null) continue;
    const decoded = typeof encoded === 'string' ? decodeBase64(encoded) : undefined;
    if (decoded === undefined) out.problems.push(`data["${key}"] is not base64`);
    else out[field] = decoded;
  }
  return out;
}

/** Base64 (standard alphabet, padding optional, line breaks allowed) to text; undefined when malformed. */
function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  try {
    const binary = atob(compact);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
