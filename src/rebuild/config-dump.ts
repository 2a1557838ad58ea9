// Envoy resources as Envoy decodes them, for people: `tether translate` prints them, and the admin
// API's /debug/config_dump shows one Gateway's in exactly the same shape. Each resource is encoded
// to protobuf and decoded again, so what is shown is what Envoy receives (proto3 JSON with its
// `@type`, defaults left out).
import type { GatewayIR } from '../ir/ir.ts';
import type { ObjectStatus } from '../status/status.ts';
import { statusEntry, type StatusEntry } from '../status/status-entry.ts';
import { buildEnvoyResources } from '../envoy/build-envoy-resources.ts';
import type { JsonObject } from '../codec/json.ts';
import { protoRegistry } from '../codec/proto-registry.ts';
import { RESOURCE_KINDS, type AlwaysListedKey, type ResourceKey } from '../codec/resource-kinds.ts';

/** Every resource, by kind; `secrets` only when an HTTPS listener serves one (redacted: no key material reaches here). */
export type ResourceLists = Record<AlwaysListedKey, JsonObject[]> & Partial<Record<ResourceKey, JsonObject[]>>;

/** What `tether translate -o json|yaml` prints: the resources, then the status of every object. */
export interface ConfigDump extends ResourceLists {
  status: StatusEntry[];
}

/**
 * Every Gateway's resources, deduplicated by name (Gateways that share a cluster share its
 * resource), each as Envoy decodes it. `warn` hears of a name whose resources differ between
 * Gateways (the first is kept).
 */
export function buildResourceLists(gateways: readonly GatewayIR[], warn: (message: string) => void): ResourceLists {
  const registry = protoRegistry();
  const out: ResourceLists = { listeners: [], routes: [], clusters: [], endpoints: [] };
  const built = gateways.map((gw) => ({ gw, resources: buildEnvoyResources(gw) }));
  for (const kind of RESOURCE_KINDS) {
    const seen = new Map<string, string>();
    for (const { gw, resources } of built) {
      for (const json of resources[kind.key] ?? []) {
        const name = JSON.stringify(json[kind.nameField]);
        const text = JSON.stringify(json);
        const before = seen.get(name);
        if (before !== undefined) {
          if (before !== text) warn(`${kind.key} ${name} differs between Gateways; printing the first (${gw.name} has another)`);
          continue;
        }
        seen.set(name, text);
        (out[kind.key] ??= []).push(registry.roundTrip('google.protobuf.Any', { '@type': kind.typeUrl, ...json }));
      }
    }
  }
  return out;
}

/** One Gateway's config in exactly the shape `tether translate --gateway ns/name -o json` prints. */
export function configDump(gateway: GatewayIR, statuses: readonly ObjectStatus[]): ConfigDump {
  return { ...buildResourceLists([gateway], () => undefined), status: statuses.map(statusEntry) };
}
