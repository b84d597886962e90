import { publishConfigVersion } from "@/db/queries/ignition";
import { PublishSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../../../_lib/handler";

/** 200 when published; 202 when the config reaches an approval-required group. */
export const POST = route<{ name: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(PublishSchema);
  const result = await publishConfigVersion(db, actor, params.name, input.version, input.reason || null);
  return Response.json(result, { status: result.status === "published" ? 200 : 202 });
});
