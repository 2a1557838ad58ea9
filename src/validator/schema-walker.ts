// Walks a proto3 JSON value against the plain message schemas of the proto registry: structure
// (unknown and doubled fields), value types (integer ranges, 64-bit strings, base64, enums,
// well-known types), Anys (resolved by `@type` and descended into, as Envoy does when it builds
// the extension), oneofs, PGV rules, deprecation and work-in-progress status, and the semantic
// checks registered per message type. Per-type work is compiled once and memoised.
import { isWrapperType, parseDuration, TYPE_URL_PREFIX } from '../codec/proto-registry.ts';
import type { EnumSchema, FieldSchema, MessageSchema, ProtoRegistry, ScalarKind } from '../codec/proto-registry.ts';

/** What the walker needs from the proto registry (tests may hand-write schemas). */
export type SchemaSource = Pick<ProtoRegistry, 'message' | 'enum' | 'messageNames' | 'decode'>;
import { suggestion } from './did-you-mean.ts';
import type { Finding } from './finding.ts';
import { fieldPath, indexPath, keyPath } from './finding.ts';
import { compileFieldRules, fieldRulesOf, fmtDuration, isEmptyValue } from './pgv-rules.ts';
import type { CompiledRules } from './pgv-rules.ts';

export interface WalkOptions {
  /**
   * Proto3 JSON only (the default): wrappers as bare values, durations as "1.5s" strings, Anys
   * with `@type`. Off, the protobufjs object forms (`{value}`, `{seconds, nanos}`, packed
   * `{type_url, value}`) are accepted too.
   */
  strictJson?: boolean;
}

/** What semantic checks can do: report errors and warnings. */
export interface CheckContext {
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

/** A check Envoy makes in C++ at load time, run on every message of one type. */
export type SemanticCheck = (json: Record<string, unknown>, path: string, ctx: CheckContext) => void;

type Wkt = 'duration' | 'timestamp' | 'wrapper' | 'struct' | 'value' | 'list' | 'fieldmask' | 'any';

interface FieldPlan {
  schema: FieldSchema;
  name: string;
  rules?: CompiledRules;
  /** The rule kind reported when a required message is absent. */
  requiredKind: string;
  /** Enum fields whose rules include defined_only leave undefined numbers to PGV. */
  definedOnly: boolean;
  /** Plain proto3 scalars: absent means the default, to which rules still apply. */
  appliesToDefault: boolean;
  /** Member of a real (not proto3 `optional`) oneof: PGV checks it only when set. */
  inOneof: boolean;
  deprecated?: { since?: string; disallowed: boolean };
  wip: boolean;
  enumSchema?: EnumSchema;
  enumNumbers?: Set<number>;
  wkt?: Wkt;
  /** Inner scalar kind for wrappers. */
  wrapped?: ScalarKind;
}

interface MessagePlan {
  schema: MessageSchema;
  byKey: Map<string, FieldPlan>;
  /** Fields whose rules must be checked when absent. */
  absentChecks: FieldPlan[];
  oneofs: { name: string; fields: string[]; required: boolean }[];
  candidates: string[];
  pgvDisabled: boolean;
  wip: boolean;
}

const WRAPPED: Record<string, ScalarKind> = {
  'google.protobuf.DoubleValue': 'double', 'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64', 'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32', 'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool', 'google.protobuf.StringValue': 'string', 'google.protobuf.BytesValue': 'bytes',
};

const WKT_BY_NAME: Record<string, Wkt> = {
  'google.protobuf.Duration': 'duration', 'google.protobuf.Timestamp': 'timestamp',
  'google.protobuf.Struct': 'struct', 'google.protobuf.Value': 'value', 'google.protobuf.ListValue': 'list',
  'google.protobuf.FieldMask': 'fieldmask', 'google.protobuf.Any': 'any',
};

const wktOf = (name: string): Wkt | undefined => WKT_BY_NAME[name] ?? (isWrapperType(name) ? 'wrapper' : undefined);

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], sint32: [-(2n ** 31n), 2n ** 31n - 1n], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], sint64: [-(2n ** 63n), 2n ** 63n - 1n], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n], fixed64: [0n, 2n ** 64n - 1n],
};
const INT32_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1], sint32: [-(2 ** 31), 2 ** 31 - 1], sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1], fixed32: [0, 2 ** 32 - 1],
};
const FLOAT_MAX = 3.4028234663852886e38;
const MAX_DURATION_SECONDS = 315_576_000_000n;

