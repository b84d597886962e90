import { setChannelTarget } from "@/db/queries/releases";
import { ChannelTargetSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../../_lib/handler";

export const POST = route<{ id: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const updated = await setChannelTarget(db, actor, params.id, await body(ChannelTargetSchema));
  invalidatePolicy();
  return updated;
});
