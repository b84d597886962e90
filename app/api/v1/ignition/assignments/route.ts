import { createAssignment, listAssignments } from "@/db/queries/ignition";
import { AssignmentSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({ items: await listAssignments(db) }));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) =>
  Response.json(await createAssignment(db, actor, await body(AssignmentSchema)), { status: 201 }),
);
