import { configUsage, getConfig } from "@/db/queries/ignition";
import { AppError } from "@/lib/errors";
import { route } from "../../../_lib/handler";

export const GET = route<{ name: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  const config = await getConfig(db, params.name);
  if (!config) throw new AppError("not_found", "no such config");
  return { ...config, usage: await configUsage(db, params.name) };
});
