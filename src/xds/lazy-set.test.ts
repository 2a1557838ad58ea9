import { describe, expect, it } from 'vitest';
import { LazySet } from './lazy-set.ts';

describe('LazySet', () => {
  it('behaves as a set of names, empty or not', () => {
    const s = new LazySet();
    expect(s.size).toBe(0);
    expect(s.has('a')).toBe(false);
    expect([...s]).toEqual([]);
    expect(s.delete('a')).toBe(false);
    s.add('a').add('b').add('a');
    expect(s.size).toBe(2);
    expect(s.has('a')).toBe(true);
    expect([...s]).toEqual(['a', 'b']);
    expect(s.delete('a')).toBe(true);
    expect(s.delete('a')).toBe(false);
    expect([...s]).toEqual(['b']);
    expect(s.delete('b')).toBe(true);
    expect(s.size).toBe(0);
    s.add('c');
    s.clear();
    expect([...s]).toEqual([]);
    expect(s.has('c')).toBe(false);
  });

  it('keeps iterating over what it held when names are removed meanwhile', () => {
    const s = new LazySet();
    s.add('a').add('b').add('c');
    const seen: string[] = [];
    for (const n of s) {
      seen.push(n);
      s.delete(n);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(s.size).toBe(0);
  });

  it('empty sets share no storage with each other', () => {
    const a = new LazySet();
    const b = new LazySet();
    a.add('x');
    expect(b.has('x')).toBe(false);
    expect([...b]).toEqual([]);
  });
});
