import { z } from "zod";
import { rolloutProgress } from "@/db/queries/rollouts";
import { AppError } from "@/lib/errors";
import { route } from "../../_lib/handler";

export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such rollout");
  return rolloutProgress(db, params.id);
});
