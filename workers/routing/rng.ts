/**
 * Injected randomness (STYLE.md rule 1): the routing core draws delegates, refresh targets and
 * request ids from an `Rng`. `SeededRng` (SplitMix32-style, after Vigna) makes tests and the
 * network simulation replay exactly from a seed; a host may wrap crypto randomness instead.
 */

export interface Rng {
  /** Uniform in [0, 2^32). */
  nextU32(): number;
}

export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
}

/** Uniform integer in [0, n), n >= 1 (n small against 2^32: the bias is negligible here). */
export function randomInt(rng: Rng, n: number): number {
  return rng.nextU32() % n;
}

/** Uniform in [0, 1). */
export function randomUnit(rng: Rng): number {
  return rng.nextU32() / 4294967296;
}

/** Up to `count` distinct items of `items`, uniformly (partial Fisher-Yates on a copy). */
export function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = items.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(rng, pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, n);
}
