import { historyPage } from "@/db/queries/history";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { EXPORT_CONTENT_TYPE, exportStream } from "@/lib/export/stream";
import { HistoryExportSchema } from "@/lib/operator/schemas";
import { route } from "../../_lib/handler";

const COLUMNS = ["id", "receivedAt", "hostId", "protocol", "kind", "osVersion", "previousVersion", "updateState", "errorCode", "errorMessage", "groupId", "clientAddr", "detail"];

/** Host reports (update history), filtered, as a streamed CSV or NDJSON download. */
export const GET = route({ permission: "fleet:read" }, async ({ db, query }) => {
  const q = query(HistoryExportSchema);
  const filter = {
    hostId: q.host ? (normalizeMachineId(q.host) ?? q.host) : undefined,
    groupId: q.group,
    version: q.version,
    protocol: q.protocol,
    state: q.state,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  };
  const stream = exportStream(q.format, COLUMNS, (after) => historyPage(db, filter, after, 2000), (r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
  return new Response(stream, {
    headers: { "content-type": EXPORT_CONTENT_TYPE[q.format], "content-disposition": `attachment; filename="flotilla-history.${q.format}"`, "cache-control": "no-store" },
  });
});
