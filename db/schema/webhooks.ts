import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { WEBHOOK_FORMATS } from "../../lib/webhooks/payload";
import { users } from "./auth";

/** Where notifications go: a URL, the events wanted, a signing secret and a body format. */
export const webhookSubscriptions = pgTable("webhook_subscriptions", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  url: text("url").notNull(),
  events: text("events").array().notNull(),
  format: text("format", { enum: WEBHOOK_FORMATS }).notNull().default("cloudevents"),
  // Needed in clear to sign each delivery; shown once at creation, never in the API or the audit log.
  secret: text("secret").notNull(),
  secretHint: text("secret_hint").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const DELIVERY_STATUSES = ["pending", "sending", "delivered", "failed"] as const;

/**
 * The outbox and the delivery log in one: rows are inserted in the transaction of the change
 * that raised the event (through the audit log), sent by the dispatcher, and kept with what
 * the receiver answered.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    subscriptionId: uuid("subscription_id")
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    auditId: bigint("audit_id", { mode: "number" }),
    // The message without its rendering: the subscription's format is applied at send time.
    message: jsonb("message").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    // A delivery being sent is leased; a process that died mid-send leaves it to be retried.
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    lastError: text("last_error"),
    durationMs: integer("duration_ms"),
    redeliveryOf: bigint("redelivery_of", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    // The dispatcher's claim: due rows only, so delivered history costs it nothing.
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status IN ('pending', 'sending')`),
    // A subscription's delivery log, newest first.
    index("webhook_deliveries_subscription_idx").on(t.subscriptionId, t.id),
  ],
);
