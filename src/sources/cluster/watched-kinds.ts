// Every kind the cluster source lists and watches, in one table: adding a kind is one line here.
// The RBAC test derives the ClusterRole the manifests must grant from this table too.

export interface WatchedKind {
  kind: string;
  /** API group; "" for the core group. */
  group: string;
  version: string;
  /** Lower-case plural used in URLs and RBAC. */
  plural: string;
  namespaced: boolean;
  /**
   * How Tether writes this kind's status when translation marks it writable: `conditions`
   * (GatewayClass), `gateway`, `route` (status.parents) or `policy` (status.ancestors).
   * Absent: Tether never writes it.
   */
  status?: 'conditions' | 'gateway' | 'route' | 'policy';
  /** Server-side filter on list and watch (a field selector), so Tether holds only what it reads. */
  fieldSelector?: string;
  /** Server-side filter on list and watch by labels (the provisioner watches only its own objects). */
  labelSelector?: string;
}

export const WATCHED_KINDS: readonly WatchedKind[] = [
  // Gateway API
  { kind: 'GatewayClass', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', namespaced: false, status: 'conditions' },
  { kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', namespaced: true, status: 'gateway' },
  { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespaced: true, status: 'route' },
  { kind: 'GRPCRoute', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'grpcroutes', namespaced: true, status: 'route' },
  { kind: 'ReferenceGrant', group: 'gateway.networking.k8s.io', version: 'v1beta1', plural: 'referencegrants', namespaced: true },
  { kind: 'BackendLBPolicy', group: 'gateway.networking.k8s.io', version: 'v1alpha2', plural: 'backendlbpolicies', namespaced: true, status: 'policy' },
  { kind: 'XBackendTrafficPolicy', group: 'gateway.networking.x-k8s.io', version: 'v1alpha1', plural: 'xbackendtrafficpolicies', namespaced: true, status: 'policy' },
  // Core
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  // Certificates of HTTPS listeners: only kubernetes.io/tls Secrets are listed and watched.
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, fieldSelector: 'type=kubernetes.io/tls' },
  // CA bundles of client certificate validation (Gateway spec.tls.frontend caCertificateRefs): only
  // `ca.crt` is read. Neither a field nor a label selector can tell these ConfigMaps apart, so all
  // are watched (docs/kubernetes.md#configmaps).
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true },
  // Tether's own policy
  { kind: 'SessionPolicy', group: 'tether.dev', version: 'v1alpha1', plural: 'sessionpolicies', namespaced: true, status: 'policy' },
  // Parameters of Envoy fleets (GatewayClass and Gateway parametersRef); no status.
  { kind: 'FleetParameters', group: 'tether.dev', version: 'v1alpha1', plural: 'fleetparameters', namespaced: true },
  // Sticky-session policies other gateways define (read only: their own controllers own status)
  { kind: 'SessionStickyPolicy', group: 'gateway.flomesh.io', version: 'v1alpha1', plural: 'sessionstickypolicies', namespaced: true },
  { kind: 'KongUpstreamPolicy', group: 'configuration.konghq.com', version: 'v1beta1', plural: 'kongupstreampolicies', namespaced: true },
  { kind: 'HttpListenerOption', group: 'gateway.solo.io', version: 'v1', plural: 'httplisteneroptions', namespaced: true },
  { kind: 'RouteOption', group: 'gateway.solo.io', version: 'v1', plural: 'routeoptions', namespaced: true },
  { kind: 'DestinationRule', group: 'networking.istio.io', version: 'v1', plural: 'destinationrules', namespaced: true },
  { kind: 'BackendConfigPolicy', group: 'gateway.kgateway.dev', version: 'v1alpha1', plural: 'backendconfigpolicies', namespaced: true },
];

export function apiVersionOf(k: WatchedKind): string {
  return k.group === '' ? k.version : `${k.group}/${k.version}`;
}

/** The collection URL: cluster-wide, or inside one namespace for namespaced kinds. */
export function collectionPath(k: WatchedKind, namespace?: string): string {
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return k.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}`
    : `${base}/${k.plural}`;
}

/** `kind` + `group` → its table row (kinds are unique per group). */
export function findWatchedKind(group: string, kind: string, kinds: readonly WatchedKind[] = WATCHED_KINDS): WatchedKind | undefined {
  return kinds.find((k) => k.kind === kind && k.group === group);
}
