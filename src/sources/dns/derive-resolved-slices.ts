// An EndpointSlice with `addressType: FQDN` names its endpoints by DNS name. Envoy needs addresses,
// so the FQDN resolver looks the names up and writes ordinary IPv4/IPv6 slices derived from the
// FQDN slice: same Service label, ports and conditions, one endpoint per address. Translation then
// reads those like any other slice and skips the FQDN slice itself. Pure.
import type { KubeObject } from '../../k8s/kube-object.ts';

/** Annotation on a derived slice: the name of the FQDN slice (same namespace) it was resolved from. */
export const DERIVED_FROM_ANNOTATION = 'tether.dev/derived-from';
/** Annotation on a derived slice: the DNS names looked up, comma-separated. */
export const RESOLVED_NAMES_ANNOTATION = 'tether.dev/resolved-names';
/** The standard EndpointSlice label naming the controller that manages a slice. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const RESOLVER_MANAGER = 'tether.dev/fqdn-resolver';

export const ENDPOINT_SLICE_API_VERSION = 'discovery.k8s.io/v1';

/** The last answer for one DNS name. */
export interface DnsAnswer {
  ipv4: string[];
  ipv6: string[];
}

/** True for an EndpointSlice whose endpoints are DNS names (and that is not one of ours). */
export function isFqdnEndpointSlice(o: KubeObject): boolean {
  return o.kind === 'EndpointSlice' && o.apiVersion.startsWith('discovery.k8s.io/') && o['addressType'] === 'FQDN' && !isDerivedEndpointSlice(o);
}

/** True for a slice this resolver wrote. */
export function isDerivedEndpointSlice(o: KubeObject): boolean {
  return o.kind === 'EndpointSlice' && o.metadata.annotations?.[DERIVED_FROM_ANNOTATION] !== undefined;
}

/** The DNS names an FQDN slice's endpoints carry (the first address of each, as Kubernetes uses). */
export function fqdnNamesOf(slice: KubeObject): string[] {
  const names = new Set<string>();
  for (const e of endpointsOf(slice)) {
    const name = firstAddress(e);
    if (name) names.add(name);
  }
  return [...names];
}

/**
 * The IPv4 and IPv6 slices derived from an FQDN slice, given the answers known so far. A family with
 * no address gives no slice; names not resolved yet contribute nothing. Addresses are sorted so an
 * unchanged answer yields an identical object (and so no store change).
 */
export function deriveResolvedSlices(slice: KubeObject, answers: ReadonlyMap<string, DnsAnswer>): KubeObject[] {
  const out: KubeObject[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const seen = new Set<string>();
    const endpoints: Record<string, unknown>[] = [];
    for (const e of endpointsOf(slice)) {
      const name = firstAddress(e);
      const answer = name ? answers.get(name) : undefined;
      if (!answer) continue;
      for (const ip of [...answer[family]].sort()) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        const { addresses: _a, hostname: _h, targetRef: _t, ...rest } = e;
        endpoints.push({ addresses: [ip], ...rest });
      }
    }
    if (endpoints.length === 0) continue;
    out.push(derivedSlice(slice, family, endpoints));
  }
  return out;
}

/** The name of the derived slice for one family: `<slice>.resolved-ipv4` / `.resolved-ipv6`. */
export function derivedSliceName(sliceName: string, family: 'ipv4' | 'ipv6'): string {
  return `${sliceName}.resolved-${family}`;
}

function derivedSlice(slice: KubeObject, family: 'ipv4' | 'ipv6', endpoints: Record<string, unknown>[]): KubeObject {
  const meta = slice.metadata;
  const labels = { ...(meta.labels ?? {}), [MANAGED_BY_LABEL]: RESOLVER_MANAGER };
  const annotations = { [DERIVED_FROM_ANNOTATION]: meta.name, [RESOLVED_NAMES_ANNOTATION]: fqdnNamesOf(slice).join(',') };
  const derived: KubeObject = {
    apiVersion: ENDPOINT_SLICE_API_VERSION,
    kind: 'EndpointSlice',
    metadata: {
      name: derivedSliceName(meta.name, family),
      ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
      labels,
      annotations,
    },
    addressType: family === 'ipv4' ? 'IPv4' : 'IPv6',
    endpoints,
  };
  if (slice['ports'] !== undefined) derived['ports'] = slice['ports'];
  return derived;
}

function endpointsOf(slice: KubeObject): Record<string, unknown>[] {
  const list = slice['endpoints'];
  return Array.isArray(list) ? list.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Array.isArray(e)) : [];
}

function firstAddress(e: Record<string, unknown>): string | undefined {
  const addresses = e['addresses'];
  const first: unknown = Array.isArray(addresses) ? addresses[0] : undefined;
  return typeof first === 'string' && first !== '' ? first : undefined;
}
