import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/*
 * Rollups of the update history, maintained by the ingest statement as reports arrive
 * (db/queries/history-ingest.ts), so charts and counts never scan raw host_reports. They
 * are kept when retention drops raw partitions.
 */

/** Change events per hour, group, version and kind: "updates and failures per hour". */
export const historyHourly = pgTable(
  "history_hourly",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    groupId: text("group_id").notNull(),
    osVersion: text("os_version").notNull(),
    change: text("change").notNull(),
    events: integer("events").notNull(),
  },
  // The primary key serves the chart's range scan by hour.
  (t) => [primaryKey({ columns: [t.hour, t.groupId, t.osVersion, t.change] })],
);

/**
 * Hosts arriving on (+) and leaving (−) a version per hour and group. A version distribution
 * at time t is the running sum of everything up to t; per-day charts add up 24 rows a version.
 */
export const versionHourly = pgTable(
  "version_hourly",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    groupId: text("group_id").notNull(),
    osVersion: text("os_version").notNull(),
    delta: integer("delta").notNull(),
  },
  // Range scan by hour (chart) and the baseline sum before the range.
  (t) => [primaryKey({ columns: [t.hour, t.groupId, t.osVersion] })],
);

/**
 * Current hosts per combination of the overview's dimensions, kept exact by the ingest
 * statement (−1 on the host's old combination, +1 on its new one). The overview reads a few
 * hundred rows instead of counting a million hosts five ways. Null channel is stored as ''.
 */
export const fleetStateCounts = pgTable(
  "fleet_state_counts",
  {
    groupId: text("group_id").notNull(),
    channelId: text("channel_id").notNull(),
    osFamily: text("os_family").notNull(),
    osVersion: text("os_version").notNull(),
    updateState: text("update_state").notNull(),
    healthOk: boolean("health_ok").notNull(),
    hosts: bigint("hosts", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.channelId, t.osFamily, t.osVersion, t.updateState, t.healthOk] })],
);

/** One row per run of the retention job (server/history-retention.ts), shown in the UI. */
export const retentionRuns = pgTable("retention_runs", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
  retentionDays: integer("retention_days").notNull(),
  cutoff: timestamp("cutoff", { withTimezone: true }).notNull(),
  droppedPartitions: jsonb("dropped_partitions").$type<string[]>().notNull(),
  droppedRows: bigint("dropped_rows", { mode: "number" }).notNull(),
  createdPartitions: jsonb("created_partitions").$type<string[]>().notNull(),
  error: text("error"),
});
