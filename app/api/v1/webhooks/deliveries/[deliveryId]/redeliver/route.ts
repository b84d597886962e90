import { z } from "zod";
import { redeliver } from "@/db/queries/webhooks";
import { AppError } from "@/lib/errors";
import { route } from "../../../../_lib/handler";

export const POST = route<{ deliveryId: string }>({ permission: "tokens:manage" }, async ({ db, actor, params }) => {
  const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).safeParse(params.deliveryId);
  if (!id.success) throw new AppError("not_found", "no such delivery");
  return Response.json(await redeliver(db, actor, id.data), { status: 201 });
});
