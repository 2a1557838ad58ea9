// How `tether translate` prints: JSON, YAML, or a readable summary (one row per route, then the
// objects that need attention). Pure rendering; the command decides what to render.
import { stringify } from 'yaml';
import type { ClusterIR, CookieSessionIR, GatewayIR, HashKeyIR, IR, RouteIR, TlsChainIR, VirtualHostIR } from '../ir/ir.ts';
import type { Condition, ObjectStatus } from '../status/status.ts';
import { hasStickyRetry } from '../envoy/sticky-retry.ts';
import { cookiePathFlag } from '../translate/sticky/cookie-path-reach.ts';
import { certificateFlags } from '../translate/listener-tls.ts';

export type OutputFormat = 'json' | 'yaml' | 'summary';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'yaml', 'summary'];

export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function renderYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

// ---------------------------------------------------------------------------------------------
// Summary

export interface SummaryRow {
  gateway: string;
  route: string;
  rule: string;
  match: string;
  session: string;
  lifetime: string;
  fallback: string;
  strict: string;
  draining: string;
  retry: string;
  warnings: string;
  clusters: string;
}

const COLUMNS: [keyof SummaryRow, string][] = [
  ['gateway', 'GATEWAY'],
  ['route', 'ROUTE'],
  ['rule', 'RULE'],
  ['match', 'MATCH'],
  ['session', 'SESSION'],
  ['lifetime', 'LIFETIME'],
  ['fallback', 'FALLBACK'],
  ['strict', 'STRICT'],
  ['draining', 'DRAINING'],
  ['retry', 'RETRY'],
  ['warnings', 'WARNINGS'],
  ['clusters', 'CLUSTERS'],
];

/**
 * One row per route Envoy gets (a rule with several matches gives several rows). `now` (ISO 8601)
 * judges the certificates of HTTPS listeners, as translation did for the status.
 */
export function summaryRows(ir: IR, now?: string): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const gw of ir.gateways) {
    const clusters = new Map(gw.clusters.map((c) => [c.name, c]));
    const shared = sharedSessionNames(gw);
    for (const listener of gw.listeners) {
      if (!listener.tls) {
        for (const vh of listener.virtualHosts) for (const route of vh.routes) rows.push(summaryRow(gw, listener.port, vh, route, clusters, shared, []));
        continue;
      }
      // An HTTPS listener's routes live in its filter chains; hosts a chain refuses (421) are not routes.
      for (const chain of listener.tls.chains) {
        const flags = chainCertificateFlags(gw, chain, now);
        for (const vh of chain.virtualHosts.filter((v) => !v.misdirected)) {
          for (const route of vh.routes) rows.push(summaryRow(gw, listener.port, vh, route, clusters, shared, flags));
        }
      }
    }
  }
  return rows;
}

/** A chain's certificates that are served but wrong (expired, not yet valid, names missing its hostname). */
function chainCertificateFlags(gw: GatewayIR, chain: TlsChainIR, now: string | undefined): string[] {
  const out: string[] = [];
  for (const name of chain.secrets) {
    const secret = gw.secrets?.find((s) => s.name === name);
    if (!secret) continue;
    for (const flag of certificateFlags(secret.certificate, chain.serverNames[0], now)) out.push(`certificate ${secret.name} ${flag}`);
  }
  return out;
}

const sessionKey = (s: NonNullable<RouteIR['session']>): string => `${s.type}|${s.name}`;

/** Session names more than one rule of the Gateway uses (status says which rule keeps the name). */
function sharedSessionNames(gw: GatewayIR): Set<string> {
  const rules = new Map<string, Set<string>>();
  for (const l of gw.listeners) {
    for (const vh of l.virtualHosts) {
      for (const r of vh.routes) {
        if (!r.session) continue;
        const key = sessionKey(r.session);
        const set = rules.get(key) ?? new Set<string>();
        set.add(`${r.source.kind}/${r.source.namespace}/${r.source.name}/${r.source.ruleIndex}`);
        rules.set(key, set);
      }
    }
  }
  return new Set([...rules].filter(([, set]) => set.size > 1).map(([key]) => key));
}

function routeWarnings(route: RouteIR, shared: Set<string>, certificateProblems: readonly string[]): string {
  const out: string[] = [...certificateProblems];
  const session = route.session;
  if (session?.type === 'cookie') {
    const flag = cookiePathFlag(session.path, route.match.path);
    if (flag) out.push(flag);
  }
  if (session && shared.has(sessionKey(session))) out.push('session name shared');
  return out.length > 0 ? out.join('; ') : '-';
}

function summaryRow(gw: GatewayIR, port: number, vh: VirtualHostIR, route: RouteIR, clusters: Map<string, ClusterIR>, shared: Set<string>, certificateProblems: readonly string[]): SummaryRow {
  const src = route.source;
  const session = route.session;
  const forwarded = route.action.type === 'forward' ? route.action.clusters : [];
  const first = forwarded[0] ? clusters.get(forwarded[0].name) : undefined;
  return {
    gateway: `${gw.name}:${port}`,
    route: `${src.kind} ${src.namespace}/${src.name}`,
    rule: src.ruleName ?? String(src.ruleIndex) + (src.matchIndex > 0 ? `.${src.matchIndex}` : ''),
    match: describeMatch(vh, route),
    session: session ? `${session.type} ${session.name}${session.type === 'cookie' ? describeCookieAttributes(session) : ''}` : '-',
    lifetime: !session ? '-' : session.type === 'header' ? 'no expiry' : session.ttlSeconds !== undefined ? `ttl ${formatSeconds(session.ttlSeconds)}` : 'session',
    fallback: first ? describeBalancer(first, route.hashKeys) : '-',
    strict: session ? (session.strict ? 'yes' : 'no') : '-',
    draining: !first?.sticky ? '-' : first.keepSessionsOnDraining ? 'keep sessions' : 'move sessions',
    retry: hasStickyRetry(route) ? 'connect failure: other endpoint' : '-',
    warnings: routeWarnings(route, shared, certificateProblems),
    clusters: describeAction(route),
  };
}

