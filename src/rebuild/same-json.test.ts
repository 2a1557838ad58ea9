import { describe, expect, it } from 'vitest';
import { sameJson } from './same-json.ts';

describe('sameJson', () => {
  const cases: [unknown, unknown][] = [
    [{ a: 1, b: [1, 'x', { c: true }] }, { a: 1, b: [1, 'x', { c: true }] }],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }],
    [{ a: 1, b: undefined }, { a: 1 }],
    [{ a: undefined, b: 1 }, { b: 1, c: undefined }],
    [[1, 2], [1, 2, 3]],
    [{ a: [] }, { a: {} }],
    [{ a: null }, { a: {} }],
    [{ a: '1' }, { a: 1 }],
    [{}, {}],
    [{ a: { b: { c: 'd' } } }, { a: { b: { c: 'e' } } }],
  ];
  it.each(cases)('agrees with JSON.stringify: %j vs %j', (a, b) => {
    expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    expect(sameJson(b, a)).toBe(JSON.stringify(a) === JSON.stringify(b));
  });

  it('agrees with JSON.stringify on real resources, before and after random edits', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const make = (): Record<string, unknown> => ({ name: `n${rand(3)}`, routes: Array.from({ length: rand(3) }, () => ({ prefix: `/${rand(2)}`, weight: rand(2) })), ...(rand(2) ? { extra: { x: rand(2) } } : {}) });
    for (let i = 0; i < 500; i++) {
      const a = make();
      const b = make();
      expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    }
  });
});
