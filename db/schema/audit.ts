import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Operator audit log. Append-only and hash-chained: `hash` covers this row's content and
 * `prev_hash`, so an altered or deleted row breaks the chain at a nameable place.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull(),
    actorId: uuid("actor_id"),
    actorEmail: text("actor_email").notNull(),
    actorRole: text("actor_role").notNull(),
    // session | api_token | system
    via: text("via").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: jsonb("before").$type<unknown>(),
    after: jsonb("after").$type<unknown>(),
    reason: text("reason"),
    clientAddr: text("client_addr"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    // Audit page filtered by target ("who changed channel stable").
    index("audit_target_idx").on(t.targetType, t.targetId, t.id),
    // Audit page filtered by actor.
    index("audit_actor_idx").on(t.actorEmail, t.id),
  ],
);
