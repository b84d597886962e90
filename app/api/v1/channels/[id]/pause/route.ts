import { setChannelPaused } from "@/db/queries/releases";
import { ChannelPauseSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";

export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(ChannelPauseSchema);
  const updated = await setChannelPaused(db, actor, params.id, input.paused, input.reason, input.expectedUpdatedAt);
  invalidatePolicy();
  return updated;
});
