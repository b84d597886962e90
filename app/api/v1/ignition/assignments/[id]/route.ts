import { z } from "zod";
import { deleteAssignment } from "@/db/queries/ignition";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";

export const DELETE = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such assignment");
  await deleteAssignment(db, actor, params.id);
  return { ok: true };
});
