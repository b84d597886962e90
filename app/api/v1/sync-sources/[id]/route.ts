import { deleteSyncSource, updateSyncSource } from "@/db/queries/sync";
import { SyncSourcePatchSchema } from "@/lib/operator/sync-schemas";
import { route } from "../../_lib/handler";

export const PATCH = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => updateSyncSource(db, actor, params.id, await body(SyncSourcePatchSchema)));

export const DELETE = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params }) => {
  await deleteSyncSource(db, actor, params.id);
  return { ok: true };
});
