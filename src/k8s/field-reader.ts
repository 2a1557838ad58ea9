// Reads untyped YAML/JSON fields into typed values and collects a problem for every field that is
// malformed, named by its path (`spec.rules[2].matches[0].path.value: must start with "/"`). Parsers
// keep going after a problem, so one bad field never hides the others, and never throw on user input.

export interface FieldProblem {
  /** Dotted path of the field, e.g. `spec.listeners[0].port`. */
  field: string;
  message: string;
}

export function formatProblem(p: FieldProblem): string {
  return `${p.field}: ${p.message}`;
}

export type Fields = Record<string, unknown>;

export interface StringOptions {
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly minLength?: number;
}

const NO_OPTIONS: StringOptions = {};

/** Shared option objects for FieldReader.string, so hot parsers do not allocate one per call. */
export const REQUIRED = { required: true } as const;
export const NON_EMPTY = { minLength: 1 } as const;
export const REQUIRED_NON_EMPTY = { required: true, minLength: 1 } as const;

export class FieldReader {
  readonly problems: FieldProblem[] = [];

  problem(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  /** An object, or undefined when absent (null counts as absent); a problem when it is something else. */
  object(value: unknown, field: string): Fields | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)) return value as Fields;
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
