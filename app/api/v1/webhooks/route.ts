import { createWebhook, listWebhooks } from "@/db/queries/webhooks";
import { NewWebhookSchema } from "@/lib/webhooks/schemas";
import { route } from "../_lib/handler";

export const GET = route({ permission: "tokens:manage" }, async ({ db }) => ({ items: await listWebhooks(db) }));

/** The signing secret is in this answer only. */
export const POST = route({ permission: "tokens:manage" }, async ({ db, actor, body }) => {
  const input = await body(NewWebhookSchema);
  return Response.json(await createWebhook(db, actor, input), { status: 201 });
});