/** Sentinel: the value had the wrong type (already reported), so no rule applies to it. */
const BAD = Symbol('bad');
type Norm = unknown;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 50)}…"` : s;
  }
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : typeof v;
}

function optionValue(options: Record<string, unknown>[], key: string): unknown {
  for (const o of options) if (key in o) return o[key];
  return undefined;
}

/** Compiles and caches per-type plans; one instance per registry. */
export class SchemaWalker {
  private readonly registry: SchemaSource;
  private readonly checks: ReadonlyMap<string, SemanticCheck>;
  private readonly plans = new Map<string, MessagePlan | null>();
  private typeNames: string[] | undefined;

  constructor(registry: SchemaSource, checks: ReadonlyMap<string, SemanticCheck>) {
    this.registry = registry;
    this.checks = checks;
  }

  /** The compiled plan of a message type (undefined if the type is not loaded). */
  plan(typeName: string): MessagePlan | undefined {
    let p = this.plans.get(typeName);
    if (p === undefined) {
      const schema = this.registry.message(typeName);
      p = schema ? this.compile(schema) : null;
      this.plans.set(typeName, p);
    }
    return p ?? undefined;
  }

  /** Rule kinds in a type's field options that pgv-rules does not implement (for the census). */
  unsupportedRules(typeName: string): string[] {
    const p = this.plan(typeName);
    if (!p) return [];
    const out: string[] = [];
    for (const f of p.byKey.values()) if (f.rules) out.push(...f.rules.unsupported);
    return [...new Set(out)];
  }

  /** Validates `json` as a message of `typeName`, appending to `findings`. */
  validate(typeName: string, json: unknown, options: WalkOptions, findings: Finding[]): void {
    const run = new Walk(this, options.strictJson !== false, findings);
    run.message(typeName, json, '');
  }

  /** Every loaded message type name (did-you-mean candidates for unknown `@type`s). */
  allTypeNames(): string[] {
    this.typeNames ??= this.registry.messageNames();
    return this.typeNames;
  }

  semanticCheck(typeName: string): SemanticCheck | undefined {
    return this.checks.get(typeName);
  }

  enumSchema(name: string): EnumSchema | undefined {
    return this.registry.enum(name);
  }

  decode(typeName: string, bytes: Uint8Array): unknown {
    return this.registry.decode(typeName, bytes);
  }

  private compile(schema: MessageSchema): MessagePlan {
    const byKey = new Map<string, FieldPlan>();
    const absentChecks: FieldPlan[] = [];
    const syntheticOneofs = new Set(schema.oneofs.filter((o) => o.synthetic).map((o) => o.name));
    for (const f of schema.fields) {
      const fp = this.compileField(f, syntheticOneofs);
      byKey.set(f.name, fp);
      if (f.jsonName !== f.name) byKey.set(f.jsonName, fp);
      const r = fp.rules;
      if (r && (fp.appliesToDefault || (r.required && !fp.inOneof) || (fp.schema.repeated && r.repeated) || (fp.schema.mapKey && r.map))) absentChecks.push(fp);
    }
    const pgvDisabled = optionValue(schema.options, '(validate.disabled)') === true || optionValue(schema.options, '(validate.ignored)') === true;
    const status = optionValue(schema.options, '(xds.annotations.v3.message_status)');
    return {
      schema,
      byKey,
      absentChecks,
      oneofs: schema.oneofs
        .filter((o) => !o.synthetic)
        .map((o) => ({ name: o.name, fields: o.fields, required: optionValue(o.options, '(validate.required)') === true })),
      candidates: schema.fields.map((f) => f.name),
      pgvDisabled,
      wip: isObject(status) && status['work_in_progress'] === true,
    };
  }

