// The parts HTTPRoute and GRPCRoute share: parentRefs, hostnames, backendRefs, header matches,
// header modifier filters and timeouts, each parsed with the CRD defaults applied.
import { NON_EMPTY, REQUIRED_NON_EMPTY, type FieldReader } from '../field-reader.ts';
import { checkHostname } from './hostname.ts';
import { checkRe2Syntax } from '../re2-syntax.ts';
import { GATEWAY_API_GROUP } from './gateway.ts';
import { parseGatewayDuration } from '../duration.ts';

/** A parentRef exactly as written (only the fields present), echoed in status.parents[].parentRef. */
export interface WrittenParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface ParentReference {
  group: string;
  kind: string;
  /** Defaults to the route's namespace. */
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
  /** The reference exactly as written, echoed in status.parents[].parentRef. */
  written: WrittenParentRef;
}

export interface BackendRef {
  /** "" for the core group (Service). */
  group: string;
  kind: string;
  name: string;
  /** Defaults to the route's namespace. */
  namespace: string;
  port?: number;
  /** 0..1,000,000, default 1. */
  weight: number;
  /** `spec.rules[i].backendRefs[j]`, for messages. */
  field: string;
  /** backendRefs[].filters: header changes applied only to requests sent to this backend. */
  filters: HeaderModifierFilter[];
}

/** RequestMirror: a copy of each request (or of a share of them) goes to another backend. */
export interface RequestMirror {
  backendRef: BackendRef;
  /** The share of requests mirrored; absent: every request. */
  fraction?: { numerator: number; denominator: number };
}

export type RequestMirrorFilter = { type: 'RequestMirror'; mirror: RequestMirror; field: string };

export interface HeaderMatch {
  type: 'Exact' | 'RegularExpression';
  /** As written; header names are case-insensitive. */
  name: string;
  value: string;
}

export interface HeaderModifier {
  set: { name: string; value: string }[];
  add: { name: string; value: string }[];
  remove: string[];
}

/** The header modifier filters both route kinds share. */
export type HeaderModifierFilter =
  | { type: 'RequestHeaderModifier'; modifier: HeaderModifier; field: string }
  | { type: 'ResponseHeaderModifier'; modifier: HeaderModifier; field: string };

