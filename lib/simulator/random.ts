/** A deterministic source of numbers in [0, 1): the same seed always drives the same fleet. */
export type Rng = () => number;

/** Mixes integers into one 32-bit seed (murmur3 finalizer), so seed 1 host 2 ≠ seed 2 host 1. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= Math.imul(part | 0, 0xcc9e2d51);
    h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
    h = (h + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast and good enough for simulated behaviour (not for secrets). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick from an empty list");
  return items[Math.floor(rng() * items.length)] ?? items[0]!;
}

/** Picks by relative weight: `[["flatcar", 80], ["fcos", 15]]`. */
export function weighted<T>(rng: Rng, entries: ReadonlyArray<readonly [T, number]>): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [value, w] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  const last = entries[entries.length - 1];
  if (!last) throw new Error("weighted pick from an empty list");
  return last[0];
}

/** `n` lowercase hex digits. */
export function hexString(rng: Rng, n: number): string {
  let out = "";
  while (out.length < n) out += Math.floor(rng() * 0x1_0000_0000).toString(16).padStart(8, "0");
  return out.slice(0, n);
}