  private compileField(f: FieldSchema, syntheticOneofs: Set<string>): FieldPlan {
    const inRealOneof = f.oneof !== undefined && !syntheticOneofs.has(f.oneof);
    const plainScalar = f.value.kind !== 'message' && !f.repeated && !f.mapKey && !inRealOneof && !f.proto3Optional;
    const fp: FieldPlan = {
      schema: f,
      name: f.name,
      requiredKind: 'message.required',
      definedOnly: false,
      appliesToDefault: plainScalar,
      inOneof: inRealOneof,
      wip: false,
    };
    if (f.value.kind === 'enum') {
      fp.enumSchema = this.registry.enum(f.value.enumName);
      fp.enumNumbers = new Set(Object.values(fp.enumSchema?.values ?? {}));
    }
    if (f.value.kind === 'message') {
      fp.wkt = wktOf(f.value.messageName);
      if (fp.wkt === 'wrapper') fp.wrapped = WRAPPED[f.value.messageName];
    }
    const raw = fieldRulesOf(f.options);
    if (raw) {
      fp.rules = compileFieldRules(raw, fp.enumNumbers);
      const enumRule = (raw['enum'] ?? (raw['repeated'] as Record<string, Record<string, unknown>> | undefined)?.['items']?.['enum']
        ?? (raw['map'] as Record<string, Record<string, unknown>> | undefined)?.['values']?.['enum']) as Record<string, unknown> | undefined;
      fp.definedOnly = enumRule?.['defined_only'] === true;
      if (fp.wkt === 'duration' && fp.rules.required && !raw['message']) fp.requiredKind = 'duration.required';
      if (fp.wkt === 'timestamp' && fp.rules.required && !raw['message']) fp.requiredKind = 'timestamp.required';
      if (fp.wkt === 'any' && fp.rules.required && !raw['message']) fp.requiredKind = 'any.required';
    }
    if (optionValue(f.options, 'deprecated') === true) {
      const since = optionValue(f.options, '(envoy.annotations.deprecated_at_minor_version)');
      fp.deprecated = {
        since: typeof since === 'string' ? since : undefined,
        disallowed: optionValue(f.options, '(envoy.annotations.disallowed_by_default)') === true,
      };
    } else if (optionValue(f.options, '(envoy.annotations.disallowed_by_default)') === true) {
      fp.deprecated = { disallowed: true };
    }
    const status = optionValue(f.options, '(xds.annotations.v3.field_status)');
    fp.wip = isObject(status) && status['work_in_progress'] === true;
    return fp;
  }
}

/** One validation run: the findings and the options it reports under. */
class Walk {
  private readonly w: SchemaWalker;
  private readonly strict: boolean;
  private readonly findings: Finding[];
  private pgvOff = 0;
  private errorCount = 0;

  constructor(w: SchemaWalker, strict: boolean, findings: Finding[]) {
    this.w = w;
    this.strict = strict;
    this.findings = findings;
  }

  /** A value of the wrong shape or type: checks of enclosing messages are skipped after it. */
  error(path: string, message: string): void {
    this.errorCount++;
    this.findings.push({ level: 'error', path, message });
  }

  /** A rule violation (PGV, oneof, semantic) on a well-formed value. */
  ruleError(path: string, message: string): void {
    this.findings.push({ level: 'error', path, message });
  }

  warn(path: string, message: string): void {
    this.findings.push({ level: 'warning', path, message });
  }

  private readonly checkContext: CheckContext = {
    error: (path, message) => this.ruleError(path, message),
    warn: (path, message) => this.warn(path, message),
  };

  /** Validates a value of a message type, well-known types included; returns its normalised value. */
  message(typeName: string, json: unknown, path: string, skipKey?: string): Norm {
    const wkt = wktOf(typeName);
    if (wkt) return this.wellKnown(wkt, typeName, json, path);
    const plan = this.w.plan(typeName);
    if (!plan) {
      this.error(path, `unknown message type ${typeName}`);
      return BAD;
    }
    if (!isObject(json)) {
      this.error(path, `expected an object (${typeName}), got ${describe(json)}`);
      return BAD;
    }
    if (plan.wip) this.warn(path, `${typeName} is work in progress and may change or be rejected`);
    if (plan.pgvDisabled) this.pgvOff++;
    const errorsBefore = this.errorCount;
    const present = new Map<string, string>(); // field name → key used, for fields set
    const given = new Map<string, string>(); // field name → key used, null included
    for (const key of Object.keys(json)) {
      if (key === skipKey) continue;
      const v = json[key];
      if (v === undefined) continue;
      const f = plan.byKey.get(key);
      if (!f) {
        this.error(fieldPath(path, key), `unknown field "${key}" in ${typeName}${suggestion(key, plan.candidates)}`);
        continue;
      }
      const p = fieldPath(path, f.name);
      const prev = given.get(f.name);
      if (prev !== undefined) {
        this.error(p, `field given twice, as "${prev}" and "${key}"`);
        continue;
      }
      given.set(f.name, key);
      // proto3 JSON: null means absent, except for google.protobuf.Value (where it is NULL_VALUE).
      if (v === null && !(f.wkt === 'value' && !f.schema.repeated && !f.schema.mapKey)) continue;
      present.set(f.name, key);
      this.field(f, v, p);
    }
    for (const o of plan.oneofs) {
      let set: string[] | undefined;
      for (const name of o.fields) if (present.has(name)) (set ??= []).push(name);
      if (set && set.length > 1) this.ruleError(path, `oneof ${o.name}: more than one member set (${set.join(', ')})`);
      else if (!set && o.required && this.pgvOff === 0) this.ruleError(path, `oneof ${o.name} is required: set one of ${o.fields.join(', ')}`);
    }
    if (this.pgvOff === 0) {
      for (const f of plan.absentChecks) {
        if (present.has(f.name)) continue;
        this.absent(f, fieldPath(path, f.name));
      }
    }
    if (plan.pgvDisabled) this.pgvOff--;
    // Semantic checks assume a structurally valid message; after an error they would only echo it.
    const check = this.w.semanticCheck(typeName);
    if (check && this.errorCount === errorsBefore) check(json, path, this.checkContext);
    return true;
  }

