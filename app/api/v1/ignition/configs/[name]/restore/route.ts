import { restoreConfigVersion } from "@/db/queries/ignition";
import { RestoreSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../../../_lib/handler";

/** Restores an older version as a new one (history is never rewritten). */
export const POST = route<{ name: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(RestoreSchema);
  return Response.json(await restoreConfigVersion(db, actor, params.name, input.version, input.message), { status: 201 });
});
