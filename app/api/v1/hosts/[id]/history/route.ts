import { hostHistory } from "@/db/queries/hosts";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { HistoryQuerySchema } from "@/lib/operator/schemas";
import { route } from "../../../_lib/handler";

export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params, query }) => {
  const id = normalizeMachineId(params.id);
  if (!id) throw new AppError("not_found", "no such host");
  const q = query(HistoryQuerySchema);
  return hostHistory(db, id, { limit: q.limit, beforeId: q.cursor });
});
