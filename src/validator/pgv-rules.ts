// protoc-gen-validate rules, compiled from a field's `(validate.rules)` option into checks on one
// normalised value. Every rule kind PGV defines is either implemented here or reported as
// unsupported (never silently skipped); the census test keeps that list empty for Envoy's protos.
//
// Normalised values, by rule type: string → string; bytes → Uint8Array; 32-bit ints, float and
// double → number; 64-bit ints → bigint; bool → boolean; enum → number; duration and timestamp →
// bigint nanoseconds; any → the type URL.
import { compileRe2 } from './re2-syntax.ts';

export type ValueCheck = (value: unknown, report: (message: string) => void) => void;

export interface RepeatedRules {
  minItems?: number;
  maxItems?: number;
  unique: boolean;
  ignoreEmpty: boolean;
  items?: ValueCheck;
}

export interface MapRules {
  minPairs?: number;
  maxPairs?: number;
  ignoreEmpty: boolean;
  noSparse: boolean;
  keys?: ValueCheck;
  values?: ValueCheck;
}

export interface CompiledRules {
  /** The rule type: string, uint32, duration, repeated, map, any, ... (undefined: message rules only). */
  type?: string;
  /** message.required, duration.required, any.required or timestamp.required. */
  required: boolean;
  /** message.skip: do not apply the nested message's rules. */
  skip: boolean;
  /** Checks for a single value (scalars, enums, wrappers, durations, timestamps, Anys). */
  value?: ValueCheck;
  /** With ignore_empty, a default value is not checked. */
  ignoreEmpty: boolean;
  repeated?: RepeatedRules;
  map?: MapRules;
  /** Rule kinds present in the option that this module does not implement (should stay empty). */
  unsupported: string[];
}

const INT32_KINDS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INT64_KINDS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const NUMERIC_KINDS = new Set([...INT32_KINDS, ...INT64_KINDS, 'float', 'double']);

