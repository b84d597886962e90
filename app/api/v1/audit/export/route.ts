import { auditPage } from "@/db/queries/audit";
import { EXPORT_CONTENT_TYPE, exportStream } from "@/lib/export/stream";
import { AuditExportSchema } from "@/lib/operator/schemas";
import { route } from "../../_lib/handler";

const COLUMNS = ["id", "at", "actorEmail", "actorRole", "via", "action", "targetType", "targetId", "before", "after", "reason", "clientAddr", "prevHash", "hash"];

/** The (filtered) audit log as a streamed CSV or NDJSON download, for auditors. */
export const GET = route({ permission: "audit:read" }, async ({ db, query }) => {
  const { format, ...filter } = query(AuditExportSchema);
  const stream = exportStream(format, COLUMNS, (after) => auditPage(db, filter, after, 2000), (r) => ({ ...r, at: r.at.toISOString() }));
  return new Response(stream, {
    headers: { "content-type": EXPORT_CONTENT_TYPE[format], "content-disposition": `attachment; filename="flotilla-audit.${format}"`, "cache-control": "no-store" },
  });
});
