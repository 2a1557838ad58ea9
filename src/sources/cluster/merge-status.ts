// Merges the status translation wants into the status an object has, the way Gateway API asks
// controllers to share it: `parents` / `ancestors` entries of other controllers are kept exactly
// as they are, ours are replaced; conditions are merged by type; every condition we write carries
// observedGeneration = metadata.generation of the object read, and keeps its lastTransitionTime
// unless its status flipped. No I/O: the caller passes the time.
import { CONTROLLER_NAME, type Condition, type ObjectStatus, type ParentRef } from '../../status/status.ts';

/** A condition as stored (metav1.Condition). */
export interface StoredCondition extends Condition {
  lastTransitionTime: string;
}

type Json = Record<string, unknown>;

export interface MergedStatus {
  /** The fields to send under `status` (the whole of each field we touch: lists are atomic). */
  patch: Json;
  /** False when the object already has exactly this status: nothing to write. */
  changed: boolean;
}

/** Gateway API list limits. */
const MAX_PARENTS = 32;
const MAX_ANCESTORS = 16;

export function mergeStatus(current: unknown, desired: ObjectStatus, generation: number | undefined, now: string): MergedStatus {
  const cur = (current !== null && typeof current === 'object' ? current : {}) as Json;
  const patch: Json = {};
  const body = desired.status;
  switch (body.type) {
    case 'conditions':
      patch.conditions = mergeConditionList(asArray(cur.conditions), body.conditions, generation, now);
      if (body.supportedFeatures) patch.supportedFeatures = body.supportedFeatures.map((name) => ({ name }));
      break;
    case 'gateway':
      patch.conditions = mergeConditionList(asArray(cur.conditions), body.conditions, generation, now);
      patch.listeners = body.listeners.map((l) => {
        const old = asArray(cur.listeners).find((o) => o.name === l.name);
        return {
          name: l.name,
          supportedKinds: l.supportedKinds,
          attachedRoutes: l.attachedRoutes,
          conditions: mergeConditionList(asArray(old?.conditions), l.conditions, generation, now, true),
        };
      });
      // Only a provisioned Gateway's status carries addresses; otherwise they are left as they are.
      if (body.addresses !== undefined) patch.addresses = body.addresses;
      break;
    case 'route':
      patch.parents = mergeEntries(
        asArray(cur.parents),
        'parentRef',
        body.parents.map((p) => ({ ref: p.parentRef, conditions: p.conditions })),
        generation,
        now,
        MAX_PARENTS,
      );
      break;
    case 'policy':
      patch.ancestors = mergeEntries(
        asArray(cur.ancestors),
        'ancestorRef',
        body.ancestors.map((a) => ({ ref: a.ancestorRef, conditions: a.conditions })),
        generation,
        now,
        MAX_ANCESTORS,
      );
      break;
  }
  const changed = Object.entries(patch).some(([k, v]) => canonicalJson(cur[k] ?? []) !== canonicalJson(v));
  return { patch, changed };
}

/**
 * Conditions keyed by type: ours replace the same type in place, new types are appended, other
 * types stay where they are. `exclusive`: the list is entirely ours (a listener's), drop the rest.
 */
function mergeConditionList(
  existing: Json[],
  ours: readonly Condition[],
  generation: number | undefined,
  now: string,
  exclusive = false,
): StoredCondition[] {
  const stamped = ours.map((c) => stamp(c, existing.find((e) => e.type === c.type), generation, now));
  if (exclusive) return stamped;
  const byType = new Map(stamped.map((c) => [c.type, c]));
  const out: StoredCondition[] = [];
  for (const e of existing) {
    const mine = byType.get(e.type as string);
    if (mine) {
      out.push(mine);
      byType.delete(mine.type);
    } else out.push(e as unknown as StoredCondition);
  }
  return [...out, ...byType.values()];
}

function mergeEntries(
  existing: Json[],
  refField: 'parentRef' | 'ancestorRef',
  ours: readonly { ref: ParentRef; conditions: readonly Condition[] }[],
  generation: number | undefined,
  now: string,
  max: number,
): Json[] {
  const others = existing.filter((e) => e.controllerName !== CONTROLLER_NAME);
  const previous = existing.filter((e) => e.controllerName === CONTROLLER_NAME);
  const mine = ours.map((o) => {
    const old = previous.find((p) => canonicalJson(p[refField]) === canonicalJson(o.ref));
    return {
      [refField]: o.ref,
      controllerName: CONTROLLER_NAME,
      conditions: mergeConditionList(asArray(old?.conditions), o.conditions, generation, now, true),
    };
  });
  return [...others, ...mine].slice(0, max);
}

function stamp(c: Condition, old: Json | undefined, generation: number | undefined, now: string): StoredCondition {
  const keep = old && old.status === c.status && typeof old.lastTransitionTime === 'string';
  const out: StoredCondition = {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime: keep ? (old.lastTransitionTime as string) : now,
  };
  const gen = generation ?? c.observedGeneration;
  if (gen !== undefined) out.observedGeneration = gen;
  return out;
}

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === 'object') as Json[]) : [];
}

/** JSON with object keys sorted, so equal values compare equal whatever order the server used. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
