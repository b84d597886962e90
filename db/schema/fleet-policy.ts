import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The fleet-wide default rollout policy (phases, windows, limits): it applies to every group
 * without a policy of its own, including groups hosts asked for that nobody defined. One row;
 * no row means the built-in default (one phase, no windows, no limits).
 */
export const fleetPolicy = pgTable(
  "fleet_policy",
  {
    id: integer("id").primaryKey().default(1),
    policy: jsonb("policy").$type<Record<string, unknown>>().notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("fleet_policy_one_row", sql`${t.id} = 1`)],
);
