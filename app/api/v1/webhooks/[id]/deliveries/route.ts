import { z } from "zod";
import { listDeliveries } from "@/db/queries/webhooks";
import { AppError } from "@/lib/errors";
import { DeliveriesQuerySchema } from "@/lib/webhooks/schemas";
import { route } from "../../../_lib/handler";

/** The delivery log: each attempt's status, the receiver's answer and when to try again. */
export const GET = route<{ id: string }>({ permission: "tokens:manage" }, async ({ db, params, query }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such webhook");
  const q = query(DeliveriesQuerySchema);
  return { items: await listDeliveries(db, params.id, { limit: q.limit, beforeId: q.before }) };
});
