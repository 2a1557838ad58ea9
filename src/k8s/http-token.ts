// The characters a cookie or header name may use.

/** RFC 7230 token (cookie names per RFC 6265 and header names use the same characters). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}
