// An EndpointSlice's addresses must be of its addressType: Envoy refuses a ClusterLoadAssignment
// whose socket address is not an IP (and with it the whole cluster's endpoints), and an FQDN slice's
// names go to DNS. Checked as Envoy and Kubernetes read them: IPv4 as four decimal octets without
// leading zeros, IPv6 in its text forms (without a zone), FQDN as a DNS subdomain (RFC 1123).

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

/** Why `address` is not an address of `type`, or undefined when it is one. */
export function checkEndpointAddress(address: string, type: AddressType): string | undefined {
  const ok = type === 'IPv4' ? isIPv4(address) : type === 'IPv6' ? isIPv6(address) : isDnsSubdomain(address);
  if (ok) return undefined;
  const what = type === 'FQDN' ? 'a DNS name' : `an ${type} address`;
  const hint = type === 'IPv4' && isIPv6(address) ? ' (an IPv6 address belongs in a slice of addressType IPv6)'
    : type === 'IPv6' && isIPv4(address) ? ' (an IPv4 address belongs in a slice of addressType IPv4)'
    : '';
  return `${JSON.stringify(address.length > 100 ? `${address.slice(0, 100)}…` : address)} is not ${what}, as the slice's addressType ${type} requires${hint}`;
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  if (s.length > 45 || s.includes(':::')) return false;
  let text = s;
  let extra = 0;
  // An embedded IPv4 address at the end stands for two groups.
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0`;
    extra = 1;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return false;
  const count = head.length + tail.length + extra;
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isDnsSubdomain(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((label) => /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/.test(label));
}
