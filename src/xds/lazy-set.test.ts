import { describe, expect, it } from 'vitest';
import { NO_NAMES, withName, withoutName, type LazyNames } from './lazy-set.ts';

describe('names kept as a field that is usually empty', () => {
  it('behaves as a set of names, and holds no Set while empty', () => {
    let s: LazyNames;
    expect((s ?? NO_NAMES).size).toBe(0);
    expect(withoutName(s, 'a')).toBeUndefined();
    s = withName(withName(withName(s, 'a'), 'b'), 'a');
    expect([...s]).toEqual(['a', 'b']);
    const same = s;
    s = withoutName(s, 'a');
    expect(s).toBe(same);
    expect(withoutName(s, 'a')).toBe(same);
    expect([...(s ?? NO_NAMES)]).toEqual(['b']);
    s = withoutName(s, 'b');
    expect(s).toBeUndefined();
  });

  it('fields share no storage with each other', () => {
    const a = withName(undefined, 'x');
    const b = withName(undefined, 'y');
    expect(a).not.toBe(b);
    expect([...a, ...b]).toEqual(['x', 'y']);
  });
});
