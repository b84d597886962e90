import type { Selectors } from "./select";

// `{{name}}`, also percent-encoded as Butane writes it inside `data:` URLs.
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_.-]*)\s*\}\}|%7B%7B\s*([a-z][a-z0-9_.-]*)\s*%7D%7D/gi;

/** Names of the `{{variable}}` placeholders a config uses. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? m[2]!).toLowerCase()))];
}

/** The config with every placeholder replaced by a neutral value, for validation at save time. */
export function withSampleValues(text: string): string {
  return text.replace(PLACEHOLDER, "x");
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Fills `{{hostname}}`, `{{mac}}`, `{{uuid}}`, `{{serial}}` or any request label into a config.
 * Inside `data:` URLs values are percent-encoded, elsewhere they are plain string content; the
 * config is re-serialized, so a value can never break the JSON. Missing variables are reported.
 */
export function renderVariables(text: string, vars: Selectors): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const fill = (s: string): string => {
    const inDataUrl = s.startsWith("data:");
    return s.replace(PLACEHOLDER, (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b!).toLowerCase();
      const v = vars[name];
      if (v === undefined) {
        missing.add(name);
        return "";
      }
      return inDataUrl ? encodeURIComponent(v) : v;
    });
  };
  const walk = (v: Json): Json => {
    if (typeof v === "string") return fill(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return { text, missing: ["(config is not JSON)"] };
  }
  return { text: JSON.stringify(walk(parsed), null, 2), missing: [...missing] };
}
