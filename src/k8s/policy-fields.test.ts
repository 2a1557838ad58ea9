import { describe, expect, it } from 'vitest';
import { FieldReader, isToken, parseGatewayDuration, parseLooseDuration, type FieldProblem } from './policy-fields.ts';

describe('durations', () => {
  it.each([
    ['10s', 10],
    ['1h30m', 5400],
    ['1500ms', 1.5],
    ['99999s', 99999],
    ['1h1m1s1ms', 3661.001],
    ['0s', 0],
  ])('Gateway API %s = %d s', (text, seconds) => {
    expect(parseGatewayDuration(text)).toBeCloseTo(seconds, 6);
  });

  it.each(['', '10', '1.5s', '100000s', '1h1m1s1ms1h', '1d', ' 10s', '-1s', '10S'])('Gateway API rejects %j', (text) => {
    expect(parseGatewayDuration(text)).toBeUndefined();
  });

  it('accepts Go and protobuf forms loosely', () => {
    expect(parseLooseDuration('1.5s')).toBe(1.5);
    expect(parseLooseDuration('2h45m')).toBe(9900);
    expect(parseLooseDuration('250us')).toBeCloseTo(0.00025, 9);
    expect(parseLooseDuration('ten minutes')).toBeUndefined();
  });
});

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
