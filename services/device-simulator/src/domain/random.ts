/**
 * A seeded random source, so a SEED repeats the same households and the same use. Each device draws
 * from its own stream (seed, device index, purpose), independent of how many devices run.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Poisson-distributed count with mean `lambda`. */
  poisson(lambda: number): number;
}

function hash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A uniform number in [0, 1) that depends only on its inputs: for per-day facts such as a burst. */
export function uniformOf(seed: number, ...parts: readonly (string | number)[]): number {
  let h = seed >>> 0;
  for (const part of parts) h = hash(String(part), h);
  // One round of a multiply-xorshift finaliser, so neighbouring days are unrelated.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** mulberry32 over a seed derived from (seed, stream name, index). */
export function randomStream(seed: number, name: string, index: number): Random {
  let state = hash(`${name}:${index}`, seed >>> 0);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min, max) => min + next() * (max - min),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      // Knuth's method: exact, and the means here (uses in a tick) are small.
      const limit = Math.exp(-Math.min(lambda, 500));
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}