  /** PGV on an absent field: defaults for plain scalars, empty collections, required messages. */
  private absent(f: FieldPlan, path: string): void {
    const r = f.rules!;
    if (f.schema.mapKey) {
      if (r.map) this.mapRules(r, 0, path);
    } else if (f.schema.repeated) {
      if (r.repeated) this.repeatedRules(r, [], path);
    } else if (f.appliesToDefault) {
      if (r.value && !r.ignoreEmpty) r.value(this.defaultOf(f), (m) => this.ruleError(path, m));
    } else if (r.required) {
      this.ruleError(path, `${f.requiredKind}: value is required`);
    }
  }

  private defaultOf(f: FieldPlan): Norm {
    const v = f.schema.value;
    if (v.kind === 'enum') return 0;
    if (v.kind === 'scalar') {
      if (v.scalar === 'string') return '';
      if (v.scalar === 'bytes') return new Uint8Array();
      if (v.scalar === 'bool') return false;
      if (INT_RANGES[v.scalar] && !INT32_RANGES[v.scalar]) return 0n;
      return 0;
    }
    return undefined;
  }

  private field(f: FieldPlan, v: unknown, path: string): void {
    const r = this.pgvOff === 0 ? f.rules : undefined;
    if (r?.skip) {
      // message.skip: the nested message's own rules are not applied; its shape still is.
      this.pgvOff++;
      try {
        this.fieldValue(f, v, path, r);
      } finally {
        this.pgvOff--;
      }
      return;
    }
    this.fieldValue(f, v, path, r);
  }

  private fieldValue(f: FieldPlan, v: unknown, path: string, r: CompiledRules | undefined): void {
    if (f.schema.mapKey) {
      if (!isObject(v)) {
        this.error(path, `expected an object (map), got ${describe(v)}`);
        return;
      }
      const keys = Object.keys(v);
      for (const k of keys) {
        const kp = keyPath(path, k);
        const nk = this.mapKey(f.schema.mapKey, k, kp);
        const x = v[k];
        if (x === null && f.wkt !== 'value') {
          if (!r?.map?.noSparse) this.error(kp, 'null is not a valid map value');
          else this.ruleError(kp, 'map.no_sparse: map values must not be null');
          continue;
        }
        const nv = this.single(f, x, kp);
        if (r?.map?.values && nv !== BAD) r.map.values(nv, (m) => this.ruleError(kp, m));
        if (r?.map?.keys && nk !== BAD) r.map.keys(nk, (m) => this.ruleError(kp, m));
      }
      if (r?.map) this.mapRules(r, keys.length, path);
      if (keys.length > 0) this.status(f, path);
      return;
    }
    if (f.schema.repeated) {
      if (!Array.isArray(v)) {
        this.error(path, `expected an array, got ${describe(v)}`);
        return;
      }
      const norm: Norm[] = [];
      for (let i = 0; i < v.length; i++) {
        const ip = indexPath(path, i);
        const x: unknown = v[i];
        if (x === null || x === undefined) {
          this.error(ip, 'null is not a valid list element');
          norm.push(BAD);
          continue;
        }
        const nv = this.single(f, x, ip);
        norm.push(nv);
        if (r?.repeated?.items && nv !== BAD) r.repeated.items(nv, (m) => this.ruleError(ip, m));
      }
      if (r?.repeated) this.repeatedRules(r, norm, path);
      if (v.length > 0) this.status(f, path);
      return;
    }
    const nv = this.single(f, v, path);
    if (nv === BAD) return;
    if (r?.value && !(r.ignoreEmpty && isEmptyValue(nv))) r.value(nv, (m) => this.ruleError(path, m));
    const isDefault = f.schema.value.kind !== 'message' && f.appliesToDefault && (isEmptyValue(nv) || (f.schema.value.kind === 'enum' && nv === 0));
    if (!isDefault) this.status(f, path);
  }

