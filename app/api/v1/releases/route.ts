import { createReleases, listReleases } from "@/db/queries/releases";
import { NewReleaseSchema } from "@/lib/operator/release-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db, req }) => ({
  items: (await listReleases(db, { channelId: req.nextUrl.searchParams.get("channel") ?? undefined, osFamily: req.nextUrl.searchParams.get("os") ?? undefined })).map((r) => ({
    ...r,
    recalled: r.recalledAt ? (r.recallReason ?? "recalled") : null,
  })),
}));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const [created] = await createReleases(db, actor, [await body(NewReleaseSchema)], "release.create");
  invalidatePolicy();
  return Response.json(created, { status: 201 });
});
