import { createGroup, listGroups } from "@/db/queries/groups";
import { NewGroupSchema } from "@/lib/operator/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => listGroups(db));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) =>
  Response.json(await createGroup(db, actor, await body(NewGroupSchema)), { status: 201 }),
);
