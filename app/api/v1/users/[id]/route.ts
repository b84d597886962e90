import { z } from "zod";
import { updateUser } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { UserPatchSchema } from "@/lib/operator/schemas";
import { route } from "../../_lib/handler";

export const PATCH = route<{ id: string }>({ permission: "users:manage" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such user");
  return updateUser(db, actor, params.id, await body(UserPatchSchema));
});
