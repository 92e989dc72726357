/**
 * A small seeded random source. The simulation must give the same figures for the same seed on any
 * machine and with any number of worker processes, so every device draws from streams of its own,
 * derived from (seed, device index, stream name), never from a shared sequence whose order would
 * depend on how the devices are split between workers.
 */

/** Uniform numbers in [0, 1) and the few distributions the population needs. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Poisson-distributed count with mean `lambda`. */
  poisson(lambda: number): number;
}

/** FNV-1a over a string, for turning stream names into seeds. */
function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** splitmix32 finaliser: spreads close seeds (device 1, device 2) into unrelated states. */
function mix(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The stream `name` of device `index` under `seed`: sfc32, a 128-bit-state generator that passes
 * PractRand and costs a few integer operations per draw (the simulation draws tens of millions).
 */
export function randomStream(seed: number, index: number, name: string): Random {
  let a = mix(hashString(name, seed >>> 0));
  let b = mix(a ^ (index >>> 0));
  let c = mix(b ^ 0x6a09e667);
  let d = mix(c ^ (seed >>> 0));
  const nextUint = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
  for (let i = 0; i < 12; i++) nextUint();

  const next = () => nextUint() / 4294967296;
  let spareNormal: number | null = null;
  const normal = (): number => {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return z;
    }
    let u = next();
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    normal,
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      // Knuth's product method is exact and fast for small means; above 30 its cost grows with the
      // mean and the normal approximation is within a fraction of a percent.
      if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
      const limit = Math.exp(-lambda);
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
