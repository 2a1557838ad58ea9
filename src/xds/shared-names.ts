// Subscriptions shared between streams. A fleet of Envoys of one Gateway subscribes to the same
// EDS names in the same order (thousands of them); one Set per stream would make a stream's memory
// grow with its Gateway's config. A name set is interned by its content and order, so every
// stream with the same subscription holds the same Set. Holders treat an interned Set as frozen
// (TypeState copies it before changing it), and an entry goes away with the last stream holding it.

/**
 * Below this size a Set of its own is cheap, and such lists (a proxyless client's one or two names)
 * differ from client to client: interning each would cost a key and a registry entry for little
 * sharing. From it on (a Gateway of eight services or more) a fleet holds one Set; at 64, the
 * threshold before, a 10-service Gateway's fleet kept about 0.4 KiB per stream in Sets of its own.
 */
export const SHARE_NAMES_FROM = 8;

const shared = new Map<string, WeakRef<ReadonlySet<string>>>();
const cleanup = new FinalizationRegistry<string>((key) => {
  if (shared.get(key)?.deref() === undefined) shared.delete(key);
});

/** The shared Set with exactly these names in this order: an existing one, or this one from now on. */
export function internNames(names: ReadonlySet<string>): ReadonlySet<string> {
  const key = [...names].join('\n');
  const existing = shared.get(key)?.deref();
  if (existing) return existing;
  shared.set(key, new WeakRef(names));
  cleanup.register(names, key);
  return names;
}

/** Distinct shared name sets alive (for tests). */
export function sharedNameSets(): number {
  return shared.size;
}
