import { z } from "zod";
import { promoteRelease } from "@/db/queries/releases";
import { AppError } from "@/lib/errors";
import { ReleasePromoteSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";

/** Offers a release in one more channel of its family (alpha → beta → stable). */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such release");
  const input = await body(ReleasePromoteSchema);
  const promoted = await promoteRelease(db, actor, params.id, input);
  invalidatePolicy();
  return promoted;
});
