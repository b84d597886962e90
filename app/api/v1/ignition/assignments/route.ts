import { createAssignment, listAssignments } from "@/db/queries/ignition";
import { can } from "@/lib/auth/permissions";
import { AssignmentSchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../_lib/handler";
import { gatedResponse } from "../../_lib/gated";

// The token is a capability URL that serves the config's secrets: only editors see it.
export const GET = route({ permission: "fleet:read" }, async ({ db, principal }) => {
  const items = await listAssignments(db);
  return { items: can(principal.role, "fleet:write") ? items : items.map(({ token: _token, ...rest }) => rest) };
});

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) =>
  gatedResponse(await createAssignment(db, actor, await body(AssignmentSchema)), (a) => Response.json(a, { status: 201 })),
);
