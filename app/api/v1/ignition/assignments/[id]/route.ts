import { z } from "zod";
import { deleteAssignment } from "@/db/queries/ignition";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";
import { gatedResponse } from "../../../_lib/gated";

export const DELETE = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such assignment");
  return gatedResponse(await deleteAssignment(db, actor, params.id), () => ({ ok: true }));
});
