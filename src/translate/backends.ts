// backendRefs → the Service ports they name, or the reason they cannot be used. Only core Services
// are backends; a reference into another namespace needs a ReferenceGrant. Resolution does not
// depend on the Gateway, so it runs once per route rule.
import type { BackendRef, RequestMirror } from '../k8s/gateway-api/route-common.ts';
import type { HeaderMutationIR } from '../ir/ir.ts';
import { headerMutation } from './header-mutation.ts';
import type { Service, ServicePort } from '../k8s/service.ts';
import { GATEWAY_API_GROUP } from '../k8s/gateway-api/gateway.ts';
import { Reason } from '../status/conditions.ts';
import type { EndpointIndex } from './endpoints.ts';
import type { ReferenceGrantIndex } from './reference-grants.ts';

export interface ResolvedBackend {
  namespace: string;
  name: string;
  port: number;
  weight: number;
  service: Service;
  servicePort: ServicePort;
  /** backendRefs[].filters: header edits only for this backend. */
  requestHeaders?: HeaderMutationIR;
  responseHeaders?: HeaderMutationIR;
  /** The backendRef's field, for messages. */
  field: string;
}

export interface BackendProblem {
  reason: typeof Reason.BackendNotFound | typeof Reason.RefNotPermitted | typeof Reason.InvalidKind | typeof Reason.UnsupportedProtocol;
  /** Names the field, e.g. `spec.rules[0].backendRefs[1]: Service default/api not found`. */
  message: string;
}

export interface BackendResolution {
  valid: ResolvedBackend[];
  problems: BackendProblem[];
  /** Informational (the references resolved, but something about them is worth telling). */
  notes: string[];
}

export interface BackendContext {
  routeKind: 'HTTPRoute' | 'GRPCRoute';
  routeNamespace: string;
  endpoints: EndpointIndex;
  grants: ReferenceGrantIndex;
}

export function resolveBackends(refs: readonly BackendRef[], ctx: BackendContext): BackendResolution {
  const out: BackendResolution = { valid: [], problems: [], notes: [] };
  let from: { group: string; kind: string; namespace: string } | undefined;
  for (const ref of refs) {
    const what = `${ref.namespace}/${ref.name}`;
    if (ref.group !== '' || ref.kind !== 'Service') {
      out.problems.push({ reason: Reason.InvalidKind, message: `${ref.field}: kind ${ref.group ? `${ref.group}/` : ''}${ref.kind} is not supported; backends must be core Services` });
      continue;
    }
    // Same namespace needs no grant (and no objects made to ask).
    if (ref.namespace !== ctx.routeNamespace && !ctx.grants.permits((from ??= { group: GATEWAY_API_GROUP, kind: ctx.routeKind, namespace: ctx.routeNamespace }), { group: '', kind: 'Service', namespace: ref.namespace, name: ref.name })) {
      out.problems.push({ reason: Reason.RefNotPermitted, message: `${ref.field}: Service ${what} is in another namespace and no ReferenceGrant in ${ref.namespace} allows ${ctx.routeKind}s from ${ctx.routeNamespace}` });
      continue;
    }
    if (ref.port === undefined) {
      out.problems.push({ reason: Reason.BackendNotFound, message: `${ref.field}.port: is required for a Service backend` });
      continue;
    }
    const service = ctx.endpoints.services.get(what);
    if (!service) {
      out.problems.push({ reason: Reason.BackendNotFound, message: `${ref.field}: Service ${what} not found` });
      continue;
    }
    if (service.type === 'ExternalName') {
      out.problems.push({ reason: Reason.BackendNotFound, message: `${ref.field}: Service ${what} is of type ExternalName, which is not supported` });
      continue;
    }
    const servicePort = service.ports.find((p) => p.port === ref.port);
    if (!servicePort) {
      const ports = service.ports.map((p) => p.port).join(', ') || 'none';
      out.problems.push({ reason: Reason.BackendNotFound, message: `${ref.field}.port: Service ${what} has no port ${ref.port} (ports: ${ports})` });
      continue;
    }
    if (servicePort.protocol !== 'TCP') {
      out.problems.push({ reason: Reason.UnsupportedProtocol, message: `${ref.field}.port: port ${ref.port} of Service ${what} is ${servicePort.protocol}; only TCP is supported` });
      continue;
    }
    const slices = ctx.endpoints.slices.get(what);
    // FQDN slices are expected to be resolved to IP slices at the edge before translation; say so
    // only when nothing usable came of it.
    if (slices !== undefined && slices.length > 0 && slices.every((s) => s.addressType === 'FQDN')) {
      out.notes.push(`${ref.field}: Service ${what} has only FQDN EndpointSlices, which are not resolved here; it has no endpoints`);
    }
    const valid: ResolvedBackend = { namespace: ref.namespace, name: ref.name, port: ref.port, weight: ref.weight, service, servicePort, field: ref.field };
    for (const f of ref.filters) {
      if (f.type === 'RequestHeaderModifier') valid.requestHeaders = headerMutation(f.modifier);
      else valid.responseHeaders = headerMutation(f.modifier);
    }
    out.valid.push(valid);
  }
  return out;
}

/**
 * A RequestMirror's backend, resolved like any backendRef: a reference that cannot be used is
 * reported in ResolvedRefs and the mirror is left out (the rule still serves its own backends).
 */
export function addMirror(rule: { backends: BackendResolution; mirrors: { backend: ResolvedBackend; fraction?: { numerator: number; denominator: number } }[] }, mirror: RequestMirror, ctx: BackendContext): void {
  const resolved = resolveBackends([mirror.backendRef], ctx);
  rule.backends.problems.push(...resolved.problems);
  rule.backends.notes.push(...resolved.notes);
  const backend = resolved.valid[0];
  if (!backend) return;
  rule.mirrors.push(mirror.fraction ? { backend, fraction: { ...mirror.fraction } } : { backend });
}
