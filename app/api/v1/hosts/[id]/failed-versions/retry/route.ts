import { retryFailedVersion } from "@/db/queries/failed-versions";
import { getHost } from "@/db/queries/hosts";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { RetryFailedVersionSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../../_lib/handler";

/** "Retry version X on this host": the next check may offer X again if the policy leads there. */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const id = normalizeMachineId(params.id);
  const host = id ? await getHost(db, id) : null;
  if (!host) throw new AppError("not_found", "no such host");
  const input = await body(RetryFailedVersionSchema);
  const row = await retryFailedVersion(db, actor, host.id, input.version, input.reason);
  invalidatePolicy();
  return row;
});