/** Merges every `(validate.rules)` entry of a field's parsed options into one FieldRules object. */
export function fieldRulesOf(options: Record<string, unknown>[]): Record<string, unknown> | undefined {
  let merged: Record<string, unknown> | undefined;
  for (const o of options) {
    const r = o['(validate.rules)'];
    if (r && typeof r === 'object') merged = deepMerge(merged ?? {}, r as Record<string, unknown>);
  }
  return merged;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Compiles a FieldRules object (as merged by fieldRulesOf). */
export function compileFieldRules(rules: Record<string, unknown>, enumNumbers?: ReadonlySet<number>): CompiledRules {
  const out: CompiledRules = { required: false, skip: false, ignoreEmpty: false, unsupported: [] };
  for (const [type, body] of Object.entries(rules)) {
    const r = isPlainObject(body) ? body : {};
    if (type === 'message') {
      for (const [k, v] of Object.entries(r)) {
        if (k === 'required') out.required = v === true;
        else if (k === 'skip') out.skip = v === true;
        else out.unsupported.push(`message.${k}`);
      }
      continue;
    }
    out.type = type;
    if (type === 'repeated') {
      out.repeated = compileRepeated(r, out.unsupported, enumNumbers);
    } else if (type === 'map') {
      out.map = compileMap(r, out.unsupported, enumNumbers);
    } else {
      const c = compileValue(type, r, type, out.unsupported, enumNumbers);
      out.value = c.check;
      out.required = out.required || c.required;
      out.ignoreEmpty = c.ignoreEmpty;
    }
  }
  return out;
}

function compileRepeated(r: Record<string, unknown>, unsupported: string[], enumNumbers?: ReadonlySet<number>): RepeatedRules {
  const out: RepeatedRules = { unique: false, ignoreEmpty: false };
  for (const [k, v] of Object.entries(r)) {
    if (k === 'min_items') out.minItems = Number(v);
    else if (k === 'max_items') out.maxItems = Number(v);
    else if (k === 'unique') out.unique = v === true;
    else if (k === 'ignore_empty') out.ignoreEmpty = v === true;
    else if (k === 'items') out.items = compileNested(v, 'repeated.items', unsupported, enumNumbers);
    else unsupported.push(`repeated.${k}`);
  }
  return out;
}

function compileMap(r: Record<string, unknown>, unsupported: string[], enumNumbers?: ReadonlySet<number>): MapRules {
  const out: MapRules = { ignoreEmpty: false, noSparse: false };
  for (const [k, v] of Object.entries(r)) {
    if (k === 'min_pairs') out.minPairs = Number(v);
    else if (k === 'max_pairs') out.maxPairs = Number(v);
    else if (k === 'ignore_empty') out.ignoreEmpty = v === true;
    else if (k === 'no_sparse') out.noSparse = v === true;
    else if (k === 'keys') out.keys = compileNested(v, 'map.keys', unsupported);
    else if (k === 'values') out.values = compileNested(v, 'map.values', unsupported, enumNumbers);
    else unsupported.push(`map.${k}`);
  }
  return out;
}

/** Item, key and value rules: a nested FieldRules holding exactly one value rule type. */
function compileNested(v: unknown, prefix: string, unsupported: string[], enumNumbers?: ReadonlySet<number>): ValueCheck | undefined {
  if (!isPlainObject(v)) return undefined;
  const checks: ValueCheck[] = [];
  for (const [type, body] of Object.entries(v)) {
    if (type === 'message' || type === 'repeated' || type === 'map') {
      // PGV applies nested message rules to items through the item's own type; required/skip on
      // items and nested collections are not meaningful here.
      unsupported.push(`${prefix}.${type}`);
      continue;
    }
    const c = compileValue(type, isPlainObject(body) ? body : {}, `${prefix}.${type}`, unsupported, enumNumbers);
    if (c.check) {
      const check = c.check;
      checks.push(c.ignoreEmpty ? (x, rep) => { if (!isEmptyValue(x)) check(x, rep); } : check);
    }
  }
  if (checks.length === 0) return undefined;
  return (x, rep) => { for (const c of checks) c(x, rep); };
}

/** True for proto3 default values (what ignore_empty skips). */
export function isEmptyValue(v: unknown): boolean {
  if (v === '' || v === 0 || v === 0n || v === false) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

interface ValueCompilation {
  check?: ValueCheck;
  required: boolean;
  ignoreEmpty: boolean;
}

function compileValue(type: string, r: Record<string, unknown>, tag: string, unsupported: string[], enumNumbers?: ReadonlySet<number>): ValueCompilation {
  const checks: ValueCheck[] = [];
  const res: ValueCompilation = { required: false, ignoreEmpty: false };
  const add = (name: string, describe: (v: never) => string | undefined): void => {
    const label = `${tag}.${name}`;
    checks.push((v, report) => {
      const problem = describe(v as never);
      if (problem !== undefined) report(`${label}: ${problem}`);
    });
  };
  const unknown = (k: string): void => { unsupported.push(`${tag}.${k}`); };

  if (NUMERIC_KINDS.has(type)) {
    const big = INT64_KINDS.has(type);
    const conv = (x: unknown): number | bigint => (big ? BigInt(String(x)) : Number(x));
    compileRange(r, conv, fmtNumber, add);
    for (const [k, v] of Object.entries(r)) {
      if (k === 'const') { const c = conv(v); add(k, (x: number | bigint) => (x == c ? undefined : `must equal ${fmtNumber(c)}, got ${fmtNumber(x)}`)); }
      else if (k === 'in') { const set = toArray(v).map(conv); add(k, (x: number | bigint) => (set.some((s) => s == x) ? undefined : `must be one of [${set.map(fmtNumber).join(', ')}], got ${fmtNumber(x)}`)); }
      else if (k === 'not_in') { const set = toArray(v).map(conv); add(k, (x: number | bigint) => (set.some((s) => s == x) ? `must not be one of [${set.map(fmtNumber).join(', ')}], got ${fmtNumber(x)}` : undefined)); }
      else if (k === 'ignore_empty') res.ignoreEmpty = v === true;
      else if (!RANGE_KEYS.has(k)) unknown(k);
    }
  } else if (type === 'bool') {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'const') add(k, (x: boolean) => (x === v ? undefined : `must be ${String(v)}, got ${String(x)}`));
      else unknown(k);
    }
  } else if (type === 'string') {
    compileString(r, add, unknown, res);
  } else if (type === 'bytes') {
    compileBytes(r, add, unknown, res);
  } else if (type === 'enum') {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'const') add(k, (x: number) => (x === Number(v) ? undefined : `must equal ${String(v)}, got ${x}`));
      else if (k === 'defined_only') {
        if (v === true && enumNumbers) add(k, (x: number) => (enumNumbers.has(x) ? undefined : `value ${x} is not a defined enum value`));
        else if (v === true) unknown(`${k} (enum values unknown)`);
      } else if (k === 'in') { const set = toArray(v).map(Number); add(k, (x: number) => (set.includes(x) ? undefined : `must be one of [${set.join(', ')}], got ${x}`)); }
      else if (k === 'not_in') { const set = toArray(v).map(Number); add(k, (x: number) => (set.includes(x) ? `must not be one of [${set.join(', ')}], got ${x}` : undefined)); }
      else unknown(k);
    }
  } else if (type === 'duration' || type === 'timestamp') {
    const conv = (x: unknown): bigint => durationNanos(x);
    const fmt = type === 'duration' ? fmtDuration : fmtTimestamp;
    compileRange(r, conv, fmt, add);
    for (const [k, v] of Object.entries(r)) {
      if (k === 'required') res.required = v === true;
      else if (k === 'const') { const c = conv(v); add(k, (x: bigint) => (x === c ? undefined : `must equal ${fmt(c)}, got ${fmt(x)}`)); }
      else if (k === 'in' && type === 'duration') { const set = toArray(v).map(conv); add(k, (x: bigint) => (set.includes(x) ? undefined : `must be one of [${set.map(fmt).join(', ')}], got ${fmt(x)}`)); }
      else if (k === 'not_in' && type === 'duration') { const set = toArray(v).map(conv); add(k, (x: bigint) => (set.includes(x) ? `must not be one of [${set.map(fmt).join(', ')}], got ${fmt(x)}` : undefined)); }
      // lt_now, gt_now and within need a clock, which this pure module does not read: they stay
      // "unsupported" (none occurs in Envoy's protos; the census would say if one appeared).
      else if (!RANGE_KEYS.has(k)) unknown(k);
    }
  } else if (type === 'any') {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'required') res.required = v === true;
      else if (k === 'in') { const set = toArray(v).map(String); add(k, (x: string) => (set.includes(x) ? undefined : `type URL must be one of [${set.join(', ')}], got ${x}`)); }
      else if (k === 'not_in') { const set = toArray(v).map(String); add(k, (x: string) => (set.includes(x) ? `type URL must not be one of [${set.join(', ')}], got ${x}` : undefined)); }
      else unknown(k);
    }
  } else {
    unsupported.push(tag);
  }
  if (checks.length > 0) res.check = (v, report) => { for (const c of checks) c(v, report); };
  return res;
}

