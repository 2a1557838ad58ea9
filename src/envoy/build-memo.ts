// Builder output kept per IR object. The IR is immutable once translated (translate.ts), so one IR
// object always builds the same JSON; the route fast path (translate/route-fast-path.ts) and the
// EndpointSlice fast path hand back the very objects an edit did not touch, so their JSON is built
// once and the encoder recognises it at once (rebuild/same-json.ts). Callers must not change what
// they get.

export function memo<K extends object, V>(cache: WeakMap<K, V>, key: K, build: (key: K) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = build(key);
    cache.set(key, value);
  }
  return value;
}
