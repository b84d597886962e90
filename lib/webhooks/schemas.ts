import { z } from "zod";
import { WEBHOOK_EVENTS } from "./events";
import { WEBHOOK_FORMATS } from "./payload";

const url = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && u.username === "" && u.password === "";
    } catch {
      return false;
    }
  }, "must be an http(s) URL without credentials");

const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1, "choose at least one event").max(WEBHOOK_EVENTS.length);

export const NewWebhookSchema = z.object({
  name: z.string().trim().min(1).max(100),
  url,
  events,
  format: z.enum(WEBHOOK_FORMATS).default("cloudevents"),
  secret: z.string().min(16, "at least 16 characters").max(200).optional(),
});

export const WebhookPatchSchema = z
  .object({ name: z.string().trim().min(1).max(100), url, events, format: z.enum(WEBHOOK_FORMATS), enabled: z.boolean() })
  .partial()
  .refine((p) => Object.keys(p).length > 0, "nothing to change");

export const DeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});
