/**
 * mulberry32: a tiny, well-distributed 32-bit generator. Same numbers on every platform for the same seed,
 * which is all that scripted pictures and fault dice need (never use it for anything secret).
 *
 * @example
 * const random = seededRandom(42);
 * random(); // always the same first number for seed 42, in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
