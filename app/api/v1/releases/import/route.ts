import { createReleases } from "@/db/queries/releases";
import { ReleaseImportSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../../_lib/handler";

/** Imports a JSON file `{"releases": [...]}`: all or nothing. */
export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const { releases } = await body(ReleaseImportSchema);
  const created = await createReleases(db, actor, releases, "release.import");
  invalidatePolicy();
  return Response.json({ imported: created.length, items: created }, { status: 201 });
});
