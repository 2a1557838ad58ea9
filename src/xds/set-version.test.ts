import { describe, expect, it } from 'vitest';
import { setVersion, sumAfter, sumOf } from './set-version.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

const entries = (n: number, tag = 'v'): { name: string; version: string }[] => Array.from({ length: n }, (_, i) => ({ name: `ns/svc-${i}`, version: `${tag}${i}` }));

describe('set versions', () => {
  it('depend on the names and versions, not on their order', () => {
    const set = entries(50);
    const v = setVersion('p', sumOf(set));
    expect(v).toMatch(/^p-[\w-]{12}$/);
    expect(setVersion('p', sumOf([...set].reverse()))).toBe(v);
    expect(setVersion('q', sumOf(set))).toBe(`q-${v.slice(2)}`);
    // One version changed, one name renamed, one resource gone, two names swapping versions: all differ.
    const changed = set.map((e, i) => (i === 7 ? { ...e, version: 'other' } : e));
    const renamed = set.map((e, i) => (i === 7 ? { ...e, name: 'ns/svc-x' } : e));
    const swapped = set.map((e, i) => (i === 1 ? { ...e, version: set[2].version } : i === 2 ? { ...e, version: set[1].version } : e));
    const versions = [v, ...[changed, renamed, set.slice(1), swapped].map((s) => setVersion('p', sumOf(s)))];
    expect(new Set(versions).size).toBe(versions.length);
    // The name and the version are kept apart: ("ab", "c") is not ("a", "bc").
    expect(setVersion('p', sumOf([{ name: 'ab', version: 'c' }]))).not.toBe(setVersion('p', sumOf([{ name: 'a', version: 'bc' }])));
  });

  it('follow a change from the previous sum as if the set were hashed whole', () => {
    const random = seededRandom(5);
    let set = new Map(entries(40).map((e) => [e.name, e]));
    let sum = sumOf(set.values());
    for (let step = 0; step < 200; step++) {
      const next = new Map(set);
      for (let k = random(4); k >= 0; k--) {
        const name = `ns/svc-${random(60)}`;
        if (random(3) === 0) next.delete(name);
        else next.set(name, { name, version: `s${step}.${k}` });
      }
      const out = [...set.values()].filter((e) => next.get(e.name) !== e);
      const into = [...next.values()].filter((e) => set.get(e.name) !== e);
      sum = sumAfter(sum, out, into);
      expect(setVersion('p', sum)).toBe(setVersion('p', sumOf(next.values())));
      set = next;
    }
  });
});
