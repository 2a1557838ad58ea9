// One resource version, framed once for every stream that will ever carry it: the Any for SotW
// responses and the Resource wrapper for delta responses are built here and shared by reference.
import { createHash } from 'node:crypto';
import { fieldHead, stringField } from './proto-wire.ts';

export interface EncodedResource {
  readonly typeUrl: string;
  readonly name: string;
  /** Content hash of the resource bytes: the delta per-resource version. */
  readonly version: string;
  /** A DiscoveryResponse `resources` entry (field 2, an Any). */
  readonly sotwField: Buffer;
  /** A DeltaDiscoveryResponse `resources` entry (field 2, a Resource with name, version, Any). */
  readonly deltaField: Buffer;
}

/**
 * Content hash used for resource versions: 72 bits of SHA-256 as 12 base64url characters
 * (shorter on the wire than 16 hex characters, and more bits). Versions decide what is resent, so
 * they must not collide; 72 bits keeps that negligible for every version a name will ever have.
 */
export function contentHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('base64url').slice(0, 12);
}

/**
 * Frames a resource; callers intern the result so this runs once per resource version. Each form
 * is written in one allocation (the resource bytes are copied once per form, not once per layer):
 * a large RouteConfiguration is framed again after every route edit.
 */
export function frameResource(typeUrl: string, name: string, bytes: Uint8Array, version: string): EncodedResource {
  // Any: type_url = 1, value = 2.
  const typeUrlField = stringField(1, typeUrl);
  const valueHead = fieldHead(2, bytes.length);
  const anyLength = typeUrlField.length + valueHead.length + bytes.length;
  // Resource: version = 1, resource = 2, name = 3.
  const versionField = stringField(1, version);
  const nameField = stringField(3, name);
  const anyHead = fieldHead(2, anyLength);
  const wrapperLength = versionField.length + anyHead.length + anyLength + nameField.length;
  return {
    typeUrl,
    name,
    version,
    sotwField: Buffer.concat([anyHead, typeUrlField, valueHead, bytes]),
    deltaField: Buffer.concat([fieldHead(2, wrapperLength), versionField, anyHead, typeUrlField, valueHead, bytes, nameField]),
  };
}
