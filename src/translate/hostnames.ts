// Which hostnames a route serves on a listener: the intersection of the route's spec.hostnames with
// the listener's hostname (Gateway API HTTPRoute.spec.hostnames). A wildcard `*.example.com`
// matches any name with at least one more label (`a.example.com`, `b.a.example.com`), never
// `example.com` itself. The result names the virtual hosts the route's rules go into.

/** The virtual host name for "any host". */
export const ANY_HOST = '*';

/** True when `name` (exact or wildcard) falls under the wildcard `pattern` (`*.suffix`). */
export function wildcardCovers(pattern: string, name: string): boolean {
  const suffix = pattern.slice(1); // ".example.com"
  if (name.startsWith('*.')) return name.length > suffix.length ? name.endsWith(suffix) : name === pattern;
  return name.length > suffix.length && name.endsWith(suffix);
}

/**
 * The hostnames a route serves through a listener, most specific form of each pair, sorted and
 * without duplicates. Empty means the route does not fit the listener (NoMatchingListenerHostname).
 */
export function intersectHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[]): string[] {
  if (routeHostnames.length === 0) return [listenerHostname ?? ANY_HOST];
  if (listenerHostname === undefined) return routeHostnames.length === 1 ? [...routeHostnames] : [...new Set(routeHostnames)].sort();
  if (routeHostnames.length === 1) {
    const only = intersectOne(listenerHostname, routeHostnames[0]);
    return only === undefined ? [] : [only];
  }
  const out = new Set<string>();
  for (const h of routeHostnames) {
    const x = intersectOne(listenerHostname, h);
    if (x !== undefined) out.add(x);
  }
  return [...out].sort();
}

/** The intersection of one listener hostname and one route hostname, if any. */
function intersectOne(listenerHostname: string, h: string): string | undefined {
  if (h === listenerHostname) return h;
  if (listenerHostname.startsWith('*.') && wildcardCovers(listenerHostname, h)) return h;
  if (h.startsWith('*.') && wildcardCovers(h, listenerHostname)) return listenerHostname;
  return undefined;
}

/**
 * Hostname specificity, as Gateway API ranks matches (characters in a matching non-wildcard
 * hostname, then in a matching hostname): exact names first, then wildcards longest first, `*` last;
 * ties by name.
 */
export function compareHostnames(a: string, b: string): number {
  const rank = (h: string) => (h === ANY_HOST ? 2 : h.startsWith('*.') ? 1 : 0);
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  if (rank(a) === 1 && a.length !== b.length) return b.length - a.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
