import { listConfigs, saveConfigVersion } from "@/db/queries/ignition";
import { AppError } from "@/lib/errors";
import { NewConfigSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({ items: await listConfigs(db) }));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const input = await body(NewConfigSchema);
  if ((await listConfigs(db)).some((c) => c.id === input.id)) throw new AppError("conflict", `config ${input.id} exists`, [{ path: "id", message: "already exists" }]);
  const v = await saveConfigVersion(db, actor, input.id, input, input.description);
  return Response.json(v, { status: 201 });
});
