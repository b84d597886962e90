import { bulkPinHosts } from "@/db/queries/pins";
import { AppError, validationError } from "@/lib/errors";
import { hostQueryInput, HostQuerySchema } from "@/lib/fleet/host-query";
import { BulkPinSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../_lib/handler";
import { gatedResponse } from "../../_lib/gated";

/** Body `filter` is the host list's query string (`group=edge&version=4081.2.0`). */
export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const input = await body(BulkPinSchema);
  const parsed = HostQuerySchema.safeParse(hostQueryInput(new URLSearchParams(input.filter)));
  if (!parsed.success) throw validationError(parsed.error, "filter");
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= new Date()) throw new AppError("bad_request", "invalid request: expiresAt: must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  const result = await bulkPinHosts(db, actor, parsed.data, { version: input.version, reason: input.reason, owner: actor.email, expiresAt, allowDowngrade: input.rollback, replaceRollback: input.replaceRollback }, input.preview);
  if (!input.preview) invalidatePolicy();
  return gatedResponse(result, (r) => r);
});
