import { z } from "zod";
import { actOnRollout } from "@/db/queries/rollouts";
import { AppError } from "@/lib/errors";
import { RolloutActionSchema } from "@/lib/operator/rollout-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";

export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such rollout");
  const input = await body(RolloutActionSchema);
  const updated = await actOnRollout(db, actor, params.id, input.action, input);
  invalidatePolicy();
  return updated;
});
