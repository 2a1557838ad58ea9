// Who an xDS client is, from its TLS client certificate: a URI SAN `tether://gateway/<namespace>/<name>`
// names the one Gateway it may fetch, `tether://gateway/*` every Gateway (a fleet-wide certificate,
// accepted only when the server allows it). docs/operations.md#authenticated-xds describes the form.

export const GATEWAY_URI_PREFIX = 'tether://gateway/';
/** The identity of a fleet-wide certificate. */
export const ANY_GATEWAY = '*';

/** The URI SAN for a Gateway key (`namespace/name`) or ANY_GATEWAY. */
export function gatewayIdentityUri(gateway: string): string {
  return GATEWAY_URI_PREFIX + gateway;
}

/** A Gateway key is `namespace/name`, both Kubernetes names (lowercase letters, digits, '-' and '.'). */
const GATEWAY_KEY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

export function isGatewayKey(text: string): boolean {
  return text.length <= 317 && GATEWAY_KEY.test(text);
}

/**
 * The Gateways named by a certificate's subject alternative names, in Node's `subjectaltname` form
 * (`DNS:a, URI:tether://gateway/ns/name`; a value with special characters is JSON-quoted). Other
 * names are ignored, so a certificate may carry them too.
 */
export function gatewaysOfSubjectAltName(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const out: string[] = [];
  for (const m of subjectAltName.matchAll(/(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    if (m[1] !== 'URI') continue;
    let value = m[2] ?? '';
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    if (!value.startsWith(GATEWAY_URI_PREFIX)) continue;
    const gateway = value.slice(GATEWAY_URI_PREFIX.length);
    if (gateway === ANY_GATEWAY || isGatewayKey(gateway)) out.push(gateway);
  }
  return out;
}

/**
 * Why a client holding a certificate for `identities` may not fetch `gateway` (node.cluster), or
 * undefined when it may.
 */
export function refusalReason(identities: readonly string[], gateway: string, allowFleetCertificates: boolean): string | undefined {
  if (identities.length === 0) {
    return `the client certificate names no Gateway (a URI SAN ${GATEWAY_URI_PREFIX}<namespace>/<name>)`;
  }
  if (identities.includes(gateway)) return undefined;
  if (identities.includes(ANY_GATEWAY)) {
    return allowFleetCertificates ? undefined : `the client certificate is fleet-wide (${gatewayIdentityUri(ANY_GATEWAY)}), which this server does not accept (--xds-allow-fleet-certificates)`;
  }
  const named = identities.filter((g) => g !== ANY_GATEWAY);
  return `node.cluster "${gateway}" is not the Gateway the client certificate names (${named.join(', ')})`;
}
