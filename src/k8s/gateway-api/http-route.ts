// HTTPRoute (gateway.networking.k8s.io/v1) with the CRD defaults applied. Problems in a rule's own
// fields stay with that rule (translation drops just that rule); problems elsewhere belong to the route.
import type { KubeObject } from '../kube-object.ts';
import { FieldReader, type FieldProblem } from '../field-reader.ts';
import { parseMeta, type ParsedMeta } from '../object-meta.ts';
import { checkRe2Syntax } from '../re2-syntax.ts';
import { checkHostname } from './hostname.ts';
import { parseOptionalSessionPersistence, type ParsedSessionPersistence } from './session-persistence.ts';
import { parseCORS, type HTTPCORS } from './cors.ts';
import { parseGatewayDuration } from '../duration.ts';
import {
  parseRequestMirror,
  parseBackendRefs,
  parseHeaderMatches,
  parseHeaderModifier,
  parseHostnames,
  parseParentRefs,
  parseTimeouts,
  type BackendRef,
  type HeaderMatch,
  type RouteCommon,
  type RouteTimeouts,
  type HeaderModifierFilter,
  type RequestMirrorFilter,
} from './route-common.ts';

export type HTTPPathMatch = { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };

export interface QueryParamMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

export interface HTTPRouteMatch {
  path: HTTPPathMatch;
  headers: HeaderMatch[];
  queryParams: QueryParamMatch[];
  method?: (typeof HTTP_METHODS)[number];
}

export type HTTPPathModifier = { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string };

export interface HTTPRequestRedirect {
  scheme?: 'http' | 'https';
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode: 301 | 302 | 303 | 307 | 308;
}

export interface HTTPURLRewrite {
  hostname?: string;
  path?: HTTPPathModifier;
}

export type HTTPRouteFilter =
  | HeaderModifierFilter
  | { type: 'RequestRedirect'; redirect: HTTPRequestRedirect; field: string }
  | { type: 'URLRewrite'; rewrite: HTTPURLRewrite; field: string }
  | RequestMirrorFilter
  | { type: 'CORS'; cors: HTTPCORS; field: string };

/** rules[].retry (experimental). */
export interface HTTPRouteRetry {
  /** Response codes retried (400..599); empty: only connection failures are retried. */
  codes: number[];
  /** Retries after the first attempt; absent: the proxy's default. */
  attempts?: number;
  /** Minimum wait between attempts, seconds. */
  backoffSeconds?: number;
}

export interface HTTPRouteRule {
  index: number;
  name?: string;
  /** `spec.rules[i]`. */
  field: string;
  /** Never empty: defaults to one PathPrefix "/" match. */
  matches: HTTPRouteMatch[];
  filters: HTTPRouteFilter[];
  backendRefs: BackendRef[];
  timeouts?: RouteTimeouts;
  retry?: HTTPRouteRetry;
  /** Parsed in any of its Gateway API shapes, problems kept; the sticky resolver decides what they mean. */
  sessionPersistence?: ParsedSessionPersistence;
  /** Problems in this rule: the rule is dropped (route PartiallyInvalid). */
  problems: FieldProblem[];
  /** Fields Tether does not implement whose absence is harmless (e.g. retry): reported, rule kept. */
  ignored: FieldProblem[];
}

export interface HTTPRoute extends RouteCommon {
  kind: 'HTTPRoute';
  meta: ParsedMeta;
  /** Never empty: defaults to one rule matching every path. */
  rules: HTTPRouteRule[];
  /** Problems outside the rules (hostnames, parentRefs): reported, the rest of the route still works. */
  problems: FieldProblem[];
}

export function parseHTTPRoute(o: KubeObject): HTTPRoute {
  const meta = parseMeta(o, true);
  const r = new FieldReader();
  const spec = r.object(o.spec, 'spec') ?? {};
  const parentRefs = parseParentRefs(r, spec.parentRefs, meta.namespace);
  const hostnames = parseHostnames(r, spec.hostnames);
  const written = r.array(spec.rules, 'spec.rules');
  const rules = written.length === 0 ? [defaultRule()] : written.map((rule, i) => parseRule(rule, i, meta.namespace));
  return { kind: 'HTTPRoute', meta, parentRefs, hostnames, rules, problems: r.problems };
}

