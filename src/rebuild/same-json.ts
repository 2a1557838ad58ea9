// Change detection for the encoder (resource-encoder.ts) without serialising: two proto3 JSON values
// are the same when JSON.stringify would write them identically (keys in the same order, properties
// whose value is undefined left out), so the bytes encoded from one are the bytes of the other. A
// value compared with itself costs one check, which is what makes reused builder output cheap.

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const xa = a as unknown[];
    const xb = b as unknown[];
    if (xa.length !== xb.length) return false;
    for (let i = 0; i < xa.length; i++) if (!sameJson(xa[i], xb[i])) return false;
    return true;
  }
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  const ka = Object.keys(oa);
  const kb = Object.keys(ob);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < ka.length && oa[ka[i]] === undefined) i++;
    while (j < kb.length && ob[kb[j]] === undefined) j++;
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
    const k = ka[i];
    if (k !== kb[j] || !sameJson(oa[k], ob[k])) return false;
    i++;
    j++;
  }
}
