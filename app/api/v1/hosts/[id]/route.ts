import { fcosGuidanceForHost } from "@/db/queries/fcos-guidance";
import { getHost } from "@/db/queries/hosts";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { route } from "../../_lib/handler";

export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  const id = normalizeMachineId(params.id);
  const host = id ? await getHost(db, id) : null;
  if (!host) throw new AppError("not_found", "no such host");
  // FCOS hosts roll back on the host: the page names the pin's author, reason and the command.
  return { ...host, fcosGuidance: await fcosGuidanceForHost(db, host) };
});
