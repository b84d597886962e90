import { setPin } from "@/db/queries/pins";
import { AppError } from "@/lib/errors";
import { RollbackSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";
import { gatedResponse } from "../../../_lib/gated";

/** Rolls a whole group back to a version (hosts with their own pin keep it). */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(RollbackSchema);
  if (!input.toVersion) throw new AppError("bad_request", "invalid request: toVersion: required for a group", [{ path: "toVersion", message: "required for a group" }]);
  const pin = await setPin(db, actor, { scope: "group", targetId: params.id, version: input.toVersion, reason: input.reason, owner: actor.email, expiresAt: null, allowDowngrade: true, replaceRollback: input.replaceRollback });
  invalidatePolicy();
  return gatedResponse(pin, (p) => Response.json(p, { status: 201 }));
});
