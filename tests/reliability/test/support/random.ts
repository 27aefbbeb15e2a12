/**
 * A seeded pseudo-random generator (mulberry32), so that a failing fuzz case can be replayed:
 * the seed is printed with the figures and `RELIABILITY_SEED` sets it.
 */
export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string;
  chance(probability: number): boolean;
}

export function seededRandom(seed = Number(process.env.RELIABILITY_SEED) || Date.now() % 2 ** 31): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    string: (alphabet, length) =>
      Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join(''),
    chance: (probability) => next() < probability,
  };
}

export const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

/** A forged session id of exactly the right shape: 43 base64url characters the server never issued. */
export function forgedId(random: Random): string {
  return random.string(BASE64URL, 43);
}
