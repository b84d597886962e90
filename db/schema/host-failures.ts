import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const HOST_FAILURE_SOURCES = ["omaha_rollback", "native_rollback"] as const;

/**
 * Versions that failed to boot on one host (GRUB fell back, the agent rolled back). The update
 * decision never offers such a version to that host again until an operator retries it there:
 * update_engine installs whatever it is offered, so without this a host would take the same
 * broken version on every check.
 */
export const hostFailedVersions = pgTable(
  "host_failed_versions",
  {
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    source: text("source", { enum: HOST_FAILURE_SOURCES }).notNull(),
    // The agent's own code, decoded name where known (Omaha 44 = RollbackError).
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    firstFailedAt: timestamp("first_failed_at", { withTimezone: true }).notNull().defaultNow(),
    lastFailedAt: timestamp("last_failed_at", { withTimezone: true }).notNull().defaultNow(),
    failures: integer("failures").notNull().default(1),
    // An operator's retry lifts the block (kept for the host page); a new failure sets it again.
    retriedAt: timestamp("retried_at", { withTimezone: true }),
    retriedBy: text("retried_by"),
  },
  (t) => [
    primaryKey({ columns: [t.hostId, t.version] }),
    // The policy snapshot loads the blocks still in force.
    index("host_failed_versions_active_idx").on(t.hostId).where(sql`retried_at IS NULL`),
  ],
);
