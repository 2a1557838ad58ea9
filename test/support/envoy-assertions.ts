// Test helpers: fail a test, with every problem listed, when resources would not load in Envoy.
import type { JsonObject } from '../../src/codec/proto-registry.ts';
import { MessageType } from '../../src/codec/proto-registry.ts';
import { assertValidEnvoy, formatFindings, validateResources } from '../../src/validator/strict-validator.ts';
import type { ResourceSnapshot, ValidateOptions } from '../../src/validator/strict-validator.ts';

/**
 * Throws (failing the test) if any resource has an error-level finding: strict validation, round
 * trip through the encoder, duplicate names per type, and the cross-resource checks (RDS names,
 * per-filter config keys, route → cluster, EDS cluster → endpoints) for the types given.
 */
export function expectValidEnvoyResources(resources: ResourceSnapshot, options: ValidateOptions = {}): void {
  const errors = validateResources(resources, options).filter((f) => f.level === 'error');
  if (errors.length > 0) throw new Error(`Envoy resources are not valid:\n${formatFindings(errors)}`);
}

/** Throws if a bootstrap (envoy.config.bootstrap.v3.Bootstrap, proto3 JSON) has errors. */
export function expectValidBootstrap(json: JsonObject, options: ValidateOptions = {}): void {
  assertValidEnvoy(MessageType.bootstrap, json, options);
}
