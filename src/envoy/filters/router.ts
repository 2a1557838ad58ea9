// Envoy's router filter: always the last HTTP filter of a connection manager.
import { EnvoyName, EnvoyType, typed, type JsonObject } from '../envoy-json.ts';

export function buildRouterHttpFilter(): JsonObject {
  return { name: EnvoyName.router, typed_config: typed(EnvoyType.router) };
}