const RANGE_KEYS = new Set(['gt', 'gte', 'lt', 'lte']);

/** gt/gte/lt/lte with PGV's semantics: when the lower bound exceeds the upper, the range is exclusive. */
function compileRange<T extends number | bigint>(
  r: Record<string, unknown>,
  conv: (x: unknown) => T,
  fmt: (x: T) => string,
  add: (name: string, describe: (v: never) => string | undefined) => void,
): void {
  const lo = 'gt' in r ? { v: conv(r['gt']), incl: false, key: 'gt' } : 'gte' in r ? { v: conv(r['gte']), incl: true, key: 'gte' } : undefined;
  const hi = 'lt' in r ? { v: conv(r['lt']), incl: false, key: 'lt' } : 'lte' in r ? { v: conv(r['lte']), incl: true, key: 'lte' } : undefined;
  const aboveLo = (x: T): boolean => (lo!.incl ? x >= lo!.v : x > lo!.v);
  const belowHi = (x: T): boolean => (hi!.incl ? x <= hi!.v : x < hi!.v);
  if (lo && hi) {
    const name = `${lo.key}_${hi.key}`;
    if (hi.v > lo.v) {
      const text = `must be inside range ${lo.incl ? '[' : '('}${fmt(lo.v)}, ${fmt(hi.v)}${hi.incl ? ']' : ')'}`;
      add(name, (x: T) => (aboveLo(x) && belowHi(x) ? undefined : `${text}, got ${fmt(x)}`));
    } else {
      // Exclusive range: the value must lie outside [hi, lo].
      const text = `must be outside range ${hi.incl ? '(' : '['}${fmt(hi.v)}, ${fmt(lo.v)}${lo.incl ? ')' : ']'}`;
      add(name, (x: T) => (aboveLo(x) || belowHi(x) ? undefined : `${text}, got ${fmt(x)}`));
    }
  } else if (lo) {
    const text = `must be greater than ${lo.incl ? 'or equal to ' : ''}${fmt(lo.v)}`;
    add(lo.key, (x: T) => (aboveLo(x) ? undefined : `${text}, got ${fmt(x)}`));
  } else if (hi) {
    const text = `must be less than ${hi.incl ? 'or equal to ' : ''}${fmt(hi.v)}`;
    add(hi.key, (x: T) => (belowHi(x) ? undefined : `${text}, got ${fmt(x)}`));
  }
}

