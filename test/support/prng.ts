/**
 * mulberry32: a small, fast, seeded PRNG. The same seed gives the same sequence, so a generated corpus is
 * deterministic and a failing fuzz input can be reproduced from the seed printed with it.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
