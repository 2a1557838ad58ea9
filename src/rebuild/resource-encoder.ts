// Encode-once for a rebuild (snapshot-builder.ts): proto3 JSON → protobuf bytes, reusing the bytes (the same
// Uint8Array) of a resource whose JSON did not change since the last rebuild, so unchanged resources
// cost neither an encode nor, downstream, a rehash.
//
// RouteConfigurations are the one resource that grows with the number of routes (one per listener
// port, every virtual host inside). They are encoded per virtual host: the RouteConfiguration's
// other fields once, then each virtual host as its own `virtual_hosts` field (number 2), reusing the
// bytes of virtual hosts that did not change. Protobuf parsers accept fields in any order and read
// repeated fields in the order they come, so this is the same message; editing one route re-encodes
// one virtual host instead of the whole configuration.
import { MessageType, type JsonObject } from '../codec/proto-registry.ts';
import { bytesField } from '../xds/proto-wire.ts';

export type EncodeFn = (typeName: string, json: JsonObject) => Uint8Array;

interface Entry {
  key: string;
  bytes: Uint8Array;
  used: number;
}

const VIRTUAL_HOST = 'envoy.config.route.v3.VirtualHost';
const VIRTUAL_HOSTS_FIELD = 2;

export class ResourceEncoder {
  private readonly encodeFn: EncodeFn;
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(encode: EncodeFn) {
    this.encodeFn = encode;
  }

  /** Starts a rebuild: entries not used by the end of it are dropped by sweep(). */
  begin(): void {
    this.generation++;
  }

  /**
   * Bytes of one resource. `scope` separates resources that share a name but not their content
   * (the same cluster name in two Gateways, or in the Envoy and gRPC-client forms).
   */
  encode(typeName: string, scope: string, name: string, json: JsonObject): { bytes: Uint8Array; reused: boolean } {
    const vhosts = typeName === MessageType.routeConfiguration ? json['virtual_hosts'] : undefined;
    if (Array.isArray(vhosts) && vhosts.length > 1) return this.encodeRouteConfiguration(scope, name, json, vhosts as JsonObject[]);
    return this.cached(`${typeName}\0${scope}\0${name}`, JSON.stringify(json), () => this.encodeFn(typeName, json));
  }

  /** Drops entries the last rebuild did not use. */
  sweep(): void {
    for (const [id, e] of this.entries) if (e.used !== this.generation) this.entries.delete(id);
  }

  private encodeRouteConfiguration(scope: string, name: string, json: JsonObject, vhosts: JsonObject[]): { bytes: Uint8Array; reused: boolean } {
    const { virtual_hosts: _vh, ...rest } = json;
    const restText = JSON.stringify(rest);
    const vhostTexts = vhosts.map((v) => JSON.stringify(v));
    const id = `${MessageType.routeConfiguration}\0${scope}\0${name}`;
    return this.cached(id, `${restText}\0${vhostTexts.join('\0')}`, () => {
      const parts: Uint8Array[] = [this.encodeFn(MessageType.routeConfiguration, rest)];
      vhosts.forEach((vhost, i) => {
        const vhostName = typeof vhost['name'] === 'string' ? vhost['name'] : String(i);
        const part = this.cached(`${id}\0vhost\0${vhostName}`, vhostTexts[i] ?? '', () => this.encodeFn(VIRTUAL_HOST, vhost));
        parts.push(bytesField(VIRTUAL_HOSTS_FIELD, part.bytes));
      });
      return concat(parts);
    });
  }

  private cached(id: string, key: string, encode: () => Uint8Array): { bytes: Uint8Array; reused: boolean } {
    const entry = this.entries.get(id);
    if (entry && entry.key === key) {
      entry.used = this.generation;
      return { bytes: entry.bytes, reused: true };
    }
    const bytes = encode();
    this.entries.set(id, { key, bytes, used: this.generation });
    return { bytes, reused: false };
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
