import { createUser, listUsers } from "@/db/queries/users";
import { NewUserSchema } from "@/lib/operator/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "users:manage" }, async ({ db }) => ({ items: await listUsers(db) }));

export const POST = route({ permission: "users:manage" }, async ({ db, actor, body }) =>
  Response.json(await createUser(db, actor, await body(NewUserSchema)), { status: 201 }),
);
