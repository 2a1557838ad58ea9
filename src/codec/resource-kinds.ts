// The five kinds of resource Tether serves, one row each: the key of its list (as the builders
// return them and `tether translate` prints them), its message type and type URL, the field that
// names a resource, and the short name logs, metrics and the admin API use. The rebuild, the CLI,
// the xDS layer (xds/resource-types.ts), the strict validator and the tests all read this table.
// Pure: the builders' vocabulary, like message-type.ts.
import { MessageType, typeUrl } from './message-type.ts';

export const ResourceKind = {
  listeners: { key: 'listeners', messageType: MessageType.listener, typeUrl: typeUrl(MessageType.listener), nameField: 'name', shortName: 'LDS' },
  routes: { key: 'routes', messageType: MessageType.routeConfiguration, typeUrl: typeUrl(MessageType.routeConfiguration), nameField: 'name', shortName: 'RDS' },
  clusters: { key: 'clusters', messageType: MessageType.cluster, typeUrl: typeUrl(MessageType.cluster), nameField: 'name', shortName: 'CDS' },
  endpoints: { key: 'endpoints', messageType: MessageType.clusterLoadAssignment, typeUrl: typeUrl(MessageType.clusterLoadAssignment), nameField: 'cluster_name', shortName: 'EDS' },
  // TLS certificates of HTTPS listeners; a Gateway without HTTPS listeners has none.
  secrets: { key: 'secrets', messageType: MessageType.secret, typeUrl: typeUrl(MessageType.secret), nameField: 'name', shortName: 'SDS' },
} as const;

export type ResourceKey = keyof typeof ResourceKind;
export type ResourceKindInfo = (typeof ResourceKind)[ResourceKey];

/** Every kind, in the order `tether translate` prints them. */
export const RESOURCE_KINDS: readonly ResourceKindInfo[] = [ResourceKind.listeners, ResourceKind.routes, ResourceKind.clusters, ResourceKind.endpoints, ResourceKind.secrets];

/** Kinds every snapshot lists, even empty; the others (secrets) are left out when there are none. */
export type AlwaysListedKey = Exclude<ResourceKey, 'secrets'>;

/** The kind a type URL names, or undefined. */
export function resourceKindOf(typeUrl: string): ResourceKindInfo | undefined {
  return RESOURCE_KINDS.find((k) => k.typeUrl === typeUrl);
}

/** The name of one resource (its `name`, or `cluster_name` for a ClusterLoadAssignment); '' if absent. */
export function resourceNameOf(kind: ResourceKindInfo, json: { readonly [field: string]: unknown }): string {
  const name = json[kind.nameField];
  return typeof name === 'string' ? name : '';
}
