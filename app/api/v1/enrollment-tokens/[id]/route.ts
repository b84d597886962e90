import { z } from "zod";
import { revokeEnrollmentToken } from "@/db/queries/tokens";
import { AppError } from "@/lib/errors";
import { route } from "../../_lib/handler";

export const DELETE = route<{ id: string }>({ permission: "tokens:manage" }, async ({ db, actor, params }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such enrollment token");
  return revokeEnrollmentToken(db, actor, params.id);
});
