import { bigint, boolean, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

/*
 * Rollups of the update history, maintained by the ingest statement as reports arrive
 * (db/queries/history-ingest.ts), so charts and counts never scan raw host_reports. They
 * are kept when retention drops raw partitions.
 *
 * Each counter is striped: `shard` is the writing connection's backend pid modulo
 * ROLLUP_SHARDS, so concurrent ingest statements add to different rows and never wait on
 * each other's row locks (a shared counter row serialized every batch behind the previous
 * batch's commit). Readers sum over shards; the retention job folds closed hours and the
 * live counts back into shard 0 (db/queries/rollup-compaction.ts).
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
    shard: smallint("shard").notNull().default(0),
  },
  // The primary key serves the chart's range scan by hour.
  (t) => [primaryKey({ columns: [t.hour, t.groupId, t.osVersion, t.change, t.shard] })],
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
    shard: smallint("shard").notNull().default(0),
  },
  // Range scan by hour (chart) and the baseline sum before the range.
  (t) => [primaryKey({ columns: [t.hour, t.groupId, t.osVersion, t.shard] })],
);

/**
 * Current hosts per combination of the overview's dimensions, kept exact by the ingest
 * statement (−1 on the host's old combination, +1 on its new one). The overview reads a few
 * hundred rows instead of counting a million hosts five ways. Null channel is stored as ''.
 * One shard's row may be negative (a host counted in one shard left from another); only the
 * sum over shards is a host count.
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
    shard: smallint("shard").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.channelId, t.osFamily, t.osVersion, t.updateState, t.healthOk, t.shard] })],
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
