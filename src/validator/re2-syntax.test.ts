import { describe, expect, it } from 'vitest';
import { compileRe2 } from './re2-syntax.ts';

const reason = (p: string): string | undefined => {
  const r = compileRe2(p);
  return r.ok ? undefined : r.reason;
};
const matches = (p: string, s: string): boolean => {
  const r = compileRe2(p);
  if (!r.ok) throw new Error(r.reason);
  return r.regexp.test(s);
};

describe('RE2 approximation', () => {
  it.each([
    ['a(?=b)', 'lookahead is not supported by RE2'],
    ['a(?!b)', 'lookahead is not supported by RE2'],
    ['(?<=a)b', 'lookbehind is not supported by RE2'],
    ['(?<!a)b', 'lookbehind is not supported by RE2'],
    ['(a)\\1', 'backreference \\1 is not supported by RE2'],
    ['(?<n>a)\\k<n>', 'named backreference is not supported by RE2'],
    ['(?P<n>a)(?P=n)', 'named backreference is not supported by RE2'],
    ['(?>ab)', 'atomic groups are not supported by RE2'],
    ['a*+', 'possessive quantifiers are not supported by RE2'],
    ['a{1001}', 'bad repetition operator: {1001} (RE2 allows at most 1000)'],
    ['a{2,1001}', 'bad repetition operator: {2,1001} (RE2 allows at most 1000)'],
    ['a\\Z', '\\Z is not supported by RE2'],
    ['[[:word2:]]', 'invalid character class range [:word2:]'],
    ['(', 'Unterminated group'],
    ['a**', 'Nothing to repeat'],
  ])('rejects %s', (pattern, why) => {
    expect(reason(pattern)).toBe(why);
  });

  it('translates RE2-only syntax', () => {
    expect(matches('(?i)^abc$', 'ABC')).toBe(true);
    expect(matches('^(?P<x>a+)$', 'aa')).toBe(true);
    expect(matches('^[[:digit:]]+$', '123')).toBe(true);
    expect(matches('^[^[:digit:]]+$', 'abc')).toBe(true);
    expect(matches('^\\pL+$', 'héllo')).toBe(true);
    expect(matches('^\\p{Greek}+$', 'αβ')).toBe(true);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('\\Aab\\z', 'ab\n')).toBe(false);
    expect(matches('^\\Q.*\\E$', '.*')).toBe(true);
    expect(matches('^\\Q.*\\E$', 'ab')).toBe(false);
    expect(matches('^(?i:ab)c$', 'ABc')).toBe(true);
    expect(matches('^[]a]+$', ']a')).toBe(true);
    expect(matches('^a{1000}$', 'a'.repeat(1000))).toBe(true);
  });

  it('caches compiled patterns', () => {
    expect(compileRe2('^/api/.*')).toBe(compileRe2('^/api/.*'));
  });
});
