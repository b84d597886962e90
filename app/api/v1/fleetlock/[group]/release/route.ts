import { forceReleaseRebootSlot } from "@/db/queries/fleetlock";
import { ReleaseSlotSchema } from "@/lib/operator/release-schemas";
import { route } from "../../../_lib/handler";

/** Frees a reboot slot held by a host that will not give it back. */
export const POST = route<{ group: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(ReleaseSlotSchema);
  await forceReleaseRebootSlot(db, actor, params.group, input.holderId, input.reason || null);
  return { ok: true };
});
