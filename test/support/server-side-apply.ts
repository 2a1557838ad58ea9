// Server-side apply and field ownership for the fake API server, following kube-apiserver's model:
// every write records which manager owns which fields (metadata.managedFields, FieldsV1 form
// `{"f:spec":{"f:replicas":{}}}`); an apply (PATCH application/apply-patch+yaml) makes the
// applier own exactly the fields it sent, fails with 409 Conflict when another manager owns one of
// them with a different value (unless force=true, which takes them over), and removes fields the
// applier owned before, sent no more, and nobody else owns. Other writes (create, update, merge
// patches) take ownership of the fields they change, without conflicts. Simplification, said
// plainly: lists are atomic (owned and replaced as a whole), where the real server merges
// associative lists (containers by name, ports by port) item by item.

type Json = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

/** Field paths as `\u0000`-joined keys: `spec\u0000replicas`. */
type FieldSet = Set<string>;

const SEP = '\u0000';
/** Never owned or compared: the server's own bookkeeping. */
const SERVER_FIELDS = new Set(['metadata\u0000managedFields', 'metadata\u0000resourceVersion', 'metadata\u0000uid', 'metadata\u0000generation', 'metadata\u0000creationTimestamp', 'metadata\u0000name', 'metadata\u0000namespace', 'apiVersion', 'kind', 'status']);

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Leaf paths of a value: objects recurse, lists and scalars are leaves. */
export function leaves(v: unknown, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  if (isObj(v) && (prefix.length === 0 || Object.keys(v).length > 0)) {
    for (const [k, x] of Object.entries(v)) {
      const path = [...prefix, k];
      if (SERVER_FIELDS.has(path.join(SEP)) || (path.length === 1 && k === 'status')) continue;
      leaves(x, path, out);
    }
  } else if (prefix.length > 0) out.add(prefix.join(SEP));
  return out;
}

function getAt(o: unknown, path: string[]): unknown {
  return path.reduce<unknown>((x, k) => (isObj(x) ? x[k] : undefined), o);
}

function setAt(o: Json, path: string[], value: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[path[path.length - 1]] = structuredClone(value);
}

function deleteAt(o: Json, path: string[]): void {
  const parents: Json[] = [o];
  for (const k of path.slice(0, -1)) {
    const next = parents[parents.length - 1][k];
    if (!isObj(next)) return;
    parents.push(next);
  }
  delete parents[parents.length - 1][path[path.length - 1]];
  // Empty maps left behind go too, as the real server prunes them.
  for (let i = parents.length - 1; i > 0; i--) if (Object.keys(parents[i]).length === 0) delete parents[i - 1][path[i - 1]];
}

export function toFieldsV1(set: FieldSet): Json {
  const root: Json = {};
  for (const p of [...set].sort()) {
    let cur = root;
    for (const k of p.split(SEP)) {
      const key = `f:${k}`;
      cur[key] ??= {};
      cur = cur[key] as Json;
    }
  }
  return root;
}

export function fromFieldsV1(f: Json, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  const keys = Object.keys(f).filter((k) => k.startsWith('f:'));
  if (keys.length === 0 && prefix.length > 0) out.add(prefix.join(SEP));
  for (const k of keys) fromFieldsV1(f[k] as Json, [...prefix, k.slice(2)], out);
  return out;
}

function entriesOf(o: Json): ManagedFieldsEntry[] {
  const m = (o.metadata as Json | undefined)?.managedFields;
  return Array.isArray(m) ? (m as ManagedFieldsEntry[]) : [];
}

function pathText(p: string): string {
  return `.${p.split(SEP).join('.')}`;
}

export class ApplyConflict extends Error {
  readonly causes: { type: string; message: string; field: string }[];
  constructor(conflicts: { manager: string; field: string }[], apiVersion: string) {
    const list = conflicts.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${pathText(c.field)}`);
    super(`Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${list.join('\n')}`);
    this.causes = conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${apiVersion}`, field: pathText(c.field) }));
  }
}

