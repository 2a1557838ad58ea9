// GRPCRoute (gateway.networking.k8s.io/v1) with the CRD defaults applied. Like HTTPRoute, a rule's
// own problems stay with the rule.
import type { KubeObject } from '../kube-object.ts';
import { FieldReader, type FieldProblem } from '../field-reader.ts';
import { parseMeta, type ParsedMeta } from '../object-meta.ts';
import { checkRe2Syntax } from '../re2-syntax.ts';
import { parseOptionalSessionPersistence, type ParsedSessionPersistence } from './session-persistence.ts';
import {
  parseRequestMirror,
  parseBackendRefs,
  parseHeaderMatches,
  parseHeaderModifier,
  parseHostnames,
  parseParentRefs,
  type BackendRef,
  type HeaderMatch,
  type RouteCommon,
  type HeaderModifierFilter,
  type RequestMirrorFilter,
} from './route-common.ts';

export interface GRPCMethodMatch {
  type: 'Exact' | 'RegularExpression';
  /** Fully qualified service, e.g. `helloworld.Greeter`; absent matches every service. */
  service?: string;
  /** Method name, e.g. `SayHello`; absent matches every method. */
  method?: string;
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch;
  headers: HeaderMatch[];
}

export type GRPCRouteFilter = HeaderModifierFilter | RequestMirrorFilter;

export interface GRPCRouteRule {
  index: number;
  name?: string;
  field: string;
  /** Never empty: defaults to one match of every gRPC request. */
  matches: GRPCRouteMatch[];
  filters: GRPCRouteFilter[];
  backendRefs: BackendRef[];
  /** Parsed in any of its Gateway API shapes, problems kept; the sticky resolver decides what they mean. */
  sessionPersistence?: ParsedSessionPersistence;
  problems: FieldProblem[];
  /** Fields Tether does not implement whose absence is harmless: reported, rule kept. */
  ignored: FieldProblem[];
}

export interface GRPCRoute extends RouteCommon {
  kind: 'GRPCRoute';
  meta: ParsedMeta;
  rules: GRPCRouteRule[];
  problems: FieldProblem[];
}

const SERVICE = /^\.?[a-zA-Z_][a-zA-Z_0-9]*(\.[a-zA-Z_][a-zA-Z_0-9]*)*$/;
const METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

export function parseGRPCRoute(o: KubeObject): GRPCRoute {
  const meta = parseMeta(o, true);
  const r = new FieldReader();
  const spec = r.object(o.spec, 'spec') ?? {};
  const parentRefs = parseParentRefs(r, spec.parentRefs, meta.namespace);
  const hostnames = parseHostnames(r, spec.hostnames);
  const written = r.array(spec.rules, 'spec.rules');
  const rules =
    written.length === 0
      ? [{ index: 0, field: 'spec.rules[0]', matches: [{ headers: [] }], filters: [], backendRefs: [], problems: [], ignored: [] }]
      : written.map((rule, i) => parseRule(rule, i, meta.namespace));
  return { kind: 'GRPCRoute', meta, parentRefs, hostnames, rules, problems: r.problems };
}

function parseRule(value: unknown, index: number, namespace: string): GRPCRouteRule {
  const r = new FieldReader();
  const f = `spec.rules[${index}]`;
  const o = r.object(value, f) ?? {};
  const writtenMatches = r.array(o.matches, `${f}.matches`);
  const matches = writtenMatches.length === 0 ? [{ headers: [] }] : writtenMatches.map((m, j) => parseMatch(r, m, `${f}.matches[${j}]`));
  const filters = r.array(o.filters, `${f}.filters`).flatMap((fv, k): GRPCRouteFilter[] => {
    const ff = `${f}.filters[${k}]`;
    const fo = r.object(fv, ff);
    if (!fo) return [];
    const type = r.string(fo.type, `${ff}.type`, { required: true, minLength: 1 });
    if (type === 'RequestHeaderModifier') return [{ type, modifier: parseHeaderModifier(r, fo.requestHeaderModifier, `${ff}.requestHeaderModifier`), field: ff }];
    if (type === 'ResponseHeaderModifier') return [{ type, modifier: parseHeaderModifier(r, fo.responseHeaderModifier, `${ff}.responseHeaderModifier`), field: ff }];
    if (type === 'RequestMirror') {
      const mirror = parseRequestMirror(r, fo.requestMirror, `${ff}.requestMirror`, namespace);
      return mirror ? [{ type, mirror, field: ff }] : [];
    }
    if (type !== undefined) r.problem(`${ff}.type`, `filter type ${JSON.stringify(type)} is not supported (supported: RequestHeaderModifier, ResponseHeaderModifier, RequestMirror)`);
    return [];
  });
  for (const t of ['RequestHeaderModifier', 'ResponseHeaderModifier']) {
    const same = filters.filter((x) => x.type === t);
    if (same.length > 1) r.problem(same[1]?.field ?? `${f}.filters`, `${t} may appear at most once per rule`);
  }
  const rule: GRPCRouteRule = { index, field: f, matches, filters, backendRefs: parseBackendRefs(r, o.backendRefs, `${f}.backendRefs`, namespace), problems: r.problems, ignored: [] };
  if (o.retry !== undefined && o.retry !== null) rule.ignored.push({ severity: 'unsupported', field: `${f}.retry`, message: 'is not supported; requests are not retried' });
  const name = r.string(o.name, `${f}.name`, { minLength: 1, maxLength: 253 });
  if (name !== undefined) rule.name = name;
  const sessionPersistence = parseOptionalSessionPersistence(o.sessionPersistence, `${f}.sessionPersistence`);
  if (sessionPersistence) rule.sessionPersistence = sessionPersistence;
  return rule;
}

function parseMatch(r: FieldReader, value: unknown, f: string): GRPCRouteMatch {
  const o = r.object(value, f) ?? {};
  const match: GRPCRouteMatch = { headers: parseHeaderMatches(r, o.headers, `${f}.headers`) };
  const m = r.object(o.method, `${f}.method`);
  if (m) {
    const type = r.oneOf(m.type, `${f}.method.type`, ['Exact', 'RegularExpression'] as const, 'Exact');
    const service = r.string(m.service, `${f}.method.service`, { minLength: 1, maxLength: 1024 });
    const method = r.string(m.method, `${f}.method.method`, { minLength: 1, maxLength: 1024 });
    if (type === 'Exact') {
      if (service === undefined && method === undefined) r.problem(`${f}.method`, 'one or both of service and method must be set');
      if (service !== undefined && !SERVICE.test(service)) r.problem(`${f}.method.service`, `invalid gRPC service name ${JSON.stringify(service)}`);
      if (method !== undefined && !METHOD.test(method)) r.problem(`${f}.method.method`, `invalid gRPC method name ${JSON.stringify(method)}`);
    } else if (type === 'RegularExpression') {
      for (const [k, v] of [['service', service], ['method', method]] as const) {
        const bad = v === undefined ? undefined : checkRe2Syntax(v);
        if (bad) r.problem(`${f}.method.${k}`, `invalid regular expression: ${bad}`);
      }
    }
    if (type !== undefined) {
      match.method = { type };
      if (service !== undefined) match.method.service = service;
      if (method !== undefined) match.method.method = method;
    }
  }
  return match;
}
