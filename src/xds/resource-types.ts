// The five resource types Tether serves as the xDS layer names them, their push order, and the
// shape of a snapshot's input. The facts about each type live in codec/resource-kinds.ts.
// src/xds sees encoded resources only: each entry is a resource message's bytes, not an Any.
import { ResourceKind, resourceKindOf } from '../codec/resource-kinds.ts';

/** Type URLs of the resources served over ADS. */
export const TypeUrl = {
  listener: ResourceKind.listeners.typeUrl,
  route: ResourceKind.routes.typeUrl,
  cluster: ResourceKind.clusters.typeUrl,
  endpoint: ResourceKind.endpoints.typeUrl,
  secret: ResourceKind.secrets.typeUrl,
} as const;

export type ResourceTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/**
 * Make-before-break order on one stream: clusters, their endpoints, the certificates listeners
 * name, listeners, routes. A certificate rotation changes only its Secret, so it is an SDS push
 * alone and no listener drains.
 */
export const PUSH_ORDER: readonly ResourceTypeUrl[] = [TypeUrl.cluster, TypeUrl.endpoint, TypeUrl.secret, TypeUrl.listener, TypeUrl.route];

/** LDS and CDS responses carry the full state in SotW; EDS, RDS and SDS carry only what changed. */
export const isFullStateType = (typeUrl: string): boolean => typeUrl === TypeUrl.listener || typeUrl === TypeUrl.cluster;

/**
 * The served type URL constant equal to this one, if any. A type URL decoded from a request is a
 * new string each time; streams keep the constant, so every later lookup by it compares pointers.
 */
export const servedTypeUrl = (typeUrl: string): ResourceTypeUrl | undefined => PUSH_ORDER.find((t) => t === typeUrl);

/** Short name used in logs, metrics and the admin API. */
export function typeShortName(typeUrl: string): string {
  return resourceKindOf(typeUrl)?.shortName ?? typeUrl;
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