/** The Set-Cookie attributes the cookie gets beyond Path and HttpOnly, e.g. ` (Secure, SameSite=Lax)`. */
function describeCookieAttributes(c: CookieSessionIR): string {
  const parts = c.attributes.map((a) => (a.value === '' ? a.name : `${a.name}=${a.value}`));
  if (c.sameSite !== undefined) parts.push(`SameSite=${c.sameSite}`);
  if (c.secure === true) parts.push('Secure');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function describeMatch(vh: VirtualHostIR, route: RouteIR): string {
  const m = route.match;
  const parts: string[] = [];
  if (vh.name !== '*') parts.push(`host ${vh.name}`);
  parts.push(`${m.path.type} ${m.path.value}`);
  if (m.method) parts.push(m.method);
  for (const h of m.headers) parts.push(`header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`);
  for (const q of m.queryParams) parts.push(`query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`);
  if (m.grpc) parts.push('gRPC');
  return parts.join(' ');
}

function describeBalancer(c: ClusterIR, hashKeys: HashKeyIR[] | undefined): string {
  const lb = c.loadBalancer;
  const keys = hashKeys?.length ? ` (${hashKeys.map(describeHashKey).join(', ')})` : '';
  switch (lb.type) {
    case 'ring-hash':
      return `ring hash${keys}`;
    case 'maglev':
      return `Maglev${keys}`;
    case 'round-robin':
      return 'round robin';
    case 'least-request':
      return 'least request';
    case 'random':
      return 'random';
  }
}

function describeHashKey(k: HashKeyIR): string {
  switch (k.type) {
    case 'source-ip':
      return 'client address';
    case 'header':
      return `header ${k.name}`;
    case 'cookie':
      return `cookie ${k.name}`;
    case 'query-parameter':
      return `query ${k.name}`;
  }
}

function describeAction(route: RouteIR): string {
  const a = route.action;
  switch (a.type) {
    case 'forward':
      return a.clusters.length === 1 ? (a.clusters[0]?.name ?? '') : a.clusters.map((c) => `${c.name} (weight ${c.weight})`).join(', ');
    case 'redirect':
      return `redirect ${a.statusCode}`;
    case 'direct-response':
      return `direct response ${a.status}`;
  }
}

/** `3600` → `1h`, `90` → `1m30s`. */
export function formatSeconds(total: number): string {
  if (total === 0) return '0s';
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.round((total % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** Rows of text as aligned columns. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Conditions that say something is wrong: any condition whose status is not the healthy one. */
function troubled(conditions: readonly Condition[]): Condition[] {
  // Most condition types are positive (Accepted, Programmed, ResolvedRefs): True is good. A few
  // are negative polarity (Conflicted, Degraded): True is bad.
  const negative = new Set(['Conflicted', 'Degraded', 'Deprecated']);
  return conditions.filter((c) => (negative.has(c.type) ? c.status !== 'False' : c.status !== 'True'));
}

function conditionsOf(s: ObjectStatus): { where: string; conditions: Condition[] }[] {
  const b = s.status;
  switch (b.type) {
    case 'conditions':
      return [{ where: '', conditions: b.conditions }];
    case 'gateway':
      return [{ where: '', conditions: b.conditions }, ...b.listeners.map((l) => ({ where: ` listener ${l.name}`, conditions: l.conditions }))];
    case 'route':
      return b.parents.map((p) => ({ where: ` on ${p.parentRef.namespace ? `${p.parentRef.namespace}/` : ''}${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ''}`, conditions: p.conditions }));
    case 'policy':
      return b.ancestors.map((a) => ({ where: ` for ${a.ancestorRef.kind ?? ''} ${a.ancestorRef.namespace ? `${a.ancestorRef.namespace}/` : ''}${a.ancestorRef.name}`, conditions: a.conditions }));
  }
}

/** The summary: the route table, then every object whose status needs attention. */
export function renderSummary(ir: IR, statuses: readonly ObjectStatus[], now?: string): string {
  const rows = summaryRows(ir, now);
  let out = rows.length
    ? renderTable(COLUMNS.map(([, h]) => h), rows.map((r) => COLUMNS.map(([k]) => r[k])))
    : 'No routes: no accepted Gateway has an attached route (see the status below).\n';
  const problems: string[] = [];
  const notes: string[] = [];
  for (const s of statuses) {
    const name = `${s.ref.kind} ${s.ref.namespace ? `${s.ref.namespace}/` : ''}${s.ref.name}`;
    for (const { where, conditions } of conditionsOf(s)) {
      const bad = troubled(conditions);
      for (const c of bad) problems.push(`  ${name}${where}: ${c.type}=${c.status} (${c.reason}) ${c.message}`.trimEnd());
      // Accepted with reservations: translation appends what it could not honour after "; ".
      for (const c of conditions) {
        const note = bad.includes(c) ? undefined : /^[^;]*; (.+)$/s.exec(c.message)?.[1];
        if (note) notes.push(`  ${name}${where}: ${note}`);
      }
    }
  }
  out += '\n';
  out += problems.length ? `Needs attention (${problems.length}):\n${problems.join('\n')}\n` : `Status: all ${statuses.length} objects accepted.\n`;
  if (notes.length) out += `Accepted with notes (${notes.length}):\n${notes.join('\n')}\n`;
  return out;
}
