// The resources a subscription shared by a fleet gets on its first sync: the view's resources for
// one Set of names (or for the view's own map: every one), in the names' order, made once per
// names and view and shared by every stream of the fleet, read-only. Likewise the names a fleet's
// first CDS response pushes EDS for unasked.
import type { EncodedResource } from './encoded-resource.ts';
import type { TypeView } from './snapshot-reader.ts';

const fleetLists = new WeakMap<object, { readonly tv: TypeView; readonly list: readonly EncodedResource[] }>();

/** The view's resources for these names (a view's own map: all of them), in the names' order. */
export function fleetList(names: ReadonlySet<string> | ReadonlyMap<string, unknown>, tv: TypeView): readonly EncodedResource[] {
  const known = fleetLists.get(names);
  if (known?.tv === tv) return known.list;
  const list: EncodedResource[] = [];
  for (const name of names.keys()) {
    const r = tv.resources.get(name);
    if (r) list.push(r);
  }
  fleetLists.set(names, { tv, list });
  return list;
}

const fleetNames = new WeakMap<object, { readonly within: ReadonlyMap<string, unknown>; readonly names: ReadonlySet<string> }>();

/** The names of `names` that `within` has too, in the order of `names`: one Set per pair, shared, read-only. */
export function fleetNamesWithin(names: ReadonlyMap<string, unknown>, within: ReadonlyMap<string, unknown>): ReadonlySet<string> {
  const known = fleetNames.get(names);
  if (known?.within === within) return known.names;
  const out = new Set<string>();
  for (const name of names.keys()) if (within.has(name)) out.add(name);
  fleetNames.set(names, { within, names: out });
  return out;
}
