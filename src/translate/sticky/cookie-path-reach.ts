// Does a session cookie's Path reach the paths its route matches? Envoy uses the cookie Path as a
// request filter too: for a request whose path is outside it, the session filter does nothing (no
// session read, no Set-Cookie), so a Path that misses the route's paths makes a session that never
// happens. Envoy's rule (docs/sticky-sessions.md, "Evidence from Envoy's source"): an empty Path or
// `/` takes every request; a Path ending in `/` takes paths that start with it; any other Path takes
// itself and paths that continue it with `/`, `?` or `#`.
import type { PathMatchIR } from '../../ir/ir.ts';

/** `all`: every path of the match is in the cookie's Path; `some`: only part; `none`; `unknown` (a regex). */
export type CookiePathReach = 'all' | 'some' | 'none' | 'unknown';

function inCookiePath(cookiePath: string, path: string): boolean {
  if (cookiePath === '' || cookiePath === '/') return true;
  if (cookiePath.endsWith('/')) return path.startsWith(cookiePath);
  return path === cookiePath || ['/', '?', '#'].some((c) => path.startsWith(cookiePath + c));
}

export function cookiePathReach(cookiePath: string, match: PathMatchIR): CookiePathReach {
  if (cookiePath === '' || cookiePath === '/') return 'all';
  switch (match.type) {
    case 'Exact':
      return inCookiePath(cookiePath, match.value) ? 'all' : 'none';
    case 'RegularExpression':
      return 'unknown';
    case 'PathPrefix': {
      // Segment-aware prefix: the prefix itself and everything below it.
      const prefix = match.value.replace(/\/+$/, '');
      if (inCookiePath(cookiePath, prefix === '' ? '/' : prefix) && inCookiePath(cookiePath, `${prefix}/x`)) return 'all';
      // A Path below the prefix takes some of the route's requests.
      return cookiePath.startsWith(`${prefix}/`) ? 'some' : 'none';
    }
  }
}

function describeMatch(match: PathMatchIR): string {
  return `${match.type} ${match.value}`;
}

/** A report when the cookie Path misses some or all of the rule's paths; undefined when it reaches them all. */
export function cookiePathWarning(cookiePath: string, matches: readonly PathMatchIR[]): string | undefined {
  const reaches = matches.map((m) => cookiePathReach(cookiePath, m));
  if (reaches.every((r) => r === 'all')) return undefined;
  const paths = matches.map(describeMatch).join(', ');
  if (reaches.every((r) => r === 'none')) {
    return `cookie Path "${cookiePath}" never matches the rule's paths (${paths}): Envoy applies a session only to requests inside its cookie's Path, so this rule is never sticky`;
  }
  return `cookie Path "${cookiePath}" does not cover all of the rule's paths (${paths}): requests outside it get no session (Envoy applies a session only inside its cookie's Path)`;
}

/** The short form for the translate summary; undefined when the Path reaches every path. */
export function cookiePathFlag(cookiePath: string, match: PathMatchIR): string | undefined {
  switch (cookiePathReach(cookiePath, match)) {
    case 'all':
      return undefined;
    case 'none':
      return `cookie Path ${cookiePath} never matches`;
    case 'some':
      return `cookie Path ${cookiePath} covers part`;
    case 'unknown':
      return `cookie Path ${cookiePath} vs regex`;
  }
}
