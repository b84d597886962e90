import { z } from "zod";
import { removePin } from "@/db/queries/pins";
import { AppError } from "@/lib/errors";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../_lib/handler";
import { gatedResponse } from "../../_lib/gated";

export const DELETE = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, req }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such pin");
  const held = await removePin(db, actor, params.id, req.nextUrl.searchParams.get("reason"));
  invalidatePolicy();
  return gatedResponse(held, () => ({ ok: true }));
});
