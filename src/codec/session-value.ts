// Reads the value Envoy's stateful_session filter writes into a session cookie or header: which
// upstream endpoint it pins, and until when. Two encodings exist:
//   - base64 of a protobuf tether.session.v1.SessionCookie {address = 1, expires = 2}, written by the
//     cookie state since Envoy 1.27;
//   - base64 of the plain text "ip:port" ("[v6]:port"), written by older cookie states and by the
//     header state.
// Pure: no clock. Whether an expiry has passed is the caller's business.
import { MessageType, protoRegistry } from './proto-registry.ts';

export type SessionEncoding = 'protobuf' | 'plain';

export interface SessionValue {
  /** The base64 value that was decoded (quotes and any `name=` removed). */
  value: string;
  /** Cookie or header name, when the input was a `name=value` pair or a `name: value` header line. */
  name?: string;
  encoding: SessionEncoding;
  /** The endpoint as Envoy wrote it: `ip:port`, `[v6]:port` for IPv6. */
  address: string;
  ip: string;
  port: number;
  family: 4 | 6;
  /** The encoded expiry (uint64 seconds, as a decimal string); absent when there is none (0). */
  expires?: string;
}

/** What an encoded expiry means. */
export interface ExpiryReading {
  seconds: string;
  /** ISO 8601 UTC time, when the number reads as Unix seconds. */
  utc?: string;
  /** `unix`: wall-clock seconds; `monotonic`: too small to be a date: a monotonic clock (time since the host booted). */
  clock: 'unix' | 'monotonic';
}

export class SessionValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionValueError';
  }
}

// Unix seconds from 2000-01-01 to 9999-12-31: below that, a number of seconds is an uptime.
const UNIX_SECONDS_MIN = 946_684_800n;
const UNIX_SECONDS_MAX = 253_402_300_799n;

