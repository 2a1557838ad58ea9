// Reading the fields of sticky-session objects as users write them: plain YAML, no apiserver
// defaulting, no CEL. Every parser in this folder reports what is wrong as FieldProblems (field path +
// message) instead of throwing, so one bad object never hides another.
import { parseGatewayDuration, parseLooseDuration } from './duration.ts';

/** One thing wrong (or not supported) in an object, named by its field path. */
export interface FieldProblem {
  /** invalid: the object (or the part holding the field) is not applied. unsupported: applied, this field is not. */
  severity: 'invalid' | 'unsupported';
  /** Dotted path, e.g. `spec.rules[1].sessionPersistence.absoluteTimeout`. */
  field: string;
  message: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** RFC 7230 token (cookie names per RFC 6265 and header names use the same characters). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/**
 * A small typed reader over an unknown object: each accessor records a problem when the field has
 * the wrong type, and `unknownKeys` reports fields this project does not read (never silently
 * ignored).
 */
export class FieldReader {
  readonly problems: FieldProblem[];
  readonly path: string;
  readonly obj: Record<string, unknown>;

  constructor(obj: Record<string, unknown>, path: string, problems: FieldProblem[]) {
    this.obj = obj;
    this.path = path;
    this.problems = problems;
  }

  field(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  invalid(key: string, message: string): void {
    this.problems.push({ severity: 'invalid', field: this.field(key), message });
  }

  unsupported(key: string, message: string): void {
    this.problems.push({ severity: 'unsupported', field: this.field(key), message });
  }

  string(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.invalid(key, `must be a string, got ${JSON.stringify(v)}`);
    return undefined;
  }

  bool(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    this.invalid(key, `must be true or false, got ${JSON.stringify(v)}`);
    return undefined;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      this.invalid(key, `must be an integer, got ${JSON.stringify(v)}`);
      return undefined;
    }
    if (n < min || n > max) {
      this.invalid(key, `must be between ${min} and ${max}, got ${n}`);
      return undefined;
    }
    return n;
  }

  enumOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    this.invalid(key, `must be one of ${values.join(', ')}, got "${v}"`);
    return undefined;
  }

  /** A nested object, or undefined (with a problem when present but not an object). */
  child(key: string): FieldReader | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (!isRecord(v)) {
      this.invalid(key, 'must be an object');
      return undefined;
    }
    return new FieldReader(v, this.field(key), this.problems);
  }

  /** Items of an array field that are objects, each with its own reader. */
  list(key: string): FieldReader[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.invalid(key, 'must be a list');
      return [];
    }
    const out: FieldReader[] = [];
    v.forEach((item, i) => {
      if (isRecord(item)) out.push(new FieldReader(item, `${this.field(key)}[${i}]`, this.problems));
      else this.problems.push({ severity: 'invalid', field: `${this.field(key)}[${i}]`, message: 'must be an object' });
    });
    return out;
  }

  /** A duration field in Gateway API form; an invalid one is reported. */
  gatewayDuration(key: string): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const s = parseGatewayDuration(text);
    if (s === undefined) this.invalid(key, `"${text}" is not a Gateway API duration (e.g. 10s, 1h30m; pattern ^([0-9]{1,5}(h|m|s|ms)){1,4}$)`);
    return s;
  }

  /** A duration field in Go / protobuf form (`60s`, `1.5s`, `1h30m`). */
  looseDuration(key: string): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && v >= 0) return v; // some users write plain seconds
    if (typeof v !== 'string') {
      this.invalid(key, `must be a duration such as 60s, got ${JSON.stringify(v)}`);
      return undefined;
    }
    const s = parseLooseDuration(v);
    if (s === undefined) this.invalid(key, `"${v}" is not a duration (e.g. 60s, 1.5s, 1h30m)`);
    return s;
  }

  /** Reports every key not in `known` as not translated (unsupported). */
  unknownKeys(known: readonly string[], what = 'Tether does not translate this field'): void {
    for (const key of Object.keys(this.obj).sort()) {
      if (!known.includes(key) && this.obj[key] !== undefined) this.unsupported(key, what);
    }
  }
}