// Well-known regexes, as PGV defines them. Strict (the default) follows RFC 7230; the loose form,
// which Envoy mostly asks for (`strict: false`), only forbids NUL, CR and LF.
const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

function compileString(
  r: Record<string, unknown>,
  add: (name: string, describe: (v: never) => string | undefined) => void,
  unknown: (k: string) => void,
  res: ValueCompilation,
): void {
  const strict = r['strict'] !== false;
  for (const [k, v] of Object.entries(r)) {
    switch (k) {
      case 'const': add(k, (x: string) => (x === v ? undefined : `must equal ${q(v)}, got ${q(x)}`)); break;
      case 'len': { const n = Number(v); add(k, (x: string) => (runeCount(x) === n ? undefined : `length must be ${n} characters, got ${runeCount(x)}`)); break; }
      case 'min_len': { const n = Number(v); add(k, (x: string) => (runeCount(x) >= n ? undefined : `length must be at least ${n} characters, got ${runeCount(x)}`)); break; }
      case 'max_len': { const n = Number(v); add(k, (x: string) => (runeCount(x) <= n ? undefined : `length must be at most ${n} characters, got ${runeCount(x)}`)); break; }
      case 'len_bytes': { const n = Number(v); add(k, (x: string) => (utf8Length(x) === n ? undefined : `length must be ${n} bytes, got ${utf8Length(x)}`)); break; }
      case 'min_bytes': { const n = Number(v); add(k, (x: string) => (utf8Length(x) >= n ? undefined : `length must be at least ${n} bytes, got ${utf8Length(x)}`)); break; }
      case 'max_bytes': { const n = Number(v); add(k, (x: string) => (utf8Length(x) <= n ? undefined : `length must be at most ${n} bytes, got ${utf8Length(x)}`)); break; }
      case 'pattern': {
        const c = compileRe2(String(v));
        add(k, (x: string) => (!c.ok ? `pattern ${q(v)} does not compile: ${c.reason}` : c.regexp.test(x) ? undefined : `must match pattern ${q(v)}, got ${q(x)}`));
        break;
      }
      case 'prefix': add(k, (x: string) => (x.startsWith(String(v)) ? undefined : `must start with ${q(v)}, got ${q(x)}`)); break;
      case 'suffix': add(k, (x: string) => (x.endsWith(String(v)) ? undefined : `must end with ${q(v)}, got ${q(x)}`)); break;
      case 'contains': add(k, (x: string) => (x.includes(String(v)) ? undefined : `must contain ${q(v)}, got ${q(x)}`)); break;
      case 'not_contains': add(k, (x: string) => (x.includes(String(v)) ? `must not contain ${q(v)}, got ${q(x)}` : undefined)); break;
      case 'in': { const set = toArray(v).map(String); add(k, (x: string) => (set.includes(x) ? undefined : `must be one of [${set.map(q).join(', ')}], got ${q(x)}`)); break; }
      case 'not_in': { const set = toArray(v).map(String); add(k, (x: string) => (set.includes(x) ? `must not be one of [${set.map(q).join(', ')}], got ${q(x)}` : undefined)); break; }
      case 'email': if (v === true) add(k, (x: string) => (isEmail(x) ? undefined : `must be a valid email address, got ${q(x)}`)); break;
      case 'hostname': if (v === true) add(k, (x: string) => (isHostname(x) ? undefined : `must be a valid hostname, got ${q(x)}`)); break;
      case 'ip': if (v === true) add(k, (x: string) => (isIPv4(x) || isIPv6(x) ? undefined : `must be a valid IP address, got ${q(x)}`)); break;
      case 'ipv4': if (v === true) add(k, (x: string) => (isIPv4(x) ? undefined : `must be a valid IPv4 address, got ${q(x)}`)); break;
      case 'ipv6': if (v === true) add(k, (x: string) => (isIPv6(x) ? undefined : `must be a valid IPv6 address, got ${q(x)}`)); break;
      case 'address': if (v === true) add(k, (x: string) => (isHostname(x) || isIPv4(x) || isIPv6(x) ? undefined : `must be a valid hostname or IP address, got ${q(x)}`)); break;
      case 'uri': if (v === true) add(k, (x: string) => (isUri(x) ? undefined : `must be a valid absolute URI, got ${q(x)}`)); break;
      case 'uri_ref': if (v === true) add(k, (x: string) => (/^[^\s]*$/.test(x) ? undefined : `must be a valid URI reference, got ${q(x)}`)); break;
      case 'uuid': if (v === true) add(k, (x: string) => (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(x) ? undefined : `must be a valid UUID, got ${q(x)}`)); break;
      case 'well_known_regex': {
        const which = String(v);
        if (which === 'HTTP_HEADER_NAME') {
          const re = strict ? HEADER_NAME_STRICT : HEADER_LOOSE;
          add(k, (x: string) => (re.test(x) ? undefined : `must be a valid HTTP header name (${strict ? 'strict' : 'loose'}), got ${q(x)}`));
        } else if (which === 'HTTP_HEADER_VALUE') {
          const re = strict ? HEADER_VALUE_STRICT : HEADER_LOOSE;
          add(k, (x: string) => (re.test(x) ? undefined : `must be a valid HTTP header value (${strict ? 'strict' : 'loose'}), got ${q(x)}`));
        } else if (which !== 'UNKNOWN') {
          unknown(`${k}.${which}`);
        }
        break;
      }
      case 'strict': break; // modifies well_known_regex
      case 'ignore_empty': res.ignoreEmpty = v === true; break;
      default: unknown(k);
    }
  }
}