const COOKIE_ATTRIBUTES = new Set(['path', 'domain', 'max-age', 'expires', 'samesite', 'secure', 'httponly', 'partitioned', 'priority']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Splits what a user pasted into session values: a bare value (quoted or not), a cookie pair
 * `name=value`, a `Cookie:` header with several pairs, a `Set-Cookie:` line with attributes, or (with
 * `header`) a `name: value` header line. Attributes such as `Path=/` are dropped.
 */
export function extractSessionValues(input: string, options: { header?: boolean } = {}): { name?: string; value: string }[] {
  let text = input.trim();
  const prefix = /^(set-cookie|cookie)\s*:\s*/i.exec(text);
  if (prefix) text = text.slice(prefix[0].length);
  else {
    // "name: value" is a header line: neither base64 nor a cookie name contains ':'.
    const headerLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(\S.*)$/.exec(text);
    if (headerLine?.[1] && headerLine[2]) return [{ name: headerLine[1].toLowerCase(), value: unquote(headerLine[2]) }];
  }
  if (options.header) return [{ value: unquote(text) }];
  const out: { name?: string; value: string }[] = [];
  for (const segment of text.split(';')) {
    const s = segment.trim();
    if (s === '') continue;
    const eq = s.indexOf('=');
    const name = eq > 0 ? s.slice(0, eq).trim() : '';
    const rest = eq > 0 ? unquote(s.slice(eq + 1)) : '';
    // A bare base64 value also contains '=' (padding): it is a pair only if a value follows the name.
    if (name && TOKEN.test(name) && rest !== '' && !/^=*$/.test(rest)) {
      if (!COOKIE_ATTRIBUTES.has(name.toLowerCase())) out.push({ name, value: rest });
    } else if (!COOKIE_ATTRIBUTES.has(s.toLowerCase())) {
      out.push({ value: unquote(s) });
    }
  }
  return out;
}

/**
 * Decodes what a user pasted (see extractSessionValues). A Cookie header carries other cookies too,
 * so this fails only when nothing in the input is a session value; the error then names each part.
 */
export function decodeSessionInput(input: string, options: { header?: boolean } = {}): SessionValue[] {
  const candidates = extractSessionValues(input, options);
  if (candidates.length === 0) throw new SessionValueError('empty value');
  const decoded: SessionValue[] = [];
  const errors: string[] = [];
  for (const c of candidates) {
    try {
      decoded.push(decodeSessionValue(c.value, c.name));
    } catch (err) {
      if (!(err instanceof SessionValueError)) throw err;
      errors.push(`${c.name ? `${c.name}: ` : ''}${err.message}`);
    }
  }
  if (decoded.length === 0) throw new SessionValueError(errors.join('; '));
  return decoded;
}

/** Decodes one session value (base64, quotes allowed). Throws SessionValueError on anything else. */
export function decodeSessionValue(raw: string, name?: string): SessionValue {
  const value = unquote(raw.trim());
  if (value === '') throw new SessionValueError('empty value');
  const bytes = decodeBase64(value);
  const base = name === undefined ? { value } : { value, name };

  // A protobuf SessionCookie starts with field 1, length-delimited (0x0A); "ip:port" starts with a
  // digit or '[', so the two encodings cannot be confused.
  if (bytes[0] === 0x0a) {
    let decoded: Record<string, unknown>;
    try {
      decoded = protoRegistry().decode(MessageType.sessionCookie, bytes);
    } catch (err) {
      throw new SessionValueError(`not a session value: the bytes look like a protobuf SessionCookie but do not decode (${(err as Error).message})`);
    }
    const address = typeof decoded['address'] === 'string' ? decoded['address'] : '';
    const endpoint = parseEndpointAddress(address);
    if (!endpoint) throw new SessionValueError(`not a session value: the SessionCookie's address ${JSON.stringify(address)} is not ip:port`);
    const rawExpires = decoded['expires']; // uint64: a decimal string from the registry
    const expires = typeof rawExpires === 'string' || typeof rawExpires === 'number' ? String(rawExpires) : '0';
    return { ...base, encoding: 'protobuf', address, ...endpoint, ...(expires !== '0' ? { expires } : {}) };
  }

  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const endpoint = parseEndpointAddress(text);
  if (!endpoint) throw new SessionValueError(`not a session value: it decodes to ${printable(bytes)}, which is neither a SessionCookie nor ip:port`);
  return { ...base, encoding: 'plain', address: text, ...endpoint };
}

/** Reads an encoded expiry: Unix seconds when large enough to be a date, else monotonic seconds (time since the host booted); the magnitude is all there is to go by. */
export function readExpiry(seconds: string): ExpiryReading {
  const n = BigInt(seconds);
  if (n >= UNIX_SECONDS_MIN && n <= UNIX_SECONDS_MAX) {
    return { seconds, clock: 'unix', utc: new Date(Number(n) * 1000).toISOString() };
  }
  return { seconds, clock: 'monotonic' };
}

/** `ip:port` or `[v6]:port` → its parts, or undefined when it is not an endpoint address. */
export function parseEndpointAddress(text: string): { ip: string; port: number; family: 4 | 6 } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  if (m[1] !== undefined) return isIPv6(m[1]) ? { ip: m[1], port, family: 6 } : undefined;
  return m[2] !== undefined && isIPv4(m[2]) ? { ip: m[2], port, family: 4 } : undefined;
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
}

function isIPv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | undefined => (part === '' ? [] : part.split(':'));
  let count = 0;
  const all = halves.map(groups);
  for (const [h, list] of all.entries()) {
    for (const [i, g] of (list ?? []).entries()) {
      const last = h === all.length - 1 && i === (list ?? []).length - 1;
      if (last && g.includes('.')) {
        if (!isIPv4(g)) return false;
        count += 2;
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) count += 1;
      else return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

function decodeBase64(value: string): Uint8Array {
  // Envoy writes standard base64 with padding; accept the URL-safe alphabet and missing padding too.
  let b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new SessionValueError(`not a session value: ${JSON.stringify(abbreviate(value))} is not base64`);
  }
  b64 = b64.replace(/=+$/, '');
  if (b64.length % 4 === 1) throw new SessionValueError(`not a session value: ${JSON.stringify(abbreviate(value))} has a truncated base64 length`);
  b64 += '='.repeat((4 - (b64.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1).trim();
  return t;
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function printable(bytes: Uint8Array): string {
  const text = Array.from(bytes.slice(0, 40), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  return JSON.stringify(text + (bytes.length > 40 ? '...' : ''));
}