  /** Deprecation and work-in-progress status of a field that is set. */
  private status(f: FieldPlan, path: string): void {
    if (f.deprecated) {
      const since = f.deprecated.since ? ` (since ${f.deprecated.since})` : '';
      if (f.deprecated.disallowed) this.error(path, `deprecated field ${f.name}${since} is disallowed by default: Envoy rejects it unless a runtime override re-enables it`);
      else this.warn(path, `deprecated field ${f.name}${since}`);
    }
    if (f.wip) this.warn(path, `field ${f.name} is work in progress: Envoy may change or reject it`);
  }

  private repeatedRules(r: CompiledRules, items: Norm[], path: string): void {
    const rr = r.repeated!;
    if (rr.ignoreEmpty && items.length === 0) return;
    if (rr.minItems !== undefined && items.length < rr.minItems) this.ruleError(path, `repeated.min_items: must have at least ${rr.minItems} item(s), got ${items.length}`);
    if (rr.maxItems !== undefined && items.length > rr.maxItems) this.ruleError(path, `repeated.max_items: must have at most ${rr.maxItems} item(s), got ${items.length}`);
    if (rr.unique) {
      const seen = new Map<string, number>();
      items.forEach((x, i) => {
        if (x === BAD) return;
        const k = uniqueKey(x);
        const j = seen.get(k);
        if (j !== undefined) this.ruleError(indexPath(path, i), `repeated.unique: items must be unique; repeats item ${j}`);
        else seen.set(k, i);
      });
    }
  }

  private mapRules(r: CompiledRules, count: number, path: string): void {
    const mr = r.map!;
    if (mr.ignoreEmpty && count === 0) return;
    if (mr.minPairs !== undefined && count < mr.minPairs) this.ruleError(path, `map.min_pairs: must have at least ${mr.minPairs} pair(s), got ${count}`);
    if (mr.maxPairs !== undefined && count > mr.maxPairs) this.ruleError(path, `map.max_pairs: must have at most ${mr.maxPairs} pair(s), got ${count}`);
  }

  private mapKey(kind: ScalarKind, k: string, path: string): Norm {
    if (kind === 'string') return k;
    if (kind === 'bool') {
      if (k === 'true') return true;
      if (k === 'false') return false;
      this.error(path, `map key must be "true" or "false", got ${describe(k)}`);
      return BAD;
    }
    return this.scalar(kind, k, path);
  }

  /** One value of a field (an element, for repeated and map fields). */
  private single(f: FieldPlan, v: unknown, path: string): Norm {
    const t = f.schema.value;
    if (t.kind === 'scalar') return this.scalar(t.scalar, v, path);
    if (t.kind === 'enum') return this.enumValue(f, v, path);
    return this.message(t.messageName, v, path);
  }

  private enumValue(f: FieldPlan, v: unknown, path: string): Norm {
    const e = f.enumSchema;
    const enumName = f.schema.value.kind === 'enum' ? f.schema.value.enumName : '?';
    if (!e) {
      this.error(path, `unknown enum type ${enumName}`);
      return BAD;
    }
    if (enumName === 'google.protobuf.NullValue' && v === null) return 0;
    if (typeof v === 'string') {
      const n = e.values[v];
      if (n === undefined) {
        this.error(path, `unknown value ${describe(v)} of enum ${enumName}${suggestion(v, Object.keys(e.values))}`);
        return BAD;
      }
      this.enumStatus(e, v, path);
      return n;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
      if (!f.enumNumbers!.has(v)) {
        if (!f.definedOnly || this.pgvOff > 0) this.error(path, `${v} is not a value of enum ${enumName}`);
        return v;
      }
      const name = Object.keys(e.values).find((k) => e.values[k] === v);
      if (name !== undefined) this.enumStatus(e, name, path);
      return v;
    }
    this.error(path, `expected an enum value name or number (${enumName}), got ${describe(v)}`);
    return BAD;
  }

