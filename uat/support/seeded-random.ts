/** A reproducible source of randomness: the same seed gives the same sequence. */
export interface Random {
  /** In [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, and good enough to choose test operations. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}

/** An independent stream for `label` under `seed` (FNV-1a of the label, mixed with the seed). */
export function forkRandom(seed: number, label: string): Random {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of label) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193);
  return seededRandom(hash >>> 0);
}

/** The seed in `variable` (a whole number below 2^32), or a random one when it is unset. */
export function seedFromEnv(variable: string): number {
  const text = process.env[variable]?.trim();
  if (text === undefined || text === "") return Math.floor(Math.random() * 2 ** 32);
  if (!/^\d+$/.test(text) || Number(text) >= 2 ** 32)
    throw new Error(`${variable} must be a whole number below 2^32; got "${text}"`);
  return Number(text);
}
