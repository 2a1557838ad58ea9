import { describe, expect, it } from 'vitest';
import { isToken } from './http-token.ts';

describe('isToken', () => {
  it.each(['Session-A', '_srv_id', 'x-tether-session-a.web.r0', "a!#$%&'*+-.^_`|~z"])('accepts %s', (s) => expect(isToken(s)).toBe(true));
  it.each(['', 'a b', 'a;b', 'a=b', 'a,b', 'a"b', 'a/b', 'ä'])('rejects %j', (s) => expect(isToken(s)).toBe(false));
});
