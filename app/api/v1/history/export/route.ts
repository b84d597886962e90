import { historyCsvCopy, historyEventBatches, resolveHistoryFilter, type HistoryEvent } from "@/db/queries/history";
import { EXPORT_CONTENT_TYPE, exportBatches } from "@/lib/export/stream";
import { HISTORY_EXPORT_COLUMNS, HistoryExportQuerySchema, historyQueryInput } from "@/lib/history/query";
import { route } from "../../_lib/handler";

/** The filtered fleet history (same filters as the list) as a streamed CSV or NDJSON download. */
export const GET = route({ permission: "fleet:read" }, async ({ db, query, req }) => {
  const { format, ...filter } = query(HistoryExportQuerySchema, historyQueryInput(req.nextUrl.searchParams));
  const resolved = await resolveHistoryFilter(db, filter);
  // CSV on Postgres comes straight from COPY; NDJSON, and everything on PGlite, from a cursor.
  const stream =
    (format === "csv" ? await historyCsvCopy(db, resolved) : null) ??
    exportBatches<HistoryEvent>(format, HISTORY_EXPORT_COLUMNS, historyEventBatches(db, resolved), (r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
  return new Response(stream, {
    headers: { "content-type": EXPORT_CONTENT_TYPE[format], "content-disposition": `attachment; filename="flotilla-history.${format}"`, "cache-control": "no-store" },
  });
});
