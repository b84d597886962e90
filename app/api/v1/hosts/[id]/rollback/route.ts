import { getHost } from "@/db/queries/hosts";
import { setPin } from "@/db/queries/pins";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { RollbackSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";
import { gatedResponse } from "../../../_lib/gated";

/**
 * Rolls a host back (to its previous version unless told otherwise): Flatcar hosts are offered
 * the older payload, native agents get a rollback directive, FCOS hosts stop being offered
 * anything newer and the operator runs `rpm-ostree rollback -r` (Zincati never downgrades).
 */
export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const id = normalizeMachineId(params.id);
  const host = id ? await getHost(db, id) : null;
  if (!host) throw new AppError("not_found", "no such host");
  const input = await body(RollbackSchema);
  const toVersion = input.toVersion ?? host.previousVersion;
  if (!toVersion) throw new AppError("bad_request", "invalid request: toVersion: the host reported no previous version", [{ path: "toVersion", message: "required: no previous version known" }]);
  const pin = await setPin(db, actor, { scope: "host", targetId: host.id, version: toVersion, reason: input.reason, owner: actor.email, expiresAt: null, allowDowngrade: true, replaceRollback: input.replaceRollback });
  invalidatePolicy();
  return gatedResponse(pin, (p) => Response.json({ pin: p, manual: host.osFamily === "fcos" ? "Zincati never downgrades: run `sudo rpm-ostree rollback -r` on the host." : null }, { status: 201 }));
});
