import { describe, expect, it } from 'vitest';
import { ObjectReader, type FieldProblem } from './field-reader.ts';

describe('ObjectReader', () => {
  it('names the full field path in every problem and never throws on wrong types', () => {
    const problems: FieldProblem[] = [];
    const r = new ObjectReader({ a: 5, b: 'x', list: [1, { n: 'y' }], obj: 'nope', size: 99 }, 'spec', problems);
    expect(r.string('a')).toBeUndefined();
    expect(r.bool('b')).toBeUndefined();
    expect(r.list('list').map((i) => i.string('n'))).toEqual(['y']);
    expect(r.child('obj')).toBeUndefined();
    expect(r.int('size', 1, 10)).toBeUndefined();
    r.unknownKeys(['a', 'b', 'list', 'obj']);
    expect(problems.map((p) => `${p.severity} ${p.field}`)).toEqual([
      'invalid spec.a',
      'invalid spec.b',
      'invalid spec.list[0]',
      'invalid spec.obj',
      'invalid spec.size',
      'unsupported spec.size',
    ]);
  });
});
