import { describe, expect, it } from 'vitest';
import type { EncodedResource } from './encoded-resource.ts';
import { SentBook } from './sent-book.ts';

const view = (entries: Record<string, string>): ReadonlyMap<string, EncodedResource> =>
  new Map(Object.entries(entries).map(([name, version]) => [name, { typeUrl: 't', name, version, sotwField: Buffer.alloc(0), deltaField: Buffer.alloc(0) }]));

describe('SentBook', () => {
  it('holds a view whole by reference, then records differences name by name', () => {
    const base = view({ A: 'a1', B: 'b1' });
    const book = new SentBook(base);
    expect([book.size, book.get('A'), book.whole]).toEqual([2, 'a1', base]);
    book.set('A', 'a2');
    book.delete('B');
    book.set('C', 'c1');
    expect([book.size, book.get('A'), book.has('B'), book.get('C'), book.whole]).toEqual([2, 'a2', false, 'c1', undefined]);
    expect([...book.entries()].sort()).toEqual([['A', 'a2'], ['C', 'c1']]);
    // Back to the view's own content: whole again, no differences kept.
    book.set('A', 'a1');
    book.set('B', 'b1');
    book.delete('C');
    expect([book.size, book.whole, [...book.keys()]]).toEqual([2, base, ['A', 'B']]);
  });

  it('starts empty without a view', () => {
    const book = new SentBook();
    book.set('A', 'a1');
    book.delete('missing');
    expect([book.size, [...book.entries()]]).toEqual([1, [['A', 'a1']]]);
  });
});
