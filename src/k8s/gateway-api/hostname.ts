// Gateway API Hostname: a DNS name, optionally with a single leading `*.` wildcard label.
// No IP addresses, no port, no trailing dot (the CRD's pattern), lower case.

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;

/** A problem message, or undefined when `value` is a valid Gateway API hostname. */
export function checkHostname(value: string): string | undefined {
  if (value.length === 0 || value.length > 253) return 'must be 1 to 253 characters';
  if (!HOSTNAME.test(value)) return `invalid hostname ${JSON.stringify(value)}: lower-case DNS labels, optionally starting with "*."`;
  if (IPV4.test(value)) return `must be a hostname, not an IP address (${value})`;
  return undefined;
}
