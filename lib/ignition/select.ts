/** Matchbox-compatible request selectors: uuid, mac, hostname, serial, and any other label. */
export type Selectors = Record<string, string>;

const KEY = /^[a-z][a-z0-9_.-]{0,62}$/;

function hexByte(s: string, at: number): number | null {
  const pair = s.slice(at, at + 2);
  return /^[0-9a-fA-F]{2}$/.test(pair) ? parseInt(pair, 16) : null;
}

/**
 * Parses a hardware address exactly as Go's `net.ParseMAC` does (Matchbox parses request and
 * group `mac` values with it: matchbox/http/parse.go:64, storagepb/group.go:63): IEEE 802 MAC-48,
 * EUI-48, EUI-64 or 20-octet IP-over-InfiniBand addresses written as `00:00:5e:00:53:01`,
 * `00-00-5e-00-53-01` or `0000.5e00.5301` (one separator throughout, 6, 8 or 20 octets). Returns
 * Go's `HardwareAddr.String()`: lower-case hex octets joined by `:`, or null when it does not parse.
 */
export function parseMac(s: string): string | null {
  if (s.length < 14) return null;
  const octets: number[] = [];
  if (s[2] === ":" || s[2] === "-") {
    if ((s.length + 1) % 3 !== 0) return null;
    const n = (s.length + 1) / 3;
    if (n !== 6 && n !== 8 && n !== 20) return null;
    for (let i = 0, x = 0; i < n; i++, x += 3) {
      const b = hexByte(s, x);
      if (b === null || (i < n - 1 && s[x + 2] !== s[2])) return null;
      octets.push(b);
    }
  } else if (s[4] === ".") {
    if ((s.length + 1) % 5 !== 0) return null;
    const n = (2 * (s.length + 1)) / 5;
    if (n !== 6 && n !== 8 && n !== 20) return null;
    for (let i = 0, x = 0; i < n; i += 2, x += 5) {
      const hi = hexByte(s, x);
      const lo = hexByte(s, x + 2);
      if (hi === null || lo === null || (i < n - 2 && s[x + 4] !== ".")) return null;
      octets.push(hi, lo);
    }
  } else {
    return null;
  }
  return octets.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A MAC in Matchbox's normal form, or the trimmed lower-case text when it does not parse. */
export function normalizeMac(mac: string): string {
  return parseMac(mac.trim()) ?? mac.trim().toLowerCase();
}

/** A selector value as matching compares it: MACs normalized, UUIDs lower-case. */
export function normalizeSelectorValue(key: string, value: string): string {
  return key === "mac" ? normalizeMac(value) : key === "uuid" ? value.toLowerCase() : value;
}

/**
 * Request query → selectors, as Matchbox's labelsFromRequest (matchbox/http/parse.go:38-58)
 * builds labels: the first value of a repeated key (`values.Get`), and a `mac` only when
 * `net.ParseMAC` accepts it (an unparseable MAC is dropped, so it matches no `mac` selector).
 * Kept different on purpose (docs/ignition-matchbox.md): keys are lower-cased and limited to
 * `[a-z][a-z0-9_.-]`, values trimmed, empty values dropped, and `uuid` lower-cased.
 */
export function selectorsFromQuery(params: URLSearchParams): Selectors {
  const out: Selectors = {};
  for (const [rawKey, rawValue] of params) {
    const key = rawKey.trim().toLowerCase();
    if (key in out) continue;
    const value = rawValue.trim();
    if (!KEY.test(key) || value === "" || value.length > 256) continue;
    if (key === "mac") {
      const mac = parseMac(value);
      if (mac) out[key] = mac;
      continue;
    }
    out[key] = key === "uuid" ? value.toLowerCase() : value;
  }
  return out;
}

export interface Assignment {
  id: string;
  name: string;
  selectors: Selectors;
}

/** Matchbox's tie-breaker key (storagepb/group.go:88 selectorString): sorted `k=v` joined by `,`. */
function selectorString(selectors: Selectors): string {
  return Object.entries(selectors)
    .map(([k, v]) => `${k}=${normalizeSelectorValue(k, v)}`)
    .sort()
    .join(",");
}

/**
 * The assignment whose selectors all match the request, as Matchbox's SelectGroup picks
 * (matchbox/server/server.go:148-159: groups sorted by `sort.Reverse(ByReqs)`): most selectors
 * first, and between equally many the greater `selectorString` (ByReqs.Less compares them at
 * storagepb/group.go:131-136, reversed). Identical selector sets, which Matchbox's unstable sort
 * leaves to chance, go to the name that sorts first. No selectors: the default.
 */
export function selectAssignment<A extends Assignment>(assignments: readonly A[], request: Selectors): A | null {
  let best: A | null = null;
  let bestKey = "";
  for (const a of assignments) {
    const entries = Object.entries(a.selectors);
    const matches = entries.every(([k, v]) => request[k] === normalizeSelectorValue(k, v));
    if (!matches) continue;
    const key = selectorString(a.selectors);
    const n = entries.length;
    const bestN = best ? Object.keys(best.selectors).length : -1;
    if (!best || n > bestN || (n === bestN && (key > bestKey || (key === bestKey && a.name < best.name)))) {
      best = a;
      bestKey = key;
    }
  }
  return best;
}
