// The kinds a fleet is made of, with what the API needs to reach them: one table for the
// controller's requests and watches, and for the RBAC test that checks k8s/rbac.yaml grants
// exactly these.
export interface FleetKind {
  kind: string;
  group: string;
  version: string;
  plural: string;
}

export const FLEET_KINDS: readonly FleetKind[] = [
  { kind: 'ServiceAccount', group: '', version: 'v1', plural: 'serviceaccounts' },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps' },
  { kind: 'Service', group: '', version: 'v1', plural: 'services' },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments' },
  { kind: 'PodDisruptionBudget', group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers' },
];

export function fleetKindOf(apiVersion: string, kind: string): FleetKind {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const k = FLEET_KINDS.find((f) => f.kind === kind && f.group === group);
  if (!k) throw new Error(`not a fleet kind: ${apiVersion} ${kind}`);
  return k;
}

export function objectPath(k: FleetKind, namespace: string, name?: string): string {
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
