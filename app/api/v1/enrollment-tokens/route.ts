import { createEnrollmentToken, listEnrollmentTokens } from "@/db/queries/tokens";
import { expiryFrom, NewEnrollmentTokenSchema } from "@/lib/operator/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "tokens:manage" }, async ({ db }) => ({ items: await listEnrollmentTokens(db) }));

export const POST = route({ permission: "tokens:manage" }, async ({ db, actor, body }) => {
  const input = await body(NewEnrollmentTokenSchema);
  const created = await createEnrollmentToken(db, actor, { name: input.name, expiresAt: expiryFrom(input.expiresInDays) });
  return Response.json(created, { status: 201 });
});
