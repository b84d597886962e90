/** Matchbox-compatible request selectors: uuid, mac, hostname, serial, and any other label. */
export type Selectors = Record<string, string>;

const KEY = /^[a-z][a-z0-9_.-]{0,62}$/;

/** Normalizes a MAC the way Matchbox does: `52-54-00-AB-…` → `52:54:00:ab:…`. */
export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ":");
}

/** Request query → selectors: lower-case keys, trimmed values, MAC normalized, junk dropped. */
export function selectorsFromQuery(params: URLSearchParams): Selectors {
  const out: Selectors = {};
  for (const [rawKey, rawValue] of params) {
    const key = rawKey.trim().toLowerCase();
    const value = rawValue.trim();
    if (!KEY.test(key) || value === "" || value.length > 256) continue;
    out[key] = key === "mac" ? normalizeMac(value) : key === "uuid" ? value.toLowerCase() : value;
  }
  return out;
}

export interface Assignment {
  id: string;
  name: string;
  selectors: Selectors;
}

/**
 * The assignment whose selectors all match the request, preferring the most specific (most
 * selectors); ties go to the name that sorts first so the answer never depends on row order.
 * An assignment without selectors is the default.
 */
export function selectAssignment<A extends Assignment>(assignments: readonly A[], request: Selectors): A | null {
  let best: A | null = null;
  for (const a of assignments) {
    const entries = Object.entries(a.selectors);
    const matches = entries.every(([k, v]) => request[k] === (k === "mac" ? normalizeMac(v) : k === "uuid" ? v.toLowerCase() : v));
    if (!matches) continue;
    const n = entries.length;
    const bestN = best ? Object.keys(best.selectors).length : -1;
    if (!best || n > bestN || (n === bestN && a.name < best.name)) best = a;
  }
  return best;
}
