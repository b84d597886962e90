import { hostFetches } from "@/db/queries/ignition";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";

export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  const id = normalizeMachineId(params.id);
  if (!id) throw new AppError("not_found", "no such host");
  return { items: await hostFetches(db, id) };
});
