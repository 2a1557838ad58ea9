// Path rewrites checked by behaviour: the route Tether emits is applied to request paths the way
// Envoy applies it (prefix_rewrite swaps the matched prefix; regex_rewrite replaces every match of
// an RE2 pattern, and these patterns mean the same in JavaScript), and the result must be what
// Gateway API's URLRewrite / RequestRedirect promise.
import { describe, expect, it } from 'vitest';
import type { RouteIR } from '../ir/ir.ts';
import type { JsonObject } from './envoy-json.ts';
import { buildRoute } from './route.ts';

function prefixRoute(prefix: string, replacement: { type: 'ReplacePrefixMatch'; prefix: string; value: string } | { type: 'ReplaceFullPath'; value: string }, kind: 'rewrite' | 'redirect'): RouteIR {
  return {
    name: 'r',
    source: { kind: 'HTTPRoute', namespace: 'default', name: 'r', ruleIndex: 0, matchIndex: 0 },
    match: { path: { type: 'PathPrefix', value: prefix }, headers: [], queryParams: [] },
    action: kind === 'rewrite' ? { type: 'forward', clusters: [{ name: 'c', weight: 1 }], rewrite: { path: replacement } } : { type: 'redirect', path: replacement, statusCode: 302 },
  };
}

/** Does the route match `path` (no query string), and what path does Envoy send on / redirect to? */
function envoyApply(route: JsonObject, path: string): string | undefined {
  const match = route['match'] as Record<string, string>;
  let matched: number;
  if (match['prefix'] !== undefined) {
    if (!path.startsWith(match['prefix'])) return undefined;
    matched = match['prefix'].length;
  } else if (match['path_separated_prefix'] !== undefined) {
    const p = match['path_separated_prefix'];
    if (!(path === p || path.startsWith(`${p}/`))) return undefined;
    matched = p.length;
  } else {
    throw new Error(`unexpected match ${JSON.stringify(match)}`);
  }
  const action = (route['route'] ?? route['redirect']) as JsonObject;
  if (typeof action['prefix_rewrite'] === 'string') return action['prefix_rewrite'] + path.slice(matched);
  if (typeof action['path_redirect'] === 'string') return action['path_redirect'];
  const regex = action['regex_rewrite'] as { pattern: { regex: string }; substitution: string } | undefined;
  if (regex) return path.replace(new RegExp(regex.pattern.regex, 'g'), regex.substitution);
  return path;
}

const CASES: [prefix: string, value: string, path: string, expected: string | undefined][] = [
  ['/foo', '/bar', '/foo', '/bar'],
  ['/foo', '/bar', '/foo/', '/bar/'],
  ['/foo', '/bar', '/foo/x/y', '/bar/x/y'],
  ['/foo', '/bar', '/foobar', undefined], // segment-aware: no match
  ['/foo/', '/bar/', '/foo/x', '/bar/x'], // trailing slashes ignored on both sides
  ['/foo', '/', '/foo', '/'],
  ['/foo', '/', '/foo/', '/'],
  ['/foo', '/', '/foo/x', '/x'],
  ['/a.b', '/', '/a.b/x', '/x'], // regex metacharacters in the prefix are literal
  ['/a.b', '/', '/axb/x', undefined],
  ['/', '/app', '/x', '/app/x'],
  ['/', '/app', '/', '/app/'],
  ['/', '/', '/x', '/x'],
];

describe('ReplacePrefixMatch', () => {
  for (const kind of ['rewrite', 'redirect'] as const) {
    it.each(CASES)(`${kind}: prefix %s → %s turns %s into %s`, (prefix, value, path, expected) => {
      const route = buildRoute(prefixRoute(prefix, { type: 'ReplacePrefixMatch', prefix, value }, kind));
      expect(envoyApply(route, path)).toBe(expected);
    });
  }
});

describe('ReplaceFullPath', () => {
  it.each(['/', '/a', '/a/b/c'])('rewrite replaces %s entirely', (path) => {
    const route = buildRoute(prefixRoute('/', { type: 'ReplaceFullPath', value: '/new' }, 'rewrite'));
    expect(envoyApply(route, path)).toBe('/new');
  });

  it('redirect replaces the path (Envoy keeps the query string)', () => {
    const route = buildRoute(prefixRoute('/old', { type: 'ReplaceFullPath', value: '/new' }, 'redirect'));
    expect(envoyApply(route, '/old/page')).toBe('/new');
  });
});
