import { z } from "zod";
import { recallRelease } from "@/db/queries/releases";
import { AppError } from "@/lib/errors";
import { DEFAULT_RECALL_ROLLOUT_POLICY, RECALL_ROLLOUT_POLICIES } from "@/lib/rollout/rollout";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";
import { gatedResponse } from "../../../_lib/gated";

const Body = z.object({
  reason: z.string().trim().min(1, "a reason is required").max(500),
  // What happens to the release's live rollouts: ended (default) or paused.
  rollouts: z.enum(RECALL_ROLLOUT_POLICIES).default(DEFAULT_RECALL_ROLLOUT_POLICY),
});

/** Marks a release bad everywhere: never offered, a dead end for FCOS, hosts on it go back. */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such release");
  const input = await body(Body);
  const result = await recallRelease(db, actor, params.id, input.reason, input.rollouts);
  invalidatePolicy();
  return gatedResponse(result, (r) => r);
});
