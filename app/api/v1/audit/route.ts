import { listAudit } from "@/db/queries/audit";
import { AuditQuerySchema } from "@/lib/operator/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "audit:read" }, async ({ db, query }) => {
  const q = query(AuditQuerySchema);
  return listAudit(db, { ...q, beforeId: q.cursor });
});