  private enumStatus(e: EnumSchema, name: string, path: string): void {
    const o = e.valueOptions[name];
    if (!o) return;
    if (o['(envoy.annotations.disallowed_by_default_enum)'] === true) {
      this.error(path, `enum value ${name} of ${e.fullName} is deprecated and disallowed by default`);
    } else if (o['deprecated'] === true) {
      const since = o['(envoy.annotations.deprecated_at_minor_version_enum)'];
      this.warn(path, `deprecated enum value ${name} of ${e.fullName}${typeof since === 'string' ? ` (since ${since})` : ''}`);
    }
    const st = o['(xds.annotations.v3.enum_value_status)'];
    if (isObject(st) && st['work_in_progress'] === true) this.warn(path, `enum value ${name} is work in progress`);
  }

  private scalar(kind: ScalarKind, v: unknown, path: string): Norm {
    switch (kind) {
      case 'bool':
        if (typeof v === 'boolean') return v;
        this.error(path, `expected a bool, got ${describe(v)}`);
        return BAD;
      case 'string':
        if (typeof v === 'string') {
          if (!v.isWellFormed()) {
            this.error(path, 'string is not valid UTF-8 (lone surrogate)');
            return BAD;
          }
          return v;
        }
        this.error(path, `expected a string, got ${describe(v)}`);
        return BAD;
      case 'bytes': {
        const b = typeof v === 'string' ? decodeBase64(v) : undefined;
        if (b) return b;
        this.error(path, `expected base64-encoded bytes, got ${describe(v)}`);
        return BAD;
      }
      case 'double':
      case 'float': {
        let n: number | undefined;
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) {
            this.error(path, `${String(v)} must be written as the string "${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}" in proto3 JSON`);
            return BAD;
          }
          n = v;
        } else if (typeof v === 'string') {
          if (v === 'NaN') return NaN;
          if (v === 'Infinity') return Infinity;
          if (v === '-Infinity') return -Infinity;
          if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) n = Number(v);
        }
        if (n === undefined) {
          this.error(path, `expected a ${kind} (number, or "NaN"/"Infinity"/"-Infinity"), got ${describe(v)}`);
          return BAD;
        }
        if (kind === 'float' && Math.abs(n) > FLOAT_MAX) {
          this.error(path, `float out of range: ${n}`);
          return BAD;
        }
        return n;
      }
      default: {
        const range = INT_RANGES[kind];
        const is64 = !INT32_RANGES[kind];
        let big: bigint | undefined;
        if (typeof v === 'number') {
          if (!Number.isInteger(v)) {
            this.error(path, `expected an integer (${kind}), got ${describe(v)}`);
            return BAD;
          }
          if (is64 && !Number.isSafeInteger(v)) {
            this.error(path, `${kind} ${describe(v)} is not exactly representable as a JSON number; write it as a decimal string`);
            return BAD;
          }
          big = BigInt(v);
        } else if (typeof v === 'string' && /^-?\d+$/.test(v)) {
          big = BigInt(v);
        } else {
          this.error(path, `expected ${is64 ? 'a' : 'an'} ${kind} (number or decimal string), got ${describe(v)}`);
          return BAD;
        }
        if (big < range[0] || big > range[1]) {
          this.error(path, `${kind} out of range: ${big}`);
          return BAD;
        }
        return is64 ? big : Number(big);
      }
    }
  }

  private wellKnown(wkt: Wkt, typeName: string, v: unknown, path: string): Norm {
    switch (wkt) {
      case 'duration': {
        if (typeof v === 'string') {
          const d = parseDuration(v);
          if (!d) {
            this.error(path, `expected a Duration like "1.5s", got ${describe(v)}`);
            return BAD;
          }
          return BigInt(d.seconds) * 1_000_000_000n + BigInt(d.nanos);
        }
        if (isObject(v) && !this.strict) return this.secondsNanos(typeName, v, path);
        this.error(path, `expected a Duration string like "1.5s"${this.strict ? '' : ' or {seconds, nanos}'}, got ${describe(v)}`);
        return BAD;
      }
      case 'timestamp': {
        if (typeof v === 'string') {
          const t = parseTimestamp(v);
          if (t === undefined) {
            this.error(path, `expected an RFC 3339 Timestamp like "2024-01-01T00:00:00Z", got ${describe(v)}`);
            return BAD;
          }
          return t;
        }
        if (isObject(v) && !this.strict) return this.secondsNanos(typeName, v, path);
        this.error(path, `expected an RFC 3339 Timestamp string, got ${describe(v)}`);
        return BAD;
      }
      case 'wrapper': {
        const inner = WRAPPED[typeName];
        if (isObject(v)) {
          if (this.strict) {
            this.error(path, `proto3 JSON writes ${typeName} as a bare ${inner}, not an object`);
            return BAD;
          }
          const extra = Object.keys(v).filter((k) => k !== 'value');
          for (const k of extra) this.error(fieldPath(path, k), `unknown field "${k}" in ${typeName}`);
          return v['value'] === undefined || v['value'] === null ? this.defaultScalar(inner) : this.scalar(inner, v['value'], fieldPath(path, 'value'));
        }
        return this.scalar(inner, v, path);
      }
      case 'struct':
        if (!isObject(v)) {
          this.error(path, `expected an object (Struct), got ${describe(v)}`);
          return BAD;
        }
        for (const [k, x] of Object.entries(v)) this.jsonValue(x, keyPath(path, k));
        return true;
      case 'value':
        this.jsonValue(v, path);
        return true;
      case 'list':
        if (!Array.isArray(v)) {
          this.error(path, `expected an array (ListValue), got ${describe(v)}`);
          return BAD;
        }
        v.forEach((x, i) => this.jsonValue(x, indexPath(path, i)));
        return true;
      case 'fieldmask':
        if (typeof v === 'string') {
          if (v !== '' && !v.split(',').every((p) => /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/.test(p))) {
            this.error(path, `expected a FieldMask of comma-separated lowerCamel paths, got ${describe(v)}`);
            return BAD;
          }
          return v;
        }
        this.error(path, `expected a FieldMask string, got ${describe(v)}`);
        return BAD;
      case 'any':
        return this.any(v, path);
    }
  }

  private defaultScalar(kind: ScalarKind): Norm {
    if (kind === 'string') return '';
    if (kind === 'bytes') return new Uint8Array();
    if (kind === 'bool') return false;
    return INT32_RANGES[kind] || kind === 'double' || kind === 'float' ? 0 : 0n;
  }

  /** Object-form Duration/Timestamp (non-strict mode only). */
  private secondsNanos(typeName: string, v: Record<string, unknown>, path: string): Norm {
    let ok = true;
    for (const k of Object.keys(v)) {
      if (k !== 'seconds' && k !== 'nanos') {
        this.error(fieldPath(path, k), `unknown field "${k}" in ${typeName}`);
        ok = false;
      }
    }
    const s = v['seconds'] === undefined ? 0n : this.scalar('int64', v['seconds'], fieldPath(path, 'seconds'));
    const n = v['nanos'] === undefined ? 0 : this.scalar('int32', v['nanos'], fieldPath(path, 'nanos'));
    if (s === BAD || n === BAD || !ok) return BAD;
    const sec = s as bigint;
    const nanos = n as number;
    if (typeName === 'google.protobuf.Timestamp' ? nanos < 0 || nanos > 999_999_999 : nanos > 999_999_999 || nanos < -999_999_999 || (sec > 0n && nanos < 0) || (sec < 0n && nanos > 0)) {
      const rule = typeName === 'google.protobuf.Timestamp' ? 'within 0..999999999' : 'within ±999999999 and have the sign of seconds';
      this.error(fieldPath(path, 'nanos'), `nanos must be ${rule}, got ${nanos}`);
      return BAD;
    }
    const total = (s as bigint) * 1_000_000_000n + BigInt(n as number);
    if (typeName === 'google.protobuf.Duration' && (total > MAX_DURATION_SECONDS * 1_000_000_000n || total < -MAX_DURATION_SECONDS * 1_000_000_000n)) {
      this.error(path, `Duration out of range: ${fmtDuration(total)}`);
      return BAD;
    }
    return total;
  }

  private jsonValue(v: unknown, path: string): void {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) this.error(path, `${String(v)} is not representable in a google.protobuf.Value`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => this.jsonValue(x, indexPath(path, i)));
      return;
    }
    if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) this.jsonValue(x, keyPath(path, k));
      return;
    }
    this.error(path, `not a JSON value: ${describe(v)}`);
  }

  /** An Any: resolve `@type`, check the payload as that type. Returns the type URL for PGV any rules. */
  /** Envoy validates an extension's unpacked config on its own: PGV applies there afresh. */
  private inAny(walk: () => void): void {
    const saved = this.pgvOff;
    this.pgvOff = 0;
    try {
      walk();
    } finally {
      this.pgvOff = saved;
    }
  }

  private any(v: unknown, path: string): Norm {
    if (!isObject(v)) {
      this.error(path, `expected an object with "@type" (Any), got ${describe(v)}`);
      return BAD;
    }
    const url = v['@type'];
    if (url === undefined) {
      const packedUrl = v['type_url'] ?? v['typeUrl'];
      if (!this.strict && typeof packedUrl === 'string') return this.packedAny(packedUrl, v['value'], path);
      this.error(path, 'Any without "@type"');
      return BAD;
    }
    if (typeof url !== 'string') {
      this.error(path, `"@type" must be a string, got ${describe(url)}`);
      return BAD;
    }
    const slash = url.lastIndexOf('/');
    const name = url.slice(slash + 1);
    if (slash < 0 || name === '') {
      this.error(path, `invalid type URL ${describe(url)}: expected "${TYPE_URL_PREFIX}<type>"`);
      return BAD;
    }
    if (!url.startsWith(TYPE_URL_PREFIX)) this.warn(path, `type URL ${describe(url)} does not start with "${TYPE_URL_PREFIX}"`);
    if (!this.w.plan(name) && !wktOf(name)) {
      this.error(path, `unknown type ${url} in Any${suggestion(name, this.w.allTypeNames())}`);
      return BAD;
    }
    if (wktOf(name)) {
      for (const k of Object.keys(v)) if (k !== '@type' && k !== 'value') this.error(fieldPath(path, k), `unknown field "${k}" in Any holding ${name} (its JSON goes under "value")`);
      if (v['value'] === undefined) this.error(fieldPath(path, 'value'), `Any holding ${name} needs "value"`);
      else this.inAny(() => this.message(name, v['value'], fieldPath(path, 'value')));
      return url;
    }
    this.inAny(() => this.message(name, v, path, '@type'));
    return url;
  }

  private packedAny(url: string, value: unknown, path: string): Norm {
    const name = url.slice(url.lastIndexOf('/') + 1);
    if (!this.w.plan(name)) {
      this.error(path, `unknown type ${url} in Any${suggestion(name, this.w.allTypeNames())}`);
      return BAD;
    }
    const bytes = value instanceof Uint8Array ? value : typeof value === 'string' ? decodeBase64(value) : value === undefined ? new Uint8Array() : undefined;
    if (!bytes) {
      this.error(fieldPath(path, 'value'), `expected bytes, got ${describe(value)}`);
      return BAD;
    }
    let json: unknown;
    try {
      json = this.w.decode(name, bytes);
    } catch (e) {
      this.error(fieldPath(path, 'value'), `cannot decode ${name}: ${(e as Error).message}`);
      return BAD;
    }
    this.inAny(() => this.message(name, json, path));
    return url;
  }
}

function uniqueKey(x: Norm): string {
  if (x instanceof Uint8Array) return `b:${Array.from(x).join(',')}`;
  return `${typeof x}:${String(x)}`;
}

/** Standard or URL-safe base64, padded or not; undefined if malformed. */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return undefined;
  const body = s.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (body.length % 4 === 1) return undefined;
  const bin = atob(body + '='.repeat((4 - (body.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** RFC 3339 (as proto3 JSON writes Timestamps) to nanoseconds since the epoch. */
export function parseTimestamp(s: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, tz] = m;
  const year = Number(y);
  if (year < 1 || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d)); // not Date.UTC, which maps years 0-99 to 19xx
  date.setUTCHours(Number(h), Number(mi), Number(se), 0);
  if (date.getUTCDate() !== Number(d)) return undefined; // 31 February and the like
  const ms = date.getTime();
  let offsetMinutes = 0;
  if (tz !== 'Z' && tz !== 'z') offsetMinutes = (tz.startsWith('-') ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
  const seconds = BigInt(ms / 1000 - offsetMinutes * 60);
  return seconds * 1_000_000_000n + BigInt((frac ?? '').padEnd(9, '0') || '0');
}
