import { getConfig, saveConfigVersion } from "@/db/queries/ignition";
import { AppError } from "@/lib/errors";
import { SaveConfigSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../../../_lib/handler";

/** Saves a new immutable version of an existing config. */
export const POST = route<{ name: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(SaveConfigSchema);
  if (!(await getConfig(db, params.name))) throw new AppError("not_found", "no such config");
  return Response.json(await saveConfigVersion(db, actor, params.name, input), { status: 201 });
});