function defaultRule(): HTTPRouteRule {
  return { index: 0, field: 'spec.rules[0]', matches: [defaultMatch()], filters: [], backendRefs: [], problems: [], ignored: [] };
}

function defaultMatch(): HTTPRouteMatch {
  return { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] };
}

function parseRule(value: unknown, index: number, namespace: string): HTTPRouteRule {
  const r = new FieldReader();
  const f = `spec.rules[${index}]`;
  const o = r.object(value, f) ?? {};
  const writtenMatches = r.array(o.matches, `${f}.matches`);
  const matches = writtenMatches.length === 0 ? [defaultMatch()] : writtenMatches.map((m, j) => parseMatch(r, m, `${f}.matches[${j}]`));
  const rule: HTTPRouteRule = {
    index,
    field: f,
    matches,
    filters: parseFilters(r, o.filters, `${f}.filters`, namespace),
    backendRefs: parseBackendRefs(r, o.backendRefs, `${f}.backendRefs`, namespace),
    problems: r.problems,
    ignored: [],
  };
  const retry = parseRetry(r, o.retry, `${f}.retry`);
  if (retry) rule.retry = retry;
  const name = r.string(o.name, `${f}.name`, { minLength: 1, maxLength: 253 });
  if (name !== undefined) rule.name = name;
  const timeouts = parseTimeouts(r, o.timeouts, `${f}.timeouts`);
  if (timeouts) rule.timeouts = timeouts;
  const sessionPersistence = parseOptionalSessionPersistence(o.sessionPersistence, `${f}.sessionPersistence`);
  if (sessionPersistence) rule.sessionPersistence = sessionPersistence;
  if (rule.filters.length > 0) checkFilterCombination(r, rule, f);
  return rule;
}

/** The path rules the CRD enforces with CEL for Exact and PathPrefix values. */
export function checkPathValue(value: string): string | undefined {
  if (!value.startsWith('/')) return 'must start with "/"';
  if (value.includes('//')) return 'must not contain "//"';
  if (value.includes('/./') || value.includes('/../')) return 'must not contain "/./" or "/../"';
  if (value.endsWith('/.') || value.endsWith('/..')) return 'must not end with "/." or "/.."';
  if (/%2f/i.test(value)) return 'must not contain "%2f" or "%2F"';
  if (value.includes('#')) return 'must not contain "#"';
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:@]+$/.test(value)) return 'must contain only legal URI path characters';
  return undefined;
}

function parseMatch(r: FieldReader, value: unknown, f: string): HTTPRouteMatch {
  const o = r.object(value, f) ?? {};
  const match: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] };
  const p = r.object(o.path, `${f}.path`);
  if (p) {
    const type = r.oneOf(p.type, `${f}.path.type`, ['Exact', 'PathPrefix', 'RegularExpression'] as const, 'PathPrefix');
    const v = r.string(p.value, `${f}.path.value`, { maxLength: 1024 }) ?? '/';
    if (type === 'RegularExpression') {
      const bad = checkRe2Syntax(v);
      if (bad) r.problem(`${f}.path.value`, `invalid regular expression: ${bad}`);
    } else if (type !== undefined) {
      const bad = checkPathValue(v);
      if (bad) r.problem(`${f}.path.value`, bad);
    }
    if (type !== undefined) match.path = { type, value: v };
  }
  match.headers = parseHeaderMatches(r, o.headers, `${f}.headers`);
  const seen = new Set<string>();
  match.queryParams = r.array(o.queryParams, `${f}.queryParams`).flatMap((q, k) => {
    const qf = `${f}.queryParams[${k}]`;
    const qo = r.object(q, qf);
    if (!qo) return [];
    const type = r.oneOf(qo.type, `${qf}.type`, ['Exact', 'RegularExpression'] as const, 'Exact');
    const name = r.string(qo.name, `${qf}.name`, { required: true, minLength: 1, maxLength: 256 });
    const v = r.string(qo.value, `${qf}.value`, { required: true, minLength: 1, maxLength: 1024 });
    if (type === undefined || name === undefined || v === undefined) return [];
    if (type === 'RegularExpression') {
      const bad = checkRe2Syntax(v);
      if (bad) {
        r.problem(`${qf}.value`, `invalid regular expression: ${bad}`);
        return [];
      }
    }
    // Gateway API: the first entry of a repeated query parameter name wins.
    if (seen.has(name)) return [];
    seen.add(name);
    return [{ type, name, value: v }];
  });
  const method = r.oneOf(o.method, `${f}.method`, HTTP_METHODS);
  if (method !== undefined) match.method = method;
  return match;
}

const FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'RequestMirror', 'CORS'] as const;
const FILTER_FIELD: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  RequestMirror: 'requestMirror',
  CORS: 'cors',
};

function parseRetry(r: FieldReader, value: unknown, f: string): HTTPRouteRetry | undefined {
  const o = r.object(value, f);
  if (!o) return undefined;
  const codes = r.array(o.codes, `${f}.codes`).flatMap((c, i) => {
    const code = r.int(c, `${f}.codes[${i}]`, 400, 599);
    return code === undefined ? [] : [code];
  });
  const retry: HTTPRouteRetry = { codes: [...new Set(codes)] };
  const attempts = r.int(o.attempts, `${f}.attempts`, 1, 2_147_483_647);
  if (attempts !== undefined) retry.attempts = attempts;
  const backoff = r.string(o.backoff, `${f}.backoff`);
  if (backoff !== undefined) {
    const seconds = parseGatewayDuration(backoff);
    if (seconds === undefined) r.problem(`${f}.backoff`, `invalid duration ${JSON.stringify(backoff)}: use 1 to 4 parts of <number><h|m|s|ms>, e.g. "100ms"`);
    else retry.backoffSeconds = seconds;
  }
  return retry;
}

function parseFilters(r: FieldReader, value: unknown, field: string, namespace: string): HTTPRouteFilter[] {
  return r.array(value, field).flatMap((fv, k): HTTPRouteFilter[] => {
    const f = `${field}[${k}]`;
    const o = r.object(fv, f);
    if (!o) return [];
    const type = r.string(o.type, `${f}.type`, { required: true, minLength: 1 });
    if (type === undefined) return [];
    if (!(FILTER_TYPES as readonly string[]).includes(type)) {
      // ExtensionRef, ExternalAuth and unknown types: skipping a filter could skip
      // something the user relies on (auth in an ExtensionRef), so the rule is not served.
      r.problem(`${f}.type`, `filter type ${JSON.stringify(type)} is not supported (supported: ${FILTER_TYPES.join(', ')})`);
      return [];
    }
    const body = o[FILTER_FIELD[type]];
    const bf = `${f}.${FILTER_FIELD[type]}`;
    switch (type) {
      case 'RequestHeaderModifier':
      case 'ResponseHeaderModifier':
        return [{ type, modifier: parseHeaderModifier(r, body, bf), field: f }];
      case 'RequestRedirect':
        return [{ type, redirect: parseRedirect(r, body, bf), field: f }];
      case 'RequestMirror': {
        const mirror = parseRequestMirror(r, body, bf, namespace);
        return mirror ? [{ type, mirror, field: f }] : [];
      }
      case 'CORS':
        return [{ type, cors: parseCORS(r, body, bf), field: f }];
      default:
        return [{ type: 'URLRewrite', rewrite: parseRewrite(r, body, bf), field: f }];
    }
  });
}

