import { z } from "zod";
import { OS_FAMILY_VALUES, UPDATE_STATE_VALUES } from "../agent/native-report";
import { AppError } from "../errors";

/**
 * The host list sorts and pages by last seen in steps of this much: the stored sort key moves
 * only when a host is seen this long after it last moved (the exact time is still shown), so
 * frequent check-ins do not rewrite the list indexes. Within a step, newer ids come first.
 */
export const LAST_SEEN_STEP_MINUTES = 15;

export const HOST_SORTS = ["lastSeen", "hostname", "version", "state"] as const;
export type HostSort = (typeof HOST_SORTS)[number];

const labelFilter = z
  .string()
  .regex(/^[^=]+=.*$/, "must be key=value")
  .transform((s) => {
    const i = s.indexOf("=");
    return [s.slice(0, i), s.slice(i + 1)] as const;
  });

/** Host list filters, shared by the API query string, the UI and the data layer. */
export const HostQuerySchema = z.object({
  group: z.string().max(64).optional(),
  channel: z.string().max(64).optional(),
  version: z.string().max(64).optional(),
  state: z.enum(UPDATE_STATE_VALUES).optional(),
  os: z.enum(OS_FAMILY_VALUES).optional(),
  label: z.array(labelFilter).max(8).default([]),
  q: z.string().max(128).optional(),
  stale: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  sort: z.enum(HOST_SORTS).default("lastSeen"),
  dir: z.enum(["asc", "desc"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export type HostQuery = z.output<typeof HostQuerySchema>;

/**
 * How the free-text search matches. pg_trgm takes trigrams only from runs of letters and digits,
 * so a term without three in a row (`%`, `_`, `ab`) cannot use the trigram indexes and a
 * substring match on it read every host (about 1 s per query at 357 k hosts). Such a term
 * matches a whole hostname or machine id instead, which the btree indexes answer at once.
 */
export function searchMode(term: string): "substring" | "exact" {
  return /[\p{L}\p{N}]{3}/u.test(term) ? "substring" : "exact";
}

/** Reads a URLSearchParams (repeated `label` allowed) into the schema's input shape. */
export function hostQueryInput(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of params) {
    if (v === "") continue;
    if (k === "label") out.label = [...((out.label as string[] | undefined) ?? []), v];
    else out[k] = v;
  }
  return out;
}

export function defaultDir(sort: HostSort): "asc" | "desc" {
  return sort === "lastSeen" ? "desc" : "asc";
}

/** Keyset cursor: the sort value and id of the last row of the previous page. */
export interface HostCursor {
  v: string;
  id: string;
}

export function encodeCursor(c: HostCursor): string {
  return Buffer.from(JSON.stringify([c.v, c.id])).toString("base64url");
}

export function decodeCursor(s: string): HostCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
      return { v: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "invalid cursor: cursor", [{ path: "cursor", message: "not a cursor from this API" }]);
}
