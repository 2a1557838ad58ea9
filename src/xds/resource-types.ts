// The four resource types Tether serves, their push order, and the shape of a snapshot's input.
// src/xds sees encoded resources only: each entry is a resource message's bytes, not an Any.

/** Type URLs of the resources served over ADS. */
export const TypeUrl = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;

export type ResourceTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/** Make-before-break order on one stream: clusters, their endpoints, listeners, routes. */
export const PUSH_ORDER: readonly ResourceTypeUrl[] = [TypeUrl.cluster, TypeUrl.endpoint, TypeUrl.listener, TypeUrl.route];

/** LDS and CDS responses carry the full state in SotW; EDS and RDS carry only what changed. */
export const isFullStateType = (typeUrl: string): boolean => typeUrl === TypeUrl.listener || typeUrl === TypeUrl.cluster;

export const isResourceTypeUrl = (typeUrl: string): typeUrl is ResourceTypeUrl =>
  (PUSH_ORDER as readonly string[]).includes(typeUrl);

/** Short name used in logs, metrics and the admin API. */
export function typeShortName(typeUrl: string): string {
  switch (typeUrl) {
    case TypeUrl.listener: return 'LDS';
    case TypeUrl.route: return 'RDS';
    case TypeUrl.cluster: return 'CDS';
    case TypeUrl.endpoint: return 'EDS';
    default: return typeUrl;
  }
}

/**
 * Which resource form a client gets. Envoy reads listeners with filter chains; proxyless gRPC
 * clients need api_listener listeners and no Envoy-only filters.
 */
export type ClientVariant = 'envoy' | 'grpc';

/** One encoded resource: its name and the bytes of the resource message itself. */
export interface EncodedInput {
  name: string;
  bytes: Uint8Array;
}

/** A Gateway's resources for one client variant, keyed by type URL. Missing types are empty. */
export type ResourcesByType = Partial<Record<ResourceTypeUrl, readonly EncodedInput[]>>;

/** The SotW or incremental (delta) variant of the protocol. */
export type XdsProtocol = 'sotw' | 'delta';
