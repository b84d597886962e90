import { z } from "zod";
import { deleteWebhook, updateWebhook } from "@/db/queries/webhooks";
import { AppError } from "@/lib/errors";
import { WebhookPatchSchema } from "@/lib/webhooks/schemas";
import { route } from "../../_lib/handler";

function webhookId(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "no such webhook");
  return id;
}

export const PATCH = route<{ id: string }>({ permission: "tokens:manage" }, async ({ db, actor, params, body }) => updateWebhook(db, actor, webhookId(params.id), await body(WebhookPatchSchema)));

export const DELETE = route<{ id: string }>({ permission: "tokens:manage" }, async ({ db, actor, params }) => {
  await deleteWebhook(db, actor, webhookId(params.id));
  return { ok: true };
});
