// The validator must never be more lenient than the codec: whatever it passes must encode and come
// back unchanged. Every leaf and subtree of the sample resources is replaced, in turn, by each of a
// set of plausible wrong values; whenever the validator finds no error, the round trip must not either.
import { describe, expect, it } from 'vitest';
import { MessageType } from '../codec/proto-registry.ts';
import type { Json, JsonObject } from '../codec/proto-registry.ts';
import { checkRoundTrip, validateResource } from './strict-validator.ts';
import { sampleCluster, sampleClusterLoadAssignment, sampleListener, sampleRouteConfiguration } from './sample-resources.ts';

const REPLACEMENTS: Json[] = ['x', '', 1.5, -1, 0, true, false, {}, [], null, '1s', 'NaN', '42', 4294967296, 'HEALTHY', [1], [{}], { value: 1 }, 'aGk-'];

type Path = (string | number)[];

function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) paths(x, [...at, Array.isArray(v) ? Number(k) : k], out);
  }
  if (at.length > 0) out.push(at);
  return out;
}

function replaced(json: JsonObject, path: Path, value: Json): JsonObject {
  const copy = structuredClone(json);
  let o = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  o[path[path.length - 1]] = structuredClone(value);
  return copy;
}

describe('validator and codec agree', () => {
  it.each([
    ['Listener', MessageType.listener, sampleListener],
    ['RouteConfiguration', MessageType.routeConfiguration, sampleRouteConfiguration],
    ['Cluster', MessageType.cluster, sampleCluster],
    ['ClusterLoadAssignment', MessageType.clusterLoadAssignment, sampleClusterLoadAssignment],
  ])('%s: every mutation the validator passes round-trips unchanged', (_name, typeName, make) => {
    const base = make();
    let passed = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    for (const path of paths(base)) {
      for (const value of REPLACEMENTS) {
        const json = replaced(base, path, value);
        if (validateResource(typeName, json).some((f) => f.level === 'error')) {
          rejected++;
          continue;
        }
        passed++;
        for (const f of checkRoundTrip(typeName, json)) disagreements.push(`${path.join('.')} = ${JSON.stringify(value)}: ${f.path}: ${f.message}`);
      }
    }
    expect(disagreements).toEqual([]);
    // Not vacuous: many mutations are rejected, and some are valid and still round-trip.
    expect(rejected).toBeGreaterThan(100);
    expect(passed).toBeGreaterThan(10);
  });
});
