import type { Selectors } from "./select";

// `{{name}}`, also percent-encoded as Butane writes it inside `data:` URLs.
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_.-]*)\s*\}\}|%7B%7B\s*([a-z][a-z0-9_.-]*)\s*%7D%7D/gi;
// Anything that looks like a placeholder, to catch the ones the grammar above would skip.
const LOOSE = /\{\{([^{}]*)\}\}|%7B%7B(.*?)%7D%7D/gi;

/** Names of the `{{variable}}` placeholders a config uses. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? m[2]!).toLowerCase()))];
}

/** Placeholder-like text that is not a valid `{{name}}`: it would be served as written. */
export function malformedPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(LOOSE)].map((m) => m[0]).filter((p) => !new RegExp(`^(?:${PLACEHOLDER.source})$`, "i").test(p)))];
}

/** The config with every placeholder replaced by a neutral value, for validation at save time. */
export function withSampleValues(text: string): string {
  return text.replace(PLACEHOLDER, "x");
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Where a value lands decides how it is written and what it may contain. */
export type Landing = "json" | "unit" | "data-url";

export interface VariableProblem {
  name: string;
  landing: Landing;
  message: string;
}

// Every landing place is line-oriented (unit text, file text, authorized_keys, paths): a line
// break or other control character in a value would add lines the operator never wrote.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A value as it is written where it lands, or a reason it cannot be. Unit text: `%` is a
 * systemd specifier, so it is doubled (systemd.unit(5) "%%" is a literal "%"), and a trailing
 * backslash would continue the line. `data:` URLs: percent-encoded (RFC 2397). Other strings:
 * JSON escaping by re-serialization.
 */
export function placeValue(value: string, landing: Landing): { ok: true; text: string } | { ok: false; message: string } {
  if (CONTROL.test(value)) return { ok: false, message: "must be one line without control characters" };
  if (landing === "unit") {
    if (value.endsWith("\\")) return { ok: false, message: "must not end with a backslash in systemd unit text (line continuation)" };
    return { ok: true, text: value.replace(/%/g, "%%") };
  }
  if (landing === "data-url") return { ok: true, text: encodeURIComponent(value) };
  return { ok: true, text: value };
}

function landingOf(path: readonly (string | number)[], s: string): Landing {
  if (s.startsWith("data:")) return "data-url";
  const [a, b, , d, , f] = path;
  const unitContents = a === "systemd" && b === "units" && (d === "contents" || (d === "dropins" && f === "contents"));
  return unitContents ? "unit" : "json";
}

export interface Rendered {
  text: string;
  missing: string[];
  invalid: VariableProblem[];
}

/**
 * Fills `{{variables}}` into a config, each value written as where it lands requires (see
 * `placeValue`). The config is re-serialized, so a value can never break the JSON. Missing and
 * unplaceable variables are reported; callers never serve such a rendering.
 */
export function renderVariables(text: string, vars: Selectors): Rendered {
  const missing = new Set<string>();
  const invalid = new Map<string, VariableProblem>();
  const fill = (s: string, path: readonly (string | number)[]): string => {
    const landing = landingOf(path, s);
    return s.replace(PLACEHOLDER, (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b!).toLowerCase();
      const v = vars[name];
      if (v === undefined) {
        missing.add(name);
        return "";
      }
      const placed = placeValue(v, landing);
      if (placed.ok) return placed.text;
      invalid.set(`${name}/${landing}`, { name, landing, message: placed.message });
      return "";
    });
  };
  const walk = (v: Json, path: (string | number)[]): Json => {
    if (typeof v === "string") return fill(v, path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return { text, missing: ["(config is not JSON)"], invalid: [] };
  }
  if (placeholders(text).length === 0) return { text, missing: [], invalid: [] };
  return { text: JSON.stringify(walk(parsed, []), null, 2), missing: [...missing], invalid: [...invalid.values()] };
}
