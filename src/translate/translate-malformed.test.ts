// Malformed input never crashes translation: every golden input, with fields replaced by values of
// the wrong type (a seeded, repeatable walk), still translates, deterministically, and no route
// needs the internal-error safety net.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/kube-object.ts';
import { translate } from './translate.ts';

const dir = join(import.meta.dirname, 'testdata');
const inputs = readdirSync(dir).filter((f) => f.endsWith('.in.yaml'));
const WRONG: unknown[] = [null, 42, -1, 'x', '', true, [], {}, [1, 'a'], { a: 1 }, 1.5, 70000];

/** Deterministic pseudo-random numbers (a linear congruential generator): failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Every path to a value inside `spec` (and top-level slice fields), as key lists. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push([...prefix, i], ...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

function mutate(o: KubeObject, path: (string | number)[], replacement: unknown): KubeObject {
  const copy = structuredClone(o) as Record<string | number, unknown>;
  let cur: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = replacement;
  return copy as KubeObject;
}

describe('malformed input', () => {
  for (const file of inputs) {
    it(`survives wrong-typed fields in ${file}`, () => {
      const objects = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as KubeObject);
      const random = lcg(file.length * 7919);
      for (let round = 0; round < 40; round++) {
        const target = Math.floor(random() * objects.length);
        const o = objects[target];
        const body = Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata'));
        const candidates = paths(body);
        if (candidates.length === 0) continue;
        const path = candidates[Math.floor(random() * candidates.length)];
        const replacement = WRONG[Math.floor(random() * WRONG.length)];
        const mutated = objects.map((x, i) => (i === target ? mutate(o, path, replacement) : x));
        const result = translate(mutated);
        expect(translate(mutated)).toEqual(result);
        const text = JSON.stringify(result.statuses);
        expect(text, `${o.kind} ${o.metadata.name} ${path.join('.')} = ${JSON.stringify(replacement)}`).not.toContain('Internal error');
      }
    });
  }
});
