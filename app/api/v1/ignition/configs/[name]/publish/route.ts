import { publishConfigVersion } from "@/db/queries/ignition";
import { PublishSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../../../_lib/handler";

export const POST = route<{ name: string }>({ permission: "fleet:write" }, async ({ db, actor, params, body }) => {
  const input = await body(PublishSchema);
  await publishConfigVersion(db, actor, params.name, input.version, input.reason || null);
  return { ok: true, publishedVersion: input.version };
});
