import { listPins, previewPin, setPin } from "@/db/queries/pins";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { PinSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../_lib/handler";
import { gatedResponse } from "../_lib/gated";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({
  items: (await listPins(db)).map((r) => ({ ...r.pin, hosts: r.hosts, notConverged: r.notConverged, byFamily: r.reach.byFamily })),
}));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const input = await body(PinSchema);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= new Date()) throw new AppError("bad_request", "invalid request: expiresAt: must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  const targetId = input.scope === "host" ? normalizeMachineId(input.targetId) : input.targetId;
  if (!targetId) throw new AppError("bad_request", "invalid request: targetId: not a machine id", [{ path: "targetId", message: "not a machine id" }]);
  if (input.preview) {
    const p = await previewPin(db, { scope: input.scope, targetId, version: input.version });
    return { reach: p.reach, warnings: p.warnings, refusal: p.refusal?.message ?? null, replacesRollback: p.replaces?.allowDowngrade ? p.replaces : null };
  }
  const pin = await setPin(db, actor, { scope: input.scope, targetId, version: input.version, reason: input.reason, owner: input.owner ?? actor.email, expiresAt, replaceRollback: input.replaceRollback });
  invalidatePolicy();
  return gatedResponse(pin, (p) => Response.json(p, { status: 201 }));
});
