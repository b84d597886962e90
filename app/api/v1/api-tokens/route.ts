import { createApiToken, listApiTokens } from "@/db/queries/tokens";
import { expiryFrom, NewApiTokenSchema } from "@/lib/operator/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "tokens:manage" }, async ({ db }) => ({ items: await listApiTokens(db) }));

export const POST = route({ permission: "tokens:manage" }, async ({ db, actor, body }) => {
  const input = await body(NewApiTokenSchema);
  const created = await createApiToken(db, actor, { name: input.name, userId: input.userId, expiresAt: expiryFrom(input.expiresInDays) });
  return Response.json(created, { status: 201 });
});
