// The SotW version_info of a set of resources (docs/xds-protocol.md#versions): the per-process
// prefix and a hash of the set's names and resource versions. The hash is a sum with one term per
// resource, so it does not depend on order, and a set that differs from another in a few names
// gets its hash from the other's by taking those names' terms out and putting the new ones in: an
// endpoint change to a 1,000-cluster Gateway hashes one name, not a thousand.
//
// Nothing is decided by comparing set versions (what a client lacks is decided per resource, by
// content hash): a set version is what the client echoes and what status shows. So the terms
// come from a fast non-cryptographic hash; the sum keeps 72 bits, as resource versions do.

/** Three 32-bit sums (each term added modulo 2^32). */
export type SetSum = readonly [number, number, number];

type Sum = [number, number, number];

/** A name and version, as a resource has them. */
interface Entry {
  readonly name: string;
  readonly version: string;
}

/** Murmur3's finaliser: every input bit moves every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Adds (sign 1) or takes out (sign -1) the term of one resource. */
function addTerm(sum: Sum, { name, version }: Entry, sign: 1 | -1): void {
  // Three FNV-1a style lanes with distinct seeds and primes, over the name, a separator no
  // character code equals, and the version.
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  let c = 0x9e3779b9;
  for (let i = 0; i <= name.length + version.length; i++) {
    const ch = i < name.length ? name.charCodeAt(i) : i === name.length ? 0x10000 : version.charCodeAt(i - name.length - 1);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    c = Math.imul(c ^ ch, 0x27d4eb2d);
  }
  sum[0] = (sum[0] + sign * fmix(a)) | 0;
  sum[1] = (sum[1] + sign * fmix(b)) | 0;
  sum[2] = (sum[2] + sign * fmix(c)) | 0;
}

/** The sum of a whole set, from its names and versions. */
export function sumOf(entries: Iterable<Entry>): SetSum {
  const sum: Sum = [0, 0, 0];
  for (const r of entries) addTerm(sum, r, 1);
  return sum;
}

/** The sum of a set that is `from` with `out` taken out and `into` put in (a name changed is in both). */
export function sumAfter(from: SetSum, out: Iterable<Entry>, into: Iterable<Entry>): SetSum {
  const sum: Sum = [from[0], from[1], from[2]];
  for (const r of out) addTerm(sum, r, -1);
  for (const r of into) addTerm(sum, r, 1);
  return sum;
}

/** prefix-hash: 72 bits of the sum as 12 base64url characters. */
export function setVersion(prefix: string, sum: SetSum): string {
  const bytes = Buffer.allocUnsafe(9);
  bytes.writeInt32BE(sum[0], 0);
  bytes.writeInt32BE(sum[1], 4);
  bytes.writeUInt8(sum[2] & 0xff, 8);
  return `${prefix}-${bytes.toString('base64url')}`;
}
