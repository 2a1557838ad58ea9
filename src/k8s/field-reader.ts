// Reads untyped YAML/JSON fields into typed values and collects a problem for every field that is
// malformed or not translated, named by its path (`spec.rules[2].matches[0].path.value: must start
// with "/"`). Parsers keep going after a problem, so one bad field never hides the others, and never
// throw on user input. Two ways to read, one kind of problem:
//   FieldReader   reads a value found at a path given by the caller (the Gateway API kinds, whose
//                 messages mirror the CRD schemas);
//   ObjectReader  walks one object by key (the policy dialects, written as loosely as their vendors
//                 accept them, and SessionPersistence), and reports keys it does not read.
import { parseGatewayDuration, parseLooseDuration } from './duration.ts';

/**
 * invalid: the object (or the part holding the field) is not applied. unsupported: applied, this
 * field is not.
 */
export type Severity = 'invalid' | 'unsupported';

/** One thing wrong (or not supported) in an object, named by its field path. */
export interface FieldProblem {
  severity: Severity;
  /** Dotted path of the field, e.g. `spec.listeners[0].port`. */
  field: string;
  message: string;
}

export function formatProblem(p: FieldProblem): string {
  return `${p.field}: ${p.message}`;
}

export type Fields = Record<string, unknown>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface StringOptions {
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly minLength?: number;
}

const NO_OPTIONS: StringOptions = {};

/** Shared option objects for FieldReader.string, so hot parsers do not allocate one per call. */
export const NON_EMPTY = { minLength: 1 } as const;
export const REQUIRED_NON_EMPTY = { required: true, minLength: 1 } as const;

export class FieldReader {
  readonly problems: FieldProblem[];

  constructor(problems: FieldProblem[] = []) {
    this.problems = problems;
  }

  problem(field: string, message: string, severity: Severity = 'invalid'): void {
    this.problems.push({ severity, field, message });
  }

  /** An object, or undefined when absent (null counts as absent); a problem when it is something else. */
  object(value: unknown, field: string): Fields | undefined {
    if (value === undefined || value === null) return undefined;
    if (isRecord(value)) return value;
    this.problem(field, 'must be an object');
    return undefined;
  }

  /**
   * Reads each item of a list with `read` (given the item, its field path and index) and keeps the
   * results that are not undefined; [] when the list is absent. A plain loop: parsing runs for every
   * object on every rebuild, so it avoids the intermediate arrays of flatMap.
   */
  list<T>(value: unknown, field: string, read: (item: unknown, itemField: string, index: number) => T | undefined): T[] {
    const items = this.array(value, field);
    const out: T[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = read(items[i], `${field}[${i}]`, i);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** A list; [] when absent. */
  array(value: unknown, field: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    this.problem(field, 'must be a list');
    return [];
  }

  string(value: unknown, field: string, opts: StringOptions = NO_OPTIONS): string | undefined {
    if (value === undefined || value === null) {
      if (opts.required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problem(field, 'must be a string');
      return undefined;
    }
    if (opts.minLength !== undefined && value.length < opts.minLength) {
      this.problem(field, value.length === 0 ? 'must not be empty' : `must be at least ${opts.minLength} characters`);
      return undefined;
    }
    if (opts.maxLength !== undefined && value.length > opts.maxLength) {
      this.problem(field, `must be at most ${opts.maxLength} characters`);
      return undefined;
    }
    return value;
  }

  /** An integer in [min, max]; numeric strings are not accepted (the API server would refuse them). */
  int(value: unknown, field: string, min: number, max: number, opts: { readonly required?: boolean } = NO_OPTIONS): number | undefined {
    if (value === undefined || value === null) {
      if (opts.required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.problem(field, 'must be an integer');
      return undefined;
    }
    if (value < min || value > max) {
      this.problem(field, `must be between ${min} and ${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  bool(value: unknown, field: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    this.problem(field, 'must be true or false');
    return undefined;
  }

  /** One of `allowed`; `fallback` when absent (the CRD default); undefined (and a problem) when unknown. */
  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T | undefined;
  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined;
  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback?: T): T | undefined {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(field, `unsupported value ${JSON.stringify(value)}: must be one of ${allowed.join(', ')}`);
    return undefined;
  }

  /** A map of string to string (labels); {} when absent. */
  stringMap(value: unknown, field: string): Record<string, string> {
    const o = this.object(value, field);
    const out: Record<string, string> = {};
    if (!o) return out;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string') out[k] = v;
      else this.problem(`${field}.${k}`, 'must be a string');
    }
    return out;
  }
}

/**
 * A typed reader over one object's keys: each accessor records a problem (in the shared list) when
 * the field has the wrong type, and `unknownKeys` reports fields this project does not read (never
 * silently ignored).
 */
export class ObjectReader {
  readonly problems: FieldProblem[];
  readonly path: string;
  readonly obj: Record<string, unknown>;
  readonly #values: FieldReader;

  constructor(obj: Record<string, unknown>, path: string, problems: FieldProblem[]) {
    this.obj = obj;
    this.path = path;
    this.problems = problems;
    this.#values = new FieldReader(problems);
  }

  field(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  invalid(key: string, message: string): void {
    this.#values.problem(this.field(key), message, 'invalid');
  }

  unsupported(key: string, message: string): void {
    this.#values.problem(this.field(key), message, 'unsupported');
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

  /** An integer in [min, max]; unlike FieldReader.int, a string of digits counts (vendors accept it). */
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
  child(key: string): ObjectReader | undefined {
    const o = this.#values.object(this.obj[key], this.field(key));
    return o && new ObjectReader(o, this.field(key), this.problems);
  }

  /** Items of an array field that are objects, each with its own reader. */
  list(key: string): ObjectReader[] {
    const field = this.field(key);
    return this.#values.list(this.obj[key], field, (item, itemField) => {
      if (isRecord(item)) return new ObjectReader(item, itemField, this.problems);
      this.#values.problem(itemField, 'must be an object');
      return undefined;
    });
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