function parsePathModifier(r: FieldReader, value: unknown, f: string): HTTPPathModifier | undefined {
  const o = r.object(value, f);
  if (!o) return undefined;
  const type = r.oneOf(o.type, `${f}.type`, ['ReplaceFullPath', 'ReplacePrefixMatch'] as const);
  if (o.type === undefined) r.problem(`${f}.type`, 'is required');
  if (type === undefined) return undefined;
  const key = type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
  const v = r.string(o[key], `${f}.${key}`, { required: true, maxLength: 1024 });
  if (v === undefined) return undefined;
  const bad = checkPathValue(v);
  if (bad) {
    r.problem(`${f}.${key}`, bad);
    return undefined;
  }
  return { type, value: v };
}

function parsePreciseHostname(r: FieldReader, value: unknown, f: string): string | undefined {
  const h = r.string(value, f);
  if (h === undefined) return undefined;
  const bad = h.startsWith('*') ? 'must not be a wildcard' : checkHostname(h);
  if (bad) {
    r.problem(f, bad);
    return undefined;
  }
  return h;
}

function parseRedirect(r: FieldReader, value: unknown, f: string): HTTPRequestRedirect {
  const o = r.object(value, f);
  if (!o) r.problem(f, 'is required for this filter type');
  const b = o ?? {};
  const redirect: HTTPRequestRedirect = { statusCode: 302 };
  const scheme = r.oneOf(b.scheme, `${f}.scheme`, ['http', 'https'] as const);
  if (scheme) redirect.scheme = scheme;
  const hostname = parsePreciseHostname(r, b.hostname, `${f}.hostname`);
  if (hostname) redirect.hostname = hostname;
  const path = parsePathModifier(r, b.path, `${f}.path`);
  if (path) redirect.path = path;
  const port = r.int(b.port, `${f}.port`, 1, 65535);
  if (port !== undefined) redirect.port = port;
  const code = r.int(b.statusCode, `${f}.statusCode`, 100, 599);
  if (code !== undefined) {
    if (code === 301 || code === 302 || code === 303 || code === 307 || code === 308) redirect.statusCode = code;
    else r.problem(`${f}.statusCode`, `unsupported value ${code}: must be one of 301, 302, 303, 307, 308`);
  }
  return redirect;
}

function parseRewrite(r: FieldReader, value: unknown, f: string): HTTPURLRewrite {
  const o = r.object(value, f);
  if (!o) r.problem(f, 'is required for this filter type');
  const b = o ?? {};
  const rewrite: HTTPURLRewrite = {};
  const hostname = parsePreciseHostname(r, b.hostname, `${f}.hostname`);
  if (hostname) rewrite.hostname = hostname;
  const path = parsePathModifier(r, b.path, `${f}.path`);
  if (path) rewrite.path = path;
  return rewrite;
}

/** The CRD's CEL rules across a rule's filters, matches and backendRefs. */
function checkFilterCombination(r: FieldReader, rule: HTTPRouteRule, f: string): void {
  const count = new Map<string, number>();
  for (const filter of rule.filters) {
    // Several mirrors may send copies to several backends.
    if (filter.type === 'RequestMirror') continue;
    const n = (count.get(filter.type) ?? 0) + 1;
    count.set(filter.type, n);
    if (n === 2) r.problem(filter.field, `${filter.type} may appear at most once per rule`);
  }
  const redirect = rule.filters.find((x) => x.type === 'RequestRedirect');
  const rewrite = rule.filters.find((x) => x.type === 'URLRewrite');
  if (redirect && rewrite) r.problem(`${f}.filters`, 'RequestRedirect and URLRewrite cannot be used together');
  if (redirect && rule.backendRefs.length > 0) r.problem(`${f}.filters`, 'RequestRedirect cannot be used with backendRefs');
  const prefixModifier =
    (redirect?.type === 'RequestRedirect' && redirect.redirect.path?.type === 'ReplacePrefixMatch') ||
    (rewrite?.type === 'URLRewrite' && rewrite.rewrite.path?.type === 'ReplacePrefixMatch');
  if (prefixModifier && (rule.matches.length !== 1 || rule.matches[0]?.path.type !== 'PathPrefix')) {
    r.problem(`${f}.filters`, 'ReplacePrefixMatch needs exactly one match, with a PathPrefix path');
  }
}
