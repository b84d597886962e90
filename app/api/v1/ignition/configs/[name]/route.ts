import { configUsage, getConfig } from "@/db/queries/ignition";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";

export const GET = route<{ name: string }>({ permission: "fleet:read" }, async ({ db, params, principal }) => {
  // Capability URLs serve the config's secrets: viewers, who see secrets redacted, get none.
  const config = await getConfig(db, params.name, { capabilities: can(principal.role, "fleet:write") });
  if (!config) throw new AppError("not_found", "no such config");
  return { ...config, usage: await configUsage(db, params.name) };
});
