import { createChannel, listChannels } from "@/db/queries/groups";
import { NewChannelSchema } from "@/lib/operator/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({ items: await listChannels(db) }));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) =>
  Response.json(await createChannel(db, actor, await body(NewChannelSchema)), { status: 201 }),
);
