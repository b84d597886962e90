import { listHostFailedVersions } from "@/db/queries/failed-versions";
import { getHost } from "@/db/queries/hosts";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";

/** Versions that failed to boot on the host: blocked ones first, then those an operator retried. */
export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  const id = normalizeMachineId(params.id);
  const host = id ? await getHost(db, id) : null;
  if (!host) throw new AppError("not_found", "no such host");
  return { items: await listHostFailedVersions(db, host.id) };
});
