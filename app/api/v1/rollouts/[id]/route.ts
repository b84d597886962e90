import { z } from "zod";
import { rolloutBlockersOf } from "@/db/queries/rollout-blockers";
import { rolloutProgress } from "@/db/queries/rollouts";
import { AppError } from "@/lib/errors";
import { route } from "../../_lib/handler";

export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such rollout");
  const progress = await rolloutProgress(db, params.id);
  const c = progress.counts;
  // Why it cannot move (each reason with its hosts and who set it) and the ETA allowing for it.
  return { ...progress, ...(await rolloutBlockersOf(db, progress.rollout, c.updated + c.failed + c.rolled_back)) };
});