function compileBytes(
  r: Record<string, unknown>,
  add: (name: string, describe: (v: never) => string | undefined) => void,
  unknown: (k: string) => void,
  res: ValueCompilation,
): void {
  const lit = (v: unknown): Uint8Array => Uint8Array.from(String(v), (ch) => ch.charCodeAt(0) & 0xff);
  for (const [k, v] of Object.entries(r)) {
    switch (k) {
      case 'const': { const c = lit(v); add(k, (x: Uint8Array) => (bytesEqual(x, c) ? undefined : `must equal ${q(v)}`)); break; }
      case 'len': { const n = Number(v); add(k, (x: Uint8Array) => (x.length === n ? undefined : `length must be ${n} bytes, got ${x.length}`)); break; }
      case 'min_len': { const n = Number(v); add(k, (x: Uint8Array) => (x.length >= n ? undefined : `length must be at least ${n} bytes, got ${x.length}`)); break; }
      case 'max_len': { const n = Number(v); add(k, (x: Uint8Array) => (x.length <= n ? undefined : `length must be at most ${n} bytes, got ${x.length}`)); break; }
      case 'prefix': { const c = lit(v); add(k, (x: Uint8Array) => (bytesIndexOf(x, c) === 0 ? undefined : `must start with ${q(v)}`)); break; }
      case 'suffix': { const c = lit(v); add(k, (x: Uint8Array) => (x.length >= c.length && bytesEqual(x.subarray(x.length - c.length), c) ? undefined : `must end with ${q(v)}`)); break; }
      case 'contains': { const c = lit(v); add(k, (x: Uint8Array) => (bytesIndexOf(x, c) >= 0 ? undefined : `must contain ${q(v)}`)); break; }
      case 'in': { const set = toArray(v).map(lit); add(k, (x: Uint8Array) => (set.some((s) => bytesEqual(s, x)) ? undefined : 'must be one of the allowed values')); break; }
      case 'not_in': { const set = toArray(v).map(lit); add(k, (x: Uint8Array) => (set.some((s) => bytesEqual(s, x)) ? 'must not be one of the forbidden values' : undefined)); break; }
      case 'pattern': {
        const c = compileRe2(String(v));
        add(k, (x: Uint8Array) => (!c.ok ? `pattern ${q(v)} does not compile: ${c.reason}` : c.regexp.test(String.fromCharCode(...x)) ? undefined : `must match pattern ${q(v)}`));
        break;
      }
      case 'ip': if (v === true) add(k, (x: Uint8Array) => (x.length === 4 || x.length === 16 ? undefined : `must be a valid IP address in byte form, got ${x.length} bytes`)); break;
      case 'ipv4': if (v === true) add(k, (x: Uint8Array) => (x.length === 4 ? undefined : `must be a valid IPv4 address in byte form, got ${x.length} bytes`)); break;
      case 'ipv6': if (v === true) add(k, (x: Uint8Array) => (x.length === 16 ? undefined : `must be a valid IPv6 address in byte form, got ${x.length} bytes`)); break;
      case 'ignore_empty': res.ignoreEmpty = v === true; break;
      default: unknown(k);
    }
  }
}

