/**
 * A small deterministic PRNG (mulberry32), so that a seed replays the same run: verify --random's
 * sequences, and the bench's workloads and the fuzzer's mutations above this layer. Seeded from a
 * 32-bit integer, it yields floats in [0, 1) and integers in [0, n).
 */

/** A seeded random source. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n) (n ≥ 1). */
  int(n: number): number;
}

/** mulberry32: 32 bits of state, period 2^32, good enough for workloads (not for statistics). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number): number => Math.floor(next() * n) };
}