/**
 * The object after `manager` applies `applied` to `existing` (undefined: the apply creates it).
 * Throws ApplyConflict when another manager owns a field with a different value and not `force`.
 */
export function serverSideApply(existing: Json | undefined, applied: Json, manager: string, force: boolean, now: string): Json {
  const base: Json = existing ? structuredClone(existing) : { metadata: {} };
  const entries = existing ? entriesOf(existing).map((e) => ({ ...e, set: fromFieldsV1(e.fieldsV1) })) : [];
  const sent = leaves(applied);
  const conflicts: { manager: string; field: string }[] = [];
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    for (const f of sent) {
      if (!e.set.has(f)) continue;
      const path = f.split(SEP);
      if (JSON.stringify(getAt(base, path)) !== JSON.stringify(getAt(applied, path))) conflicts.push({ manager: e.manager, field: f });
    }
  }
  if (conflicts.length > 0 && !force) throw new ApplyConflict(conflicts, String(applied.apiVersion));
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const othersOwn = (f: string): boolean => entries.some((e) => e !== mine && e.set.has(f) && !(force && sent.has(f)));
  // Fields this manager applied before and no longer sends, owned by nobody else, go.
  for (const f of mine?.set ?? []) if (!sent.has(f) && !othersOwn(f)) deleteAt(base, f.split(SEP));
  for (const f of sent) setAt(base, f.split(SEP), getAt(applied, f.split(SEP)));
  const next: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (e === mine) continue;
    // Forced fields change hands; an equal value sent by the applier is shared, as the real server does.
    const keep = new Set([...e.set].filter((f) => !(force && sent.has(f) && conflicts.some((c) => c.manager === e.manager && c.field === f))));
    if (keep.size > 0) next.push(strip({ ...e, fieldsV1: toFieldsV1(keep) }));
  }
  const unchanged = mine && sameSet(mine.set, sent);
  next.push({ manager, operation: 'Apply', apiVersion: String(applied.apiVersion), time: unchanged ? mine.time : now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(sent) });
  (base.metadata as Json).managedFields = next;
  return base;
}

/** Ownership after a non-apply write by `manager`: it takes the fields whose value it changed (or set, on create). */
export function recordUpdate(existing: Json | undefined, next: Json, manager: string, apiVersion: string, now: string, subresource?: string): void {
  const before = existing ? leaves(existing) : new Set<string>();
  const after = leaves(next);
  const changed = new Set([...after].filter((f) => !before.has(f) || JSON.stringify(getAt(existing, f.split(SEP))) !== JSON.stringify(getAt(next, f.split(SEP)))));
  const gone = new Set([...before].filter((f) => !after.has(f)));
  const entries = (existing ? entriesOf(existing) : []).map((e) => ({ ...e, set: fromFieldsV1(e.fieldsV1) }));
  const out: ManagedFieldsEntry[] = [];
  let mine: (ManagedFieldsEntry & { set: FieldSet }) | undefined;
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Update') {
      mine = e;
      continue;
    }
    const keep = new Set([...e.set].filter((f) => !changed.has(f) && !gone.has(f)));
    if (keep.size > 0) out.push(strip({ ...e, fieldsV1: toFieldsV1(keep) }));
  }
  const owned = new Set([...(mine?.set ?? []), ...changed].filter((f) => after.has(f)));
  if (owned.size > 0) {
    out.push({ manager, operation: 'Update', apiVersion, time: changed.size > 0 || !mine ? now : mine.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(owned), ...(subresource ? { subresource } : {}) });
  }
  const meta = next.metadata as Json;
  if (out.length > 0) meta.managedFields = out;
  else delete meta.managedFields;
}

function strip(e: ManagedFieldsEntry & { set?: FieldSet }): ManagedFieldsEntry {
  const { set: _s, ...rest } = e;
  return rest;
}

function sameSet(a: FieldSet, b: FieldSet): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
