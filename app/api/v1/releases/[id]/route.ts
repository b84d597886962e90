import { z } from "zod";
import { editRelease } from "@/db/queries/releases";
import { AppError } from "@/lib/errors";
import { ReleaseEditSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../_lib/handler";

/** Sets or clears a release's OCI image pullspec (FCOS hosts booted from an image are served it). */
export const PATCH = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such release");
  const input = await body(ReleaseEditSchema);
  const updated = await editRelease(db, actor, params.id, input);
  invalidatePolicy();
  return { ...updated, recalled: updated.recalledAt ? (updated.recallReason ?? "recalled") : null };
});
