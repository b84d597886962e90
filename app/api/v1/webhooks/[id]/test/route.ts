import { z } from "zod";
import { sendTestDelivery } from "@/db/queries/webhooks";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";

export const POST = route<{ id: string }>({ permission: "tokens:manage" }, async ({ db, actor, params }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such webhook");
  return Response.json(await sendTestDelivery(db, actor, params.id), { status: 201 });
});
