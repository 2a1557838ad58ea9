// A seeded random source for tests that walk random runs (xorshift32): the same seed gives the
// same run every time, so a failure replays exactly.

/** Integers in [0, n) from a seed (not 0). */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}
