import { createRollout, listRollouts } from "@/db/queries/rollouts";
import { NewRolloutSchema, RolloutListQuerySchema } from "@/lib/operator/rollout-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db, query }) => {
  const q = query(RolloutListQuerySchema);
  return { rollouts: await listRollouts(db, { status: q.status, groupId: q.group, live: q.live }) };
});

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const created = await createRollout(db, actor, await body(NewRolloutSchema));
  invalidatePolicy();
  return Response.json(created, { status: 201 });
});
