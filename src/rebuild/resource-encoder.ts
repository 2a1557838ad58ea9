// Encode-once for a rebuild (snapshot-builder.ts): proto3 JSON → protobuf bytes, reusing the bytes (the same
// Uint8Array) of a resource whose JSON did not change since the last rebuild, so unchanged resources
// cost neither an encode nor, downstream, a rehash. Whether it changed is a structural comparison
// with the JSON last encoded (same-json.ts), no string is made; builder output reused as is (the
// same object) is recognised at once.
//
// RouteConfigurations are the one resource that grows with the number of routes (one per listener
// port, every virtual host inside). They are encoded per virtual host: the RouteConfiguration's
// other fields once, then each virtual host as its own `virtual_hosts` field (number 2), reusing the
// bytes of virtual hosts that did not change. Protobuf parsers accept fields in any order and read
// repeated fields in the order they come, so this is the same message; editing one route re-encodes
// one virtual host instead of the whole configuration.
import { MessageType, type JsonObject } from '../codec/proto-registry.ts';
import { fieldHead } from '../xds/proto-wire.ts';
import { sameJson } from './same-json.ts';

export type EncodeFn = (typeName: string, json: JsonObject) => Uint8Array;

interface Entry {
  /** The JSON the bytes were encoded from (for a RouteConfiguration: its fields but the virtual hosts). */
  json: unknown;
  bytes: Uint8Array;
  used: number;
  /** RouteConfiguration only: the bytes of each virtual host, in order. */
  parts?: readonly Uint8Array[];
}

const VIRTUAL_HOST = 'envoy.config.route.v3.VirtualHost';
const VIRTUAL_HOSTS_FIELD = 2;

/** One scope's entries (a Gateway's form); `used`: the last rebuild that encoded or kept it. */
interface Scope {
  used: number;
  /** The last rebuild that encoded in it (its unused entries are then dropped). */
  encoded: number;
  entries: Map<string, Entry>;
}

export class ResourceEncoder {
  private readonly encodeFn: EncodeFn;
  private readonly scopes = new Map<string, Scope>();
  private entries = new Map<string, Entry>();
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
    this.enter(scope, true);
    const vhosts = typeName === MessageType.routeConfiguration ? json['virtual_hosts'] : undefined;
    if (Array.isArray(vhosts) && vhosts.length > 1) return this.encodeRouteConfiguration(name, json, vhosts as JsonObject[]);
    return this.cached(`${typeName}\0${name}`, json, () => this.encodeFn(typeName, json));
  }

  /** Keeps a scope whose resources this rebuild serves as they were, without encoding them. */
  keep(scope: string): void {
    this.enter(scope, false);
  }

  /** Drops scopes the last rebuild did not use, and in the scopes it encoded in, entries it did not use. */
  sweep(): void {
    for (const [key, scope] of this.scopes) {
      if (scope.used !== this.generation) this.scopes.delete(key);
      else if (scope.encoded === this.generation) for (const [id, e] of scope.entries) if (e.used !== this.generation) scope.entries.delete(id);
    }
  }

  private enter(key: string, encoding: boolean): void {
    let scope = this.scopes.get(key);
    if (!scope) this.scopes.set(key, (scope = { used: 0, encoded: 0, entries: new Map() }));
    scope.used = this.generation;
    if (encoding) scope.encoded = this.generation;
    this.entries = scope.entries;
  }

  private encodeRouteConfiguration(name: string, json: JsonObject, vhosts: JsonObject[]): { bytes: Uint8Array; reused: boolean } {
    const { virtual_hosts: _vh, ...rest } = json;
    const id = `${MessageType.routeConfiguration}\0${name}`;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < vhosts.length; i++) {
      const vhost = vhosts[i];
      const vhostName = typeof vhost['name'] === 'string' ? vhost['name'] : String(i);
      parts.push(this.cached(`${id}\0vhost\0${vhostName}`, vhost, () => this.encodeFn(VIRTUAL_HOST, vhost)).bytes);
    }
    const entry = this.entries.get(id);
    if (entry?.parts && sameParts(entry.parts, parts) && sameJson(entry.json, rest)) {
      entry.used = this.generation;
      entry.json = rest;
      return { bytes: entry.bytes, reused: true };
    }
    const out: Uint8Array[] = [this.encodeFn(MessageType.routeConfiguration, rest)];
    for (const part of parts) out.push(fieldHead(VIRTUAL_HOSTS_FIELD, part.length), part);
    const bytes = concat(out);
    this.entries.set(id, { json: rest, bytes, used: this.generation, parts });
    return { bytes, reused: false };
  }

  private cached(id: string, json: unknown, encode: () => Uint8Array): { bytes: Uint8Array; reused: boolean } {
    const entry = this.entries.get(id);
    if (entry && !entry.parts && sameJson(entry.json, json)) {
      entry.used = this.generation;
      // The newest equal object: builders that reuse their output hand the same one back next time.
      entry.json = json;
      return { bytes: entry.bytes, reused: true };
    }
    const bytes = encode();
    this.entries.set(id, { json, bytes, used: this.generation });
    return { bytes, reused: false };
  }
}

function sameParts(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
