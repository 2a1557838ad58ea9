// The codec's front door: Envoy's protos loaded once (proto-loader.ts), proto3 JSON ↔ protobuf
// bytes (json-encoder.ts, json-decoder.ts), and plain descriptions of message types for the strict
// validator (message-schema.ts). Only codec/ touches protobufjs; everything else goes through here.
import type protobuf from 'protobufjs';
import type { Json, JsonObject } from './json.ts';
import { loadProtoRoot } from './proto-loader.ts';
import { JsonEncoder } from './json-encoder.ts';
import { JsonDecoder } from './json-decoder.ts';
import { describeEnum, describeType, messageNames, type EnumSchema, type MessageSchema } from './message-schema.ts';
import { lookupType, strip } from './reflection.ts';

export type { Json, JsonObject };
export { MessageType, TYPE_URL_PREFIX, typeUrl } from './message-type.ts';
export { CodecError } from './codec-error.ts';
export { protoIncludeDirs } from './proto-loader.ts';
export { formatDuration, isWrapperType, parseDuration } from './well-known-types.ts';
export type { EnumSchema, FieldSchema, FieldValueType, MessageSchema, OneofSchema, ScalarKind } from './message-schema.ts';

export class ProtoRegistry {
  private readonly root: protobuf.Root;
  private readonly encoder: JsonEncoder;
  private readonly decoder: JsonDecoder;
  private readonly messageCache = new Map<string, MessageSchema | null>();
  private readonly enumCache = new Map<string, EnumSchema | null>();

  constructor(root: protobuf.Root) {
    this.root = root;
    this.encoder = new JsonEncoder(root);
    this.decoder = new JsonDecoder(root);
  }

  /** The plain description of a message type, or undefined if it is not loaded. */
  message(fullName: string): MessageSchema | undefined {
    const name = strip(fullName);
    const cached = this.messageCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const type = lookupType(this.root, name);
    const schema = type ? describeType(type) : null;
    this.messageCache.set(name, schema);
    return schema ?? undefined;
  }

  enum(fullName: string): EnumSchema | undefined {
    const name = strip(fullName);
    const cached = this.enumCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const schema = describeEnum(this.root, name) ?? null;
    this.enumCache.set(name, schema);
    return schema ?? undefined;
  }

  /** Every loaded message type name (for did-you-mean on unknown `@type`s). */
  messageNames(): string[] {
    return messageNames(this.root);
  }

  /** Encodes a proto3 JSON object of the given message type. Throws CodecError on bad input. */
  encode(typeName: string, json: JsonObject): Uint8Array {
    return this.encoder.encode(typeName, json);
  }

  /** Decodes bytes into proto3 JSON (snake_case, `@type` on every Any, defaults omitted). */
  decode(typeName: string, bytes: Uint8Array): JsonObject {
    return this.decoder.decode(typeName, bytes);
  }

  /** Normalises proto3 JSON by encoding and decoding it: what a peer would read back. */
  roundTrip(typeName: string, json: JsonObject): JsonObject {
    return this.decode(typeName, this.encode(typeName, json));
  }
}

let shared: ProtoRegistry | undefined;

/** Loads the protos once per process (about 100 ms) and returns the shared registry. */
export function protoRegistry(): ProtoRegistry {
  shared ??= new ProtoRegistry(loadProtoRoot());
  return shared;
}
