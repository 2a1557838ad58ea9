// Flomesh FSM SessionStickyPolicy (gateway.flomesh.io/v1alpha1, FSM v1.2–v1.3): a cookie per Service
// port. Per-port config wins field by field over spec.config, then FSM's defaults apply
// (cookieName `_srv_id`, expires 3600 s). FSM's webhook rules are checked here.
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { isToken } from '../http-token.ts';

export interface FsmSessionStickySpec {
  service?: { namespace: string; name: string };
  ports: { port: number; cookieName: string; expires: number; field: string }[];
  problems: FieldProblem[];
}

export function isFsmSessionStickyPolicy(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === 'gateway.flomesh.io' && o.kind === 'SessionStickyPolicy';
}

function readConfig(r: ObjectReader | undefined): { cookieName?: string; expires?: number } {
  if (!r) return {};
  r.unknownKeys(['cookieName', 'expires']);
  const cookieName = r.string('cookieName');
  if (cookieName !== undefined && !isToken(cookieName)) r.invalid('cookieName', `"${cookieName}" is not a valid cookie name`);
  const expires = r.int('expires', 1, 2147483647);
  return { ...(cookieName !== undefined ? { cookieName } : {}), ...(expires !== undefined ? { expires } : {}) };
}

export function parseFsmSessionStickyPolicy(o: KubeObject): FsmSessionStickySpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['targetRef', 'ports', 'config']);
  const out: FsmSessionStickySpec = { ports: [], problems };
  const namespace = o.metadata.namespace ?? 'default';
  const ref = r.child('targetRef');
  if (!ref) r.invalid('targetRef', 'is required');
  else {
    ref.unknownKeys(['group', 'kind', 'name', 'namespace']);
    const group = ref.string('group') ?? '';
    const kind = ref.string('kind');
    const name = ref.string('name');
    const ns = ref.string('namespace') ?? namespace;
    if (group !== '' || kind !== 'Service') ref.invalid('kind', `only Services (group "", kind Service) are supported, got ${group ? `${group}/` : ''}${kind ?? '(none)'}`);
    else if (!name) ref.invalid('name', 'is required');
    else if (ns !== namespace) ref.invalid('namespace', `a Service in another namespace (${ns}) needs a ReferenceGrant; Tether only applies same-namespace targets`);
    else out.service = { namespace, name };
  }
  const defaults = readConfig(r.child('config'));
  const ports = r.list('ports');
  if (ports.length === 0) r.invalid('ports', 'must list 1 to 16 ports');
  const seen = new Set<number>();
  for (const p of ports) {
    p.unknownKeys(['port', 'config']);
    const port = p.int('port', 1, 65535);
    if (port === undefined) {
      if (!p.has('port')) p.invalid('port', 'is required');
      continue;
    }
    if (seen.has(port)) p.invalid('port', `port ${port} is listed twice`);
    seen.add(port);
    if (!p.has('config') && !r.has('config')) p.invalid('config', 'is required when spec.config is not set');
    const own = readConfig(p.child('config'));
    out.ports.push({
      port,
      cookieName: own.cookieName ?? defaults.cookieName ?? '_srv_id',
      expires: own.expires ?? defaults.expires ?? 3600,
      field: p.path,
    });
  }
  return out;
}
