// Sets of names that are empty nearly all the time (a type's forced names, names pushed unasked,
// removals to report, names reported missing), kept as a field holding a Set or nothing: no Set,
// and no object standing for one, until a name is added, and none again once the last is removed.
// A stream keeps four such fields per type; an empty Set costs about 160 bytes of heap, an empty
// field nothing, and a push that asks whether one is empty reads no other object.

/** What readers of these names may do with them (a Set is one). */
export interface ReadonlyNames extends Iterable<string> {
  readonly size: number;
  has(name: string): boolean;
}

/** Some names, or none (undefined, never an empty Set). */
export type LazyNames = Set<string> | undefined;

/** What a field holding no names reads as (shared, and never changed: holders copy it before adding). */
export const NO_NAMES: ReadonlySet<string> = new Set();

/** The names with `name` added (the same Set when there was one). */
export function withName(names: LazyNames, name: string): Set<string> {
  return (names ?? new Set<string>()).add(name);
}

/** The names without `name`: undefined once none is left. */
export function withoutName(names: LazyNames, name: string): LazyNames {
  if (names === undefined || !names.delete(name)) return names;
  return names.size === 0 ? undefined : names;
}
