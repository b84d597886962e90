import { setRebootSlots } from "@/db/queries/fleetlock";
import { GROUP_NAME, GROUP_NAME_RULE } from "@/lib/agent/native-report";
import { AppError } from "@/lib/errors";
import { RebootSlotsSchema } from "@/lib/operator/release-schemas";
import { route } from "../../_lib/handler";

export const PUT = route<{ group: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  if (!GROUP_NAME.test(params.group)) throw new AppError("bad_request", "invalid group name", [{ path: "group", message: GROUP_NAME_RULE }]);
  const input = await body(RebootSlotsSchema);
  return setRebootSlots(db, actor, params.group, input.totalSlots, input.reason || null);
});
