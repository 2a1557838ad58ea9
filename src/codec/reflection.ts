// Small helpers over protobufjs reflection, shared by the encoder, the decoder and the schema
// descriptions.
import protobuf from 'protobufjs';
import { CodecError } from './codec-error.ts';

/** A full name without protobufjs's leading dot. */
export function strip(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

// protobufjs computes `fullName` by walking the parents on every read; encoding a large
// RouteConfiguration reads it for every nested message, so remember it per type.
const typeNames = new WeakMap<protobuf.Type, string>();
export function typeName(type: protobuf.Type): string {
  let name = typeNames.get(type);
  if (name === undefined) {
    name = strip(type.fullName);
    typeNames.set(type, name);
  }
  return name;
}

export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function lookupType(root: protobuf.Root, name: string): protobuf.Type | undefined {
  try {
    return root.lookupType(name);
  } catch {
    return undefined;
  }
}

export function requireType(root: protobuf.Root, name: string): protobuf.Type {
  const t = lookupType(root, strip(name));
  if (!t) throw new CodecError('', `unknown message type ${name}`);
  return t;
}