/** Shared by HTTPRoute and GRPCRoute: what attaching a route to a Gateway needs. */
export interface RouteCommon {
  parentRefs: ParentReference[];
  hostnames: string[];
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

export function parseParentRefs(r: FieldReader, value: unknown, routeNamespace: string): ParentReference[] {
  return r.list(value, 'spec.parentRefs', (p, f) => {
    const o = r.object(p, f);
    if (!o) return undefined;
    const name = r.string(o.name, `${f}.name`, REQUIRED_NON_EMPTY);
    if (name === undefined) return undefined;
    const written: WrittenParentRef = { name };
    const group = r.string(o.group, `${f}.group`);
    const kind = r.string(o.kind, `${f}.kind`);
    const namespace = r.string(o.namespace, `${f}.namespace`);
    const sectionName = r.string(o.sectionName, `${f}.sectionName`, NON_EMPTY);
    const port = r.int(o.port, `${f}.port`, 1, 65535);
    if (group !== undefined) written.group = group;
    if (kind !== undefined) written.kind = kind;
    if (namespace !== undefined) written.namespace = namespace;
    if (sectionName !== undefined) written.sectionName = sectionName;
    if (port !== undefined) written.port = port;
    const ref: ParentReference = { group: group ?? GATEWAY_API_GROUP, kind: kind ?? 'Gateway', namespace: namespace ?? routeNamespace, name, written };
    if (sectionName !== undefined) ref.sectionName = sectionName;
    if (port !== undefined) ref.port = port;
    return ref;
  });
}

export function parseHostnames(r: FieldReader, value: unknown): string[] {
  return r.list(value, 'spec.hostnames', (h, f) => {
    const s = r.string(h, f);
    if (s === undefined) return undefined;
    const bad = checkHostname(s);
    if (bad) {
      r.problem(f, bad);
      return undefined;
    }
    return s;
  });
}

export function parseBackendRefs(r: FieldReader, value: unknown, field: string, routeNamespace: string): BackendRef[] {
  return r.list(value, field, (b, f) => {
    const o = r.object(b, f);
    if (!o) return undefined;
    const ref = parseBackendObjectRef(r, o, f, routeNamespace);
    if (!ref) return undefined;
    ref.weight = r.int(o.weight, `${f}.weight`, 0, 1_000_000) ?? 1;
    ref.filters = parseBackendFilters(r, o.filters, `${f}.filters`);
    return ref;
  });
}

/** A BackendObjectReference (group, kind, name, namespace, port); weight 1, no filters. */
function parseBackendObjectRef(r: FieldReader, o: Record<string, unknown>, f: string, routeNamespace: string): BackendRef | undefined {
  const name = r.string(o.name, `${f}.name`, REQUIRED_NON_EMPTY);
  const group = r.string(o.group, `${f}.group`) ?? '';
  const kind = r.string(o.kind, `${f}.kind`) ?? 'Service';
  const namespace = r.string(o.namespace, `${f}.namespace`) ?? routeNamespace;
  const port = r.int(o.port, `${f}.port`, 1, 65535);
  if (name === undefined) return undefined;
  const ref: BackendRef = { group, kind, name, namespace, weight: 1, field: f, filters: [] };
  if (port !== undefined) ref.port = port;
  return ref;
}

const BACKEND_FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier'] as const;

/**
 * backendRefs[].filters: header changes only. Envoy applies those per weighted cluster; a mirror,
 * redirect or rewrite per backend has no per-cluster form in Envoy, so the rule is not served.
 */
function parseBackendFilters(r: FieldReader, value: unknown, field: string): HeaderModifierFilter[] {
  const out = r.array(value, field).flatMap((fv, k): HeaderModifierFilter[] => {
    const f = `${field}[${k}]`;
    const o = r.object(fv, f);
    if (!o) return [];
    const type = r.string(o.type, `${f}.type`, { required: true, minLength: 1 });
    if (type === 'RequestHeaderModifier') return [{ type, modifier: parseHeaderModifier(r, o.requestHeaderModifier, `${f}.requestHeaderModifier`), field: f }];
    if (type === 'ResponseHeaderModifier') return [{ type, modifier: parseHeaderModifier(r, o.responseHeaderModifier, `${f}.responseHeaderModifier`), field: f }];
    if (type !== undefined) r.problem(`${f}.type`, `filter type ${JSON.stringify(type)} is not supported on a backendRef (supported there: ${BACKEND_FILTER_TYPES.join(', ')})`);
    return [];
  });
  for (const t of BACKEND_FILTER_TYPES) {
    const same = out.filter((x) => x.type === t);
    if (same.length > 1) r.problem(same[1]?.field ?? field, `${t} may appear at most once per backendRef`);
  }
  return out;
}

/** HTTPRequestMirrorFilter: `percent` (0..100) or `fraction` (numerator ≤ denominator), not both. */
export function parseRequestMirror(r: FieldReader, value: unknown, f: string, routeNamespace: string): RequestMirror | undefined {
  const o = r.object(value, f);
  if (!o) {
    r.problem(f, 'is required for this filter type');
    return undefined;
  }
  const b = r.object(o.backendRef, `${f}.backendRef`);
  if (!b) {
    r.problem(`${f}.backendRef`, 'is required');
    return undefined;
  }
  const backendRef = parseBackendObjectRef(r, b, `${f}.backendRef`, routeNamespace);
  if (!backendRef) return undefined;
  const mirror: RequestMirror = { backendRef };
  const percent = r.int(o.percent, `${f}.percent`, 0, 100);
  const fo = r.object(o.fraction, `${f}.fraction`);
  if (percent !== undefined && fo) {
    r.problem(f, 'only one of percent or fraction may be set');
    return undefined;
  }
  if (percent !== undefined) mirror.fraction = { numerator: percent, denominator: 100 };
  if (fo) {
    const numerator = r.int(fo.numerator, `${f}.fraction.numerator`, 0, 2_147_483_647, { required: true });
    const denominator = r.int(fo.denominator, `${f}.fraction.denominator`, 1, 2_147_483_647) ?? 100;
    if (numerator === undefined) return undefined;
    if (numerator > denominator) {
      r.problem(`${f}.fraction`, 'numerator must be less than or equal to denominator');
      return undefined;
    }
    mirror.fraction = { numerator, denominator };
  }
  // Every request: the same as no fraction.
  if (mirror.fraction && mirror.fraction.numerator === mirror.fraction.denominator) delete mirror.fraction;
  return mirror;
}

export function parseHeaderMatches(r: FieldReader, value: unknown, field: string): HeaderMatch[] {
  const seen = new Set<string>();
  return r.list(value, field, (h, f): HeaderMatch | undefined => {
    const o = r.object(h, f);
    if (!o) return undefined;
    const type = r.oneOf(o.type, `${f}.type`, ['Exact', 'RegularExpression'] as const, 'Exact');
    const name = r.string(o.name, `${f}.name`, { required: true, minLength: 1, maxLength: 256 });
    const v = r.string(o.value, `${f}.value`, { required: true, minLength: 1, maxLength: 4096 });
    if (type === undefined || name === undefined || v === undefined) return undefined;
    if (!HEADER_NAME.test(name)) {
      r.problem(`${f}.name`, `invalid header name ${JSON.stringify(name)}`);
      return undefined;
    }
    if (type === 'RegularExpression') {
      const bad = checkRe2Syntax(v);
      if (bad) {
        r.problem(`${f}.value`, `invalid regular expression: ${bad}`);
        return undefined;
      }
    }
    // Gateway API: when a header name repeats, the first entry wins (names are case-insensitive).
    const key = name.toLowerCase();
    if (seen.has(key)) return undefined;
    seen.add(key);
    return { type, name, value: v };
  });
}

export function parseHeaderModifier(r: FieldReader, value: unknown, field: string): HeaderModifier {
  const o = r.object(value, field);
  if (!o) {
    r.problem(field, 'is required for this filter type');
    return { set: [], add: [], remove: [] };
  }
  const pairs = (v: unknown, f: string) =>
    r.array(v, f).flatMap((h, k) => {
      const ho = r.object(h, `${f}[${k}]`);
      if (!ho) return [];
      const name = r.string(ho.name, `${f}[${k}].name`, { required: true, minLength: 1, maxLength: 256 });
      const hv = r.string(ho.value, `${f}[${k}].value`, { required: true, maxLength: 4096 });
      if (name === undefined || hv === undefined) return [];
      if (!HEADER_NAME.test(name)) {
        r.problem(`${f}[${k}].name`, `invalid header name ${JSON.stringify(name)}`);
        return [];
      }
      return [{ name, value: hv }];
    });
  const remove = r.array(o.remove, `${field}.remove`).flatMap((h, k) => {
    const s = r.string(h, `${field}.remove[${k}]`, { minLength: 1 });
    return s === undefined ? [] : [s];
  });
  return { set: pairs(o.set, `${field}.set`), add: pairs(o.add, `${field}.add`), remove };
}

/** rules[].timeouts: seconds, 0 = disabled. */
export interface RouteTimeouts {
  request?: number;
  backendRequest?: number;
}

export function parseTimeouts(r: FieldReader, value: unknown, field: string): RouteTimeouts | undefined {
  const o = r.object(value, field);
  if (!o) return undefined;
  const out: RouteTimeouts = {};
  for (const key of ['request', 'backendRequest'] as const) {
    const s = r.string(o[key], `${field}.${key}`);
    if (s === undefined) continue;
    const seconds = parseGatewayDuration(s);
    if (seconds === undefined) r.problem(`${field}.${key}`, `invalid duration ${JSON.stringify(s)}: use 1 to 4 parts of <number><h|m|s|ms>, e.g. "10s" or "1m30s"`);
    else out[key] = seconds;
  }
  if (out.request !== undefined && out.backendRequest !== undefined && out.request !== 0 && (out.backendRequest === 0 || out.backendRequest > out.request)) {
    r.problem(`${field}.backendRequest`, 'must not be greater than timeouts.request');
  }
  return out;
}
