// Every name and label of a provisioned Envoy fleet, in one place. A Gateway's name is a DNS
// subdomain of up to 253 characters (dots allowed); the objects Tether makes for it need a DNS label
// (Service names: lower case, a letter first, at most 63 characters), and label values allow 63
// characters. Long or dotted names are shortened and made unique again by a hash of the full name.

/** Label keys Tether puts on every object it provisions. */
export const FLEET_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  /** The Gateway's name (label-safe form: `labelValue`); with the namespace, which fleet this is. */
  gateway: 'tether.dev/gateway',
  /**
   * The Gateway API's well-known label for the objects an implementation generates for a Gateway
   * (apis/v1 GatewayNameLabelKey): how users and conformance tooling find a Gateway's fleet.
   */
  gatewayName: 'gateway.networking.k8s.io/gateway-name',
} as const;

export const MANAGED_BY = 'tether';

/** The label selector that finds every object Tether provisions. */
export const FLEET_SELECTOR = `${FLEET_LABELS.managedBy}=${MANAGED_BY},${FLEET_LABELS.gateway}`;

/** Pod-template annotation: a hash of the bootstrap, so a bootstrap change rolls the fleet. */
export const BOOTSTRAP_HASH_ANNOTATION = 'tether.dev/bootstrap-hash';

/** The bootstrap's key in the fleet's ConfigMap and where the Deployment mounts it. */
export const BOOTSTRAP_FILE = 'bootstrap.json';
export const BOOTSTRAP_DIR = '/etc/envoy';
/** Where the Gateway's xDS client certificate Secret is mounted (the bootstrap names its files). */
export const XDS_CERT_DIR = '/etc/tether-xds';

const MAX_LABEL = 63;

/**
 * The name of every object of a Gateway's fleet (Deployment, Service, ConfigMap, ServiceAccount,
 * PodDisruptionBudget, HorizontalPodAutoscaler: one per kind, so one name serves them all).
 */
export function fleetName(gatewayName: string): string {
  return dnsLabel(`tether-${gatewayName}`, gatewayName);
}

/** A label value naming the Gateway: its name when it fits, else a shortened, hashed form. */
export function gatewayLabelValue(gatewayName: string): string {
  if (gatewayName.length <= MAX_LABEL && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(gatewayName)) return gatewayName;
  return dnsLabel(gatewayName, gatewayName);
}

/** The labels every object of the fleet carries; the first two also select its pods. */
export function fleetLabels(gatewayName: string): Record<string, string> {
  return {
    [FLEET_LABELS.managedBy]: MANAGED_BY,
    [FLEET_LABELS.gateway]: gatewayLabelValue(gatewayName),
    [FLEET_LABELS.gatewayName]: gatewayLabelValue(gatewayName),
    [FLEET_LABELS.name]: 'envoy',
    [FLEET_LABELS.component]: 'gateway-fleet',
  };
}

/** The pod selector of a fleet: fixed for the life of its Deployment (a selector cannot change). */
export function fleetSelector(gatewayName: string): Record<string, string> {
  return { [FLEET_LABELS.managedBy]: MANAGED_BY, [FLEET_LABELS.gateway]: gatewayLabelValue(gatewayName) };
}

/** A Service or container port name (at most 15 characters, a letter in it). */
export function portName(port: number): string {
  return `tcp-${port}`;
}

/**
 * `text` as a DNS label (RFC 1123, a letter first so it is also a valid Service name): lower case,
 * anything else becomes `-`; when that changed or shortened it, a hash of `identity` keeps two
 * Gateways from sharing a name.
 */
function dnsLabel(text: string, identity: string): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const exact = cleaned === text && cleaned.length <= MAX_LABEL && /^[a-z]/.test(cleaned) && /[a-z0-9]$/.test(cleaned);
  if (exact) return cleaned;
  const suffix = `-${hash32(identity)}`;
  const head = `${/^[a-z]/.test(cleaned) ? '' : 'x'}${cleaned}`.slice(0, MAX_LABEL - suffix.length).replace(/-+$/, '');
  return `${head}${suffix}`;
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable, no I/O. */
export function hash32(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** FNV-1a, 64 bits, as 16 hex digits: the bootstrap hash (a change of any byte changes it). */
export function hash64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
