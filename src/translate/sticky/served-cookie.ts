// A session cookie as one kind of listener serves it: over HTTPS it is Secure and SameSite=Lax
// unless the policy chose. Lax, not Strict: a Strict cookie is not sent when a user arrives from
// another site, which would re-pin the session and lose state kept on the pod. Over plain HTTP a
// Secure cookie never comes back, so nothing is added there. One home for the rule: the builder
// serves routes with it, and route status describes the cookie with it.
import type { CookieSessionIR } from '../../ir/ir.ts';

/** The cookie as an HTTPS (or plain HTTP) listener writes it; the same object when nothing changes. */
export function servedCookie(s: CookieSessionIR, https: boolean): CookieSessionIR {
  if (!https) return s;
  const written = new Set(s.attributes.map((x) => x.name.toLowerCase()));
  const secure = s.secure === undefined && !written.has('secure');
  const sameSite = s.sameSite === undefined && !written.has('samesite');
  if (!secure && !sameSite) return s;
  return { ...s, ...(secure ? { secure: true } : {}), ...(sameSite ? { sameSite: 'Lax' as const } : {}) };
}

/** The Set-Cookie attributes Envoy writes for the cookie, e.g. `Path=/, HttpOnly, SameSite=Lax, Secure` (commas: status messages keep `; ` for reservations). */
export function describeSetCookie(c: CookieSessionIR): string {
  const parts = [`Path=${c.path}`];
  if (c.ttlSeconds !== undefined) parts.push(`Max-Age=${c.ttlSeconds}`);
  parts.push('HttpOnly');
  for (const a of c.attributes) parts.push(a.value === '' ? a.name : `${a.name}=${a.value}`);
  if (c.sameSite !== undefined) parts.push(`SameSite=${c.sameSite}`);
  if (c.secure === true) parts.push('Secure');
  return parts.join(', ');
}
