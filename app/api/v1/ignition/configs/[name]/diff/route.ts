import { diffVersions } from "@/db/queries/ignition";
import { can } from "@/lib/auth/permissions";
import { DiffQuerySchema } from "@/lib/operator/ignition-schemas";
import { route } from "../../../../_lib/handler";

export const GET = route<{ name: string }>({ permission: "fleet:read" }, async ({ db, params, query, principal }) => {
  const q = query(DiffQuerySchema);
  return { from: q.from, to: q.to, diff: await diffVersions(db, params.name, q.from, q.to, !can(principal.role, "fleet:write")) };
});
