import { describe, expect, it } from 'vitest';
import { FieldReader, isToken, type FieldProblem } from './policy-fields.ts';

describe('isToken', () => {
  it.each(['Session-A', '_srv_id', 'x-tether-session-a.web.r0', "a!#$%&'*+-.^_`|~z"])('accepts %s', (s) => expect(isToken(s)).toBe(true));
  it.each(['', 'a b', 'a;b', 'a=b', 'a,b', 'a"b', 'a/b', 'ä'])('rejects %j', (s) => expect(isToken(s)).toBe(false));
});

describe('FieldReader', () => {
  it('names the full field path in every problem and never throws on wrong types', () => {
    const problems: FieldProblem[] = [];
    const r = new FieldReader({ a: 5, b: 'x', list: [1, { n: 'y' }], obj: 'nope', size: 99 }, 'spec', problems);
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
