import { z } from "zod";
import { UPDATE_STATE_VALUES } from "../agent/native-report";
import { AppError } from "../errors";
import { CHANGE_KINDS } from "./events";

const name = z.string().trim().min(1).max(64);
const instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 time with offset, e.g. 2025-01-07T10:00:00Z" }).transform((s) => new Date(s));

/** Filters of the fleet history, shared by the API query string, the UI and the data layer. */
export const HistoryFilterSchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    group: name.optional(),
    channel: name.optional(),
    version: name.optional(),
    host: z.string().trim().min(1).max(64).optional(),
    state: z.enum(UPDATE_STATE_VALUES).optional(),
    protocol: z.enum(["native", "omaha", "cincinnati"]).optional(),
    change: z.enum(CHANGE_KINDS).optional(),
    rollout: z.uuid("must be a rollout id").optional(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: "from must be before to", path: ["to"] });

export type HistoryFilter = z.output<typeof HistoryFilterSchema>;

export const HistoryListSchema = HistoryFilterSchema.and(
  z.object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  }),
);

/** Columns of a history export, in order (the CSV header). */
export const HISTORY_EXPORT_COLUMNS = ["id", "receivedAt", "hostId", "groupId", "channelId", "protocol", "kind", "change", "fromVersion", "osVersion", "updateState", "errorCode", "errorMessage"] as const;

export const HistoryExportQuerySchema = HistoryFilterSchema.and(z.object({ format: z.enum(["csv", "ndjson"]).default("csv") }));

/** "Which hosts ran version X at any moment of [from, to]". */
export const HostsOnVersionSchema = z
  .object({
    version: name,
    from: instant,
    to: instant,
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .refine((f) => f.from <= f.to, { message: "from must not be after to", path: ["to"] });

export const CHART_BUCKETS = ["hour", "day"] as const;
export const ChartQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    bucket: z.enum(CHART_BUCKETS).default("day"),
    group: name.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: "from must be before to", path: ["to"] });

/** Keyset position in newest-first order: the time and id of the last row shown. */
export interface HistoryCursor {
  at: Date;
  id: number;
}

export function encodeHistoryCursor(c: HistoryCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString("base64url");
}

export function decodeHistoryCursor(s: string): HistoryCursor {
  const [at, id] = Buffer.from(s, "base64url").toString().split("|");
  const t = new Date(at ?? "");
  const n = Number(id);
  if (Number.isNaN(t.getTime()) || !Number.isSafeInteger(n) || n <= 0) throw new AppError("bad_request", "cursor is not valid");
  return { at: t, id: n };
}

/** Reads a URLSearchParams into the filter's input shape (empty fields are "no filter"). */
export function historyQueryInput(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (v.trim() !== "") out[k] = v;
  return out;
}
