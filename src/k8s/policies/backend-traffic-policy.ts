// Gateway API backend policies that carry sessionPersistence: BackendLBPolicy
// (gateway.networking.k8s.io/v1alpha2, Gateway API v1.1–v1.2) and its successor XBackendTrafficPolicy
// (gateway.networking.x-k8s.io/v1alpha1, v1.3+). Same shape for what we read: spec.targetRefs
// (LocalPolicyTargetReference: Services in the policy's namespace) and spec.sessionPersistence.
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { parseSessionPersistence, type SessionPersistenceSpec } from '../gateway-api/session-persistence.ts';

export interface BackendTrafficPolicySpec {
  /** Services (same namespace) the policy targets. */
  services: string[];
  sessionPersistence?: SessionPersistenceSpec;
  problems: FieldProblem[];
}

export function isBackendTrafficPolicy(o: KubeObject): boolean {
  const g = apiGroup(o.apiVersion);
  return (g === 'gateway.networking.k8s.io' && o.kind === 'BackendLBPolicy') || (g === 'gateway.networking.x-k8s.io' && o.kind === 'XBackendTrafficPolicy');
}

export function parseBackendTrafficPolicy(o: KubeObject): BackendTrafficPolicySpec {
  const problems: FieldProblem[] = [];
  const services: string[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['targetRefs', 'sessionPersistence', 'retryConstraint']);
  if (r.has('retryConstraint')) r.unsupported('retryConstraint', 'retry budgets are not translated by Tether');
  const refs = r.list('targetRefs');
  if (refs.length === 0) r.invalid('targetRefs', 'must name 1 to 16 targets');
  if (refs.length > 16) r.invalid('targetRefs', `must name at most 16 targets, got ${refs.length}`);
  for (const t of refs) {
    const group = t.string('group') ?? '';
    const kind = t.string('kind');
    const name = t.string('name');
    if (!name) t.invalid('name', 'is required');
    if (kind !== 'Service' || group !== '') {
      // ServiceImport (multi-cluster) and other kinds are not backends Tether routes to.
      t.unsupported('kind', `only Services (group "", kind Service) can be targeted, got ${group ? `${group}/` : ''}${kind ?? '(none)'}`);
      continue;
    }
    if (name) services.push(name);
  }
  if (services.length === 0 && refs.length > 0) r.invalid('targetRefs', 'names no Service; Tether applies these policies to Services only');
  const out: BackendTrafficPolicySpec = { services, problems };
  if (!r.has('sessionPersistence')) return out;
  const sp = parseSessionPersistence(spec['sessionPersistence'], 'spec.sessionPersistence');
  problems.push(...sp.problems);
  if (sp.spec) out.sessionPersistence = sp.spec;
  return out;
}
