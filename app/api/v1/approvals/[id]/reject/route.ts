import { z } from "zod";
import { applierFor, rejecterFor } from "@/db/queries/approval-appliers";
import { invalidatePolicy } from "@/server/policy-cache";
import { vote } from "@/db/queries/approvals";
import { AppError } from "@/lib/errors";
import { VoteSchema } from "@/lib/operator/schemas";
import { route } from "../../../_lib/handler";

export const POST = route<{ id: string }>({ permission: "rollout:approve" }, async ({ db, actor, params, body }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such approval request");
  const { comment } = await body(VoteSchema);
  const result = await vote(db, actor, params.id, "reject", comment, applierFor, rejecterFor);
  invalidatePolicy();
  return result;
});
