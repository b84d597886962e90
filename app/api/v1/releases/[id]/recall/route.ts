import { z } from "zod";
import { recallRelease } from "@/db/queries/releases";
import { AppError } from "@/lib/errors";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";
import { gatedResponse } from "../../../_lib/gated";

const Body = z.object({ reason: z.string().trim().min(1, "a reason is required").max(500) });

/** Marks a release bad everywhere: never offered, a dead end for FCOS, hosts on it go back. */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such release");
  const { reason } = await body(Body);
  const count = await recallRelease(db, actor, params.id, reason);
  invalidatePolicy();
  return gatedResponse(count, (n) => ({ recalled: n }));
});
