import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ROLLOUT_STATUS_VALUES, ROLLOUT_HOST_STATE_VALUES, type RolloutPlan, type RolloutEvaluation } from "../../lib/rollout/rollout";
import type { StoppedBy } from "../../lib/rollout/hold-reasons";

export const ROLLOUT_STATUSES = ROLLOUT_STATUS_VALUES;
export const ROLLOUT_HOST_STATES = ROLLOUT_HOST_STATE_VALUES;

/**
 * One group's way to one release. Created when its channel's target changes (or by hand); the
 * plan (phases, thresholds, windows, limits) is copied in, so an approval binds exactly it.
 */
export const rollouts = pgTable(
  "rollouts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    groupId: text("group_id").notNull(),
    channelId: text("channel_id"),
    releaseId: uuid("release_id"),
    version: text("version").notNull(),
    // What the group ran before (the channel's previous target): where "roll back" goes.
    fromVersion: text("from_version"),
    status: text("status", { enum: ROLLOUT_STATUSES }).notNull(),
    plan: jsonb("plan").$type<RolloutPlan>().notNull(),
    phaseIndex: integer("phase_index").notNull().default(0),
    phaseStartedAt: timestamp("phase_started_at", { withTimezone: true }),
    // Rank cutoffs per phase (lib/rollout/phases.ts), fixed when the rollout starts.
    cutoffs: jsonb("cutoffs").$type<number[]>().notNull().default([]),
    fleetSize: integer("fleet_size").notNull().default(0),
    stoppedBy: jsonb("stopped_by").$type<StoppedBy>(),
    // The engine's last look: why it is not advancing (baking until, awaiting sample, …).
    evaluation: jsonb("evaluation").$type<RolloutEvaluation>(),
    approvalRequestId: uuid("approval_request_id"),
    approvedBy: jsonb("approved_by").$type<string[]>(),
    createdBy: text("created_by").notNull(),
    reason: text("reason").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    // At most one live rollout per group: a new one supersedes it.
    uniqueIndex("rollouts_group_live_uq").on(t.groupId).where(sql`status IN ('awaiting_approval', 'running', 'paused')`),
    // Rollout list (newest first) and a group's rollouts.
    index("rollouts_created_idx").on(t.createdAt.desc()),
    index("rollouts_group_idx").on(t.groupId, t.createdAt.desc()),
  ],
);

/** Hosts a rollout offered its release to, and how far each got. */
export const rolloutHosts = pgTable(
  "rollout_hosts",
  {
    rolloutId: uuid("rollout_id")
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    phaseIndex: integer("phase_index").notNull(),
    state: text("state", { enum: ROLLOUT_HOST_STATES }).notNull().default("offered"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    offeredAt: timestamp("offered_at", { withTimezone: true }).notNull().defaultNow(),
    // Last progress: a host with no progress past the group's update timeout is stuck.
    progressAt: timestamp("progress_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    // False for a host first seen after the rollout started: it is offered the release like any
    // other, but its result does not count towards the failure rate (an anonymous client inventing
    // machine ids must not be able to stop or roll back a rollout; ARCHITECTURE.md "Trust model").
    counted: boolean("counted").notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.rolloutId, t.hostId] }),
    // Ingest: a report moves the host's unfinished rollout entry along.
    index("rollout_hosts_open_idx").on(t.hostId).where(sql`finished_at IS NULL`),
    // Progress view: counts per state.
    index("rollout_hosts_state_idx").on(t.rolloutId, t.state),
  ],
);

/** What happened to a rollout, for its timeline: who or what started, paused, advanced, stopped it. */
export const rolloutEvents = pgTable(
  "rollout_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    rolloutId: uuid("rollout_id")
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("rollout_events_rollout_idx").on(t.rolloutId, t.at)],
);
