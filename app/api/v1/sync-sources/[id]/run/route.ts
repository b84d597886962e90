import { getSyncSource, requestSyncRun } from "@/db/queries/sync";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/config/env";
import { invalidatePolicy } from "@/server/policy-cache";
import { runDueSyncSources } from "@/server/release-sync";
import { syncConfig } from "@/server/sync-config";
import { route } from "../../../_lib/handler";

/**
 * Runs a source now (enabled or not: an operator may try one before enabling it) and answers
 * what the run did. A source another process is running at this moment answers 409.
 */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, req }) => {
  if (!(await getSyncSource(db, params.id))) throw new AppError("not_found", "no such sync source");
  await requestSyncRun(db, actor, params.id);
  const [run] = await runDueSyncSources(db, syncConfig(env(), req.nextUrl.origin), { id: params.id, force: true });
  if (!run) throw new AppError("conflict", `sync source ${params.id} is running in another process; its result shows when it ends`);
  if (run.added.length) invalidatePolicy();
  return run;
});
