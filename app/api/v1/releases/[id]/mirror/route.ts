import { z } from "zod";
import { releaseById } from "@/db/queries/sync";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/config/env";
import { SyncError } from "@/lib/sync/errors";
import { invalidatePolicy } from "@/server/policy-cache";
import { mirrorRelease } from "@/server/payload-mirror";
import { syncConfig } from "@/server/sync-config";
import { route } from "../../../_lib/handler";

/**
 * Downloads a Flatcar release's payload and extension packages, verifies every hash, stores
 * them and hands hosts Flotilla's URL from then on. A hash mismatch is refused (409), an
 * unreachable upstream is a 503; nothing changes in the catalog unless every file verified.
 */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, req }) => {
  if (!z.uuid().safeParse(params.id).success) throw new AppError("not_found", "no such release");
  const rel = await releaseById(db, params.id);
  if (!rel) throw new AppError("not_found", "no such release");
  const cfg = syncConfig(env(), req.nextUrl.origin);
  if (!cfg.mirror) throw new AppError("bad_request", "set FLOTILLA_MIRROR_BASE_URL or FLOTILLA_PUBLIC_URL to mirror payloads");
  try {
    const after = await mirrorRelease(db, rel, cfg.mirror, actor);
    invalidatePolicy();
    return after;
  } catch (err) {
    if (err instanceof SyncError) throw new AppError(err.kind === "hash_mismatch" ? "conflict" : "unavailable", `${err.kind}: ${err.message}`);
    throw err;
  }
});
