// Seeded randomness for the simulator: the same seed gives the same pulls, so tests and tuning sessions replay.

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Normal with the given mean and standard deviation (Box–Muller; the second value is kept for the next call). */
  gaussian(mean?: number, std?: number): number;
  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number;
}

/** mulberry32: 32-bit state, fast, good enough for noise (not for cryptography). */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = (mean = 0, std = 1): number => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return mean + std * z;
    }
    let u = next();
    while (u <= Number.EPSILON) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return { next, gaussian, int };
}
