import { describe, expect, it } from 'vitest';
import { checkRe2Syntax } from './re2-syntax.ts';

describe('RE2 syntax check', () => {
  it.each(['/api/.*', '/users/(?P<id>[0-9]+)', '(?i)/case', 'a*?b+?c??', 'x{2,3}?', '[)(]+', '\\(literal\\)', '[]a]', '[^]a]', 'a{', '\\d+\\.\\d+', '\\pL+', '\\x41\\z', '\\Qa.b\\E', '\\Q(*\\E+', '\\Q[unclosed'])('accepts %s', (p) => {
    expect(checkRe2Syntax(p)).toBeUndefined();
  });

  it.each([
    ['/(?!internal)', /lookahead/],
    ['(?=x)', /lookahead/],
    ['(?<=a)b', /lookbehind/],
    ['(?<!a)b', /lookbehind/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['(?>a)', /atomic/],
    ['a++', /repetition/],
    ['a**', /repetition/],
    ['a{2}+', /repetition/],
    ['*a', /missing argument/],
    ['(a', /missing closing \)/],
    ['a)', /unbalanced/],
    ['[a', /missing closing \]/],
    ['a\\', /backslash/],
    ['end\\Z', /invalid escape/],
    ['\\u00e9', /invalid escape/],
  ])('rejects %s', (p, message) => {
    expect(checkRe2Syntax(p)).toMatch(message);
  });
});
