import { updateGroup } from "@/db/queries/groups";
import { GroupPatchSchema } from "@/lib/operator/schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../_lib/handler";
import { gatedResponse } from "../../_lib/gated";

export const PATCH = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const updated = await updateGroup(db, actor, params.id, await body(GroupPatchSchema));
  invalidatePolicy();
  return gatedResponse(updated, (g) => g);
});
