import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "void"] as const;

/**
 * A change waiting for a second person. The plan is stored with its hash: an approval is for
 * exactly that plan, and a changed plan needs a new request.
 */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // ignition_publish | rollout | change (db/queries/change-gate.ts)
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    plan: jsonb("plan").$type<Record<string, unknown>>().notNull(),
    planHash: text("plan_hash").notNull(),
    requestedBy: uuid("requested_by"),
    requestedByEmail: text("requested_by_email").notNull(),
    reason: text("reason").notNull().default(""),
    approvalsRequired: integer("approvals_required").notNull(),
    status: text("status", { enum: APPROVAL_STATUSES }).notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  // Approvals page (pending first) and "is there an open request for this subject".
  (t) => [index("approval_requests_status_idx").on(t.status, t.createdAt), index("approval_requests_subject_idx").on(t.subjectType, t.subjectId)],
);

export const approvalVotes = pgTable(
  "approval_votes",
  {
    requestId: uuid("request_id")
      .notNull()
      .references(() => approvalRequests.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull(),
    userEmail: text("user_email").notNull(),
    decision: text("decision", { enum: ["approve", "reject"] }).notNull(),
    comment: text("comment").notNull(),
    planHash: text("plan_hash").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.userId] })],
);
