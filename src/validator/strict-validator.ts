// The strict validator for every Envoy resource Tether emits: proto3 JSON checked against Envoy's
// protos (structure, types, Anys, oneofs, PGV rules, deprecation), Envoy's own load-time checks,
// and a round trip through the encoder to catch anything the codec silently drops or changes.
// It reads only the plain schemas of the proto registry (codec/); protobufjs stays behind it. Only
// tests use it (test/support/envoy-assertions.ts).
import { CodecError, MessageType, protoRegistry } from '../codec/proto-registry.ts';
import type { JsonObject } from '../codec/proto-registry.ts';
import { RESOURCE_KINDS } from '../codec/resource-kinds.ts';
import type { Finding } from './finding.ts';
import { fieldPath, formatFindings, indexPath } from './finding.ts';
import { compareMessages } from './json-compare.ts';
import { SchemaWalker } from './schema-walker.ts';
import { scanWire } from './wire-scan.ts';
import { checkIpLiterals, checkResourceSet, resourceName, SEMANTIC_CHECKS } from './semantic-checks.ts';
import { checkSnapshot, type ResourceSnapshot } from './snapshot-checks.ts';

export type { Finding } from './finding.ts';
export { formatFindings } from './finding.ts';

export interface ValidateOptions {
  /**
   * Accept only proto3 JSON (the default): wrappers as bare values, durations as strings, Anys
   * with `@type`. False also accepts protobufjs object forms (`{value}`, `{seconds, nanos}`).
   */
  strictJson?: boolean;
}

export type { ResourceSnapshot } from './snapshot-checks.ts';

let sharedWalker: SchemaWalker | undefined;

/** The process-wide walker (per-type plans are compiled once and kept). */
export function schemaWalker(): SchemaWalker {
  sharedWalker ??= new SchemaWalker(protoRegistry(), SEMANTIC_CHECKS);
  return sharedWalker;
}

/** Every problem in one resource (a message of `typeName` in proto3 JSON), errors and warnings. */
export function validateResource(typeName: string, json: JsonObject, options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const w = schemaWalker();
  if (!w.plan(typeName)) return [{ level: 'error', path: '', message: `unknown message type ${typeName}` }];
  w.validate(typeName, json, options, findings);
  // An EDS assignment's addresses are IP literals (inside a DNS cluster's load_assignment they
  // need not be, so this runs on the root only).
  if (typeName === MessageType.clusterLoadAssignment && !findings.some((f) => f.level === 'error')) {
    checkIpLiterals(json, '', { error: (path, message) => findings.push({ level: 'error', path, message }) });
  }
  return findings;
}

/**
 * Checks across resources of one type (paths are `[i].…`): duplicate names, and for listeners
 * duplicate addresses. It does not validate each resource; see validateResource.
 */
export function validateResourceSet(typeName: string, jsons: readonly JsonObject[]): Finding[] {
  const out: Finding[] = [];
  checkResourceSet(typeName, jsons, '', out);
  return out;
}

/**
 * Validates protobuf bytes of `typeName`: first what a decoder would drop silently (unknown field
 * numbers, mismatched wire types, also inside Anys), then what the decoded value holds.
 */
export function validateEncoded(typeName: string, bytes: Uint8Array, options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = [];
  if (!scanWire(schemaWalker(), typeName, bytes, findings)) return findings;
  let json: JsonObject;
  try {
    json = protoRegistry().decode(typeName, bytes);
  } catch (e) {
    return [...findings, { level: 'error', path: e instanceof CodecError ? e.path : '', message: `cannot decode ${typeName}: ${messageOf(e)}` }];
  }
  return [...findings, ...validateResource(typeName, json, options)];
}

/**
 * Encodes `json`, decodes the bytes and compares the result with the input as protobuf values;
 * every difference (or an encoding failure) is an error at its path.
 */
export function checkRoundTrip(typeName: string, json: JsonObject): Finding[] {
  const registry = protoRegistry();
  let back: JsonObject;
  try {
    back = registry.decode(typeName, registry.encode(typeName, json));
  } catch (e) {
    return [{ level: 'error', path: e instanceof CodecError ? e.path : '', message: `cannot encode: ${messageOf(e)}` }];
  }
  const out: Finding[] = [];
  compareMessages(schemaWalker(), typeName, json, back, '', out);
  return out;
}

/**
 * validateResource, then (if that found no errors, which the encoder would only echo) the round
 * trip: every finding of both, errors and warnings.
 */
export function validateWithRoundTrip(typeName: string, json: JsonObject, options: ValidateOptions = {}): Finding[] {
  const findings = validateResource(typeName, json, options);
  if (findings.some((f) => f.level === 'error')) return findings;
  return [...findings, ...checkRoundTrip(typeName, json)];
}

/** Throws an Error listing every error-level finding of validateResource and the round trip. */
export function assertValidEnvoy(typeName: string, json: JsonObject, options: ValidateOptions = {}): void {
  const errors = validateWithRoundTrip(typeName, json, options).filter((f) => f.level === 'error');
  if (errors.length > 0) {
    const name = resourceName(typeName, json);
    throw new Error(`${typeName}${name ? ` "${name}"` : ''} is not valid Envoy config:\n${formatFindings(errors)}`);
  }
}

/**
 * Validates a whole snapshot: each resource (with its round trip), duplicate names per type, and
 * the checks that need several resources at once. Paths start with `listeners[i]`, `routes[i]`, ...
 */
export function validateResources(resources: ResourceSnapshot, options: ValidateOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const { key, messageType: typeName } of RESOURCE_KINDS) {
    const items = resources[key] ?? [];
    items.forEach((json, i) => {
      const prefix = indexPath(key, i);
      for (const f of validateWithRoundTrip(typeName, json, options)) {
        out.push({ ...f, path: f.path ? (f.path.startsWith('[') ? prefix + f.path : fieldPath(prefix, f.path)) : prefix });
      }
    });
    checkResourceSet(typeName, items, key, out);
  }
  checkSnapshot(resources, out);
  return out;
}

function messageOf(e: unknown): string {
  if (e instanceof CodecError) return e.message.startsWith(`${e.path}: `) ? e.message.slice(e.path.length + 2) : e.message;
  return e instanceof Error ? e.message : String(e);
}
