/**
 * Postgres cannot store every JavaScript string: `text` refuses NUL (SQLSTATE 22021) and
 * `jsonb` refuses `\u0000` and lone UTF-16 surrogates. Input holding them is the client's
 * mistake, so it is refused at the boundary as a 400 rather than failing in the database.
 */
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;
// Without the u flag a regex sees UTF-16 code units, so halves of a pair can be matched.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badString(s: string): string | null {
  if (!NUL_OR_SURROGATE.test(s)) return null;
  if (s.includes("\u0000")) return "NUL characters (\\u0000) are not allowed";
  return LONE_SURROGATE.test(s) ? "unpaired UTF-16 surrogates are not allowed" : null;
}

export interface UnstorableText {
  /** Where: dotted path into the value (`(body)` for the value itself). */
  path: string;
  message: string;
}

/**
 * The first string (value or object key) in `value` that cannot be stored, or null when
 * everything can. Walks at most `maxNodes` nodes, iteratively (deep nesting is no risk).
 */
export function unstorableText(value: unknown, path = "", maxNodes = 100_000): UnstorableText | null {
  const stack: Array<{ v: unknown; p: string }> = [{ v: value, p: path }];
  for (let seen = 0; stack.length && seen < maxNodes; seen++) {
    const { v, p } = stack.pop()!;
    if (typeof v === "string") {
      const why = badString(v);
      if (why) return { path: p || "(body)", message: why };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], p: `${p}${p ? "." : ""}${i}` });
    } else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const why = badString(k);
        if (why) return { path: p || "(body)", message: why };
        stack.push({ v: child, p: `${p}${p ? "." : ""}${k}` });
      }
    }
  }
  return null;
}
