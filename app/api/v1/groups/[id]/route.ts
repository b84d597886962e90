import { updateGroup } from "@/db/queries/groups";
import { GroupPatchSchema } from "@/lib/operator/schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../_lib/handler";

export const PATCH = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const updated = await updateGroup(db, actor, params.id, await body(GroupPatchSchema));
  invalidatePolicy();
  return updated;
});
