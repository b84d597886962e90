import { createAssignment, listAssignments } from "@/db/queries/ignition";
import { AssignmentSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../_lib/handler";
import { gatedResponse } from "../../_lib/gated";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({ items: await listAssignments(db) }));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) =>
  gatedResponse(await createAssignment(db, actor, await body(AssignmentSchema)), (a) => Response.json(a, { status: 201 })),
);
