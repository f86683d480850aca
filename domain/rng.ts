/** Small deterministic random number generation for seeded search and resampling. */

/**
 * A stable 32-bit unsigned seed from a string (FNV-1a over UTF-16 code units).
 * The same string always gives the same seed, on every platform.
 */
export function seedFromString(s: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    hash ^= s.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A deterministic generator (mulberry32) of uniform numbers in [0, 1).
 * The seed is reduced to 32 bits (`seed >>> 0`; NaN and fractions truncate),
 * so two seeds equal modulo 2^32 give the same sequence.
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded draw of an index in [0, n): `floor(u · n)` of one mulberry32 draw `u` from `createRng(seed)`,
 * with the generator inlined in the returned function (the resampling loops call it millions of times).
 */
export function createIndexDraw(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