// ---- helpers

function toArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** PGV counts string length in Unicode code points. */
function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** A PGV Duration/Timestamp rule value (`{seconds, nanos}`, `{}` = zero) in nanoseconds. */
function durationNanos(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  const o = isPlainObject(v) ? v : {};
  return BigInt((o['seconds'] ?? 0) as string | number) * 1_000_000_000n + BigInt((o['nanos'] ?? 0) as string | number);
}

export function fmtDuration(n: bigint): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const s = a / 1_000_000_000n;
  const frac = a % 1_000_000_000n;
  const f = frac === 0n ? '' : '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${s}${f}s`;
}

function fmtTimestamp(n: bigint): string {
  const ms = Number(n / 1_000_000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : `${n}ns`;
}

function fmtNumber(x: number | bigint): string {
  return String(x);
}

function q(v: unknown): string {
  const s = JSON.stringify(String(v));
  return s.length > 90 ? `${s.slice(0, 80)}…"` : s;
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length < 2) return false;
  let body = s;
  let groups = 8;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + '0';
    groups = 7;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const count = (h: string): number[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g.map((x) => x.length) : undefined;
  };
  const a = count(halves[0]);
  const b = halves.length === 2 ? count(halves[1]) : [];
  if (!a || !b) return false;
  return halves.length === 2 ? a.length + b.length < groups : a.length === groups;
}

function isHostname(s: string): boolean {
  const h = s.endsWith('.') ? s.slice(0, -1) : s;
  if (h.length === 0 || h.length > 253) return false;
  return h.split('.').every((l) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(l));
}

function isEmail(s: string): boolean {
  const m = /^(?:.*<)?([^<>@\s]+)@([^<>@\s]+?)>?$/.exec(s);
  return Boolean(m && m[1].length <= 64 && isHostname(m[2]));
}

function isUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s);
}
