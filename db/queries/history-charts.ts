import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { bucketStarts, versionDistribution, type VersionDelta } from "@/lib/history/charts";
import type { Db } from "../client";
import { fleetStateCounts, historyHourly, versionHourly } from "../schema/history";

export interface ChartRange {
  from: Date;
  to: Date;
  bucket: "hour" | "day";
  group?: string;
}

const DAY_MS = 86_400_000;

/** The default chart window: the last 30 days, or 48 hours when bucketed by hour. */
export function chartRange(q: { from?: Date; to?: Date; bucket: "hour" | "day"; group?: string }, now = new Date()): ChartRange {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - (q.bucket === "hour" ? 2 : 30) * DAY_MS);
  return { from, to, bucket: q.bucket, group: q.group };
}

const bucketOf = (r: ChartRange) => sql.raw(`'${r.bucket}'`);

/**
 * Hosts per version at the end of each bucket, from version_hourly only: the running sum of
 * arrivals and departures before the range (one aggregate over the key's prefix) plus the
 * deltas inside it. Never reads host_reports.
 */
export async function versionChart(db: Db, r: ChartRange) {
  const group: SQL[] = r.group ? [eq(versionHourly.groupId, r.group)] : [];
  const baseRows = await db
    .select({ version: versionHourly.osVersion, n: sql<number>`sum(${versionHourly.delta})::int` })
    .from(versionHourly)
    .where(and(lt(versionHourly.hour, r.from), ...group))
    .groupBy(versionHourly.osVersion);
  const deltaRows = await db
    .select({
      bucket: sql<string>`to_char(date_trunc(${bucketOf(r)}, ${versionHourly.hour}, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"')`,
      version: versionHourly.osVersion,
      delta: sql<number>`sum(${versionHourly.delta})::int`,
    })
    .from(versionHourly)
    .where(and(gte(versionHourly.hour, r.from), lt(versionHourly.hour, r.to), ...group))
    .groupBy(sql`1`, versionHourly.osVersion);
  const baseline = new Map(baseRows.map((b) => [b.version, b.n]));
  return { bucket: r.bucket, ...versionDistribution(baseline, deltaRows as VersionDelta[], bucketStarts(r.from, r.to, r.bucket)) };
}

/** Change events per bucket by kind (updates, failures, rollbacks, …) from history_hourly. */
export async function activityChart(db: Db, r: ChartRange) {
  const rows = await db
    .select({
      bucket: sql<string>`to_char(date_trunc(${bucketOf(r)}, ${historyHourly.hour}, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"')`,
      change: historyHourly.change,
      events: sql<number>`sum(${historyHourly.events})::int`,
    })
    .from(historyHourly)
    .where(and(gte(historyHourly.hour, r.from), lt(historyHourly.hour, r.to), ...(r.group ? [eq(historyHourly.groupId, r.group)] : [])))
    .groupBy(sql`1`, historyHourly.change);
  const byBucket = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const point = byBucket.get(row.bucket) ?? {};
    point[row.change] = (point[row.change] ?? 0) + row.events;
    byBucket.set(row.bucket, point);
  }
  return {
    bucket: r.bucket,
    points: bucketStarts(r.from, r.to, r.bucket).map((b) => {
      const p = byBucket.get(b) ?? {};
      return { bucket: b, updates: p.update ?? 0, failures: p.failure ?? 0, rollbacks: p.rollback ?? 0, enrolled: p.enrolled ?? 0 };
    }),
  };
}

export interface CountBucket {
  key: string;
  count: number;
}

/**
 * Current hosts by state, version, OS, group and channel from fleet_state_counts (a few
 * hundred rows kept exact by the ingest statement, summed over their stripes) instead of
 * counting the hosts table.
 */
export async function fleetCounts(db: Db) {
  const f = fleetStateCounts;
  const rows = await db
    .select({ groupId: f.groupId, channelId: f.channelId, osFamily: f.osFamily, osVersion: f.osVersion, updateState: f.updateState, healthOk: f.healthOk, hosts: sql<number>`sum(${f.hosts})::int` })
    .from(f)
    .groupBy(f.groupId, f.channelId, f.osFamily, f.osVersion, f.updateState, f.healthOk)
    .having(sql`sum(${f.hosts}) > 0`);
  const tally = (key: (r: (typeof rows)[number]) => string) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.hosts);
    return [...m].map(([k, count]) => ({ key: k, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  };
  const total = rows.reduce((n, r) => n + r.hosts, 0);
  const count = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).reduce((n, r) => n + r.hosts, 0);
  const byGroupChannel = new Map<string, { key: string; channel: string | null; count: number }>();
  for (const r of rows) {
    const g = byGroupChannel.get(r.groupId) ?? { key: r.groupId, channel: r.channelId || null, count: 0 };
    g.count += r.hosts;
    byGroupChannel.set(r.groupId, g);
  }
  return {
    total,
    inError: count((r) => r.updateState === "error"),
    rolledBack: count((r) => r.updateState === "rolled_back"),
    unhealthy: count((r) => !r.healthOk),
    byState: tally((r) => r.updateState),
    byVersion: tally((r) => r.osVersion).slice(0, 50),
    byOs: tally((r) => r.osFamily),
    byChannel: tally((r) => r.channelId || "(no channel)"),
    byGroup: [...byGroupChannel.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, 100),
  };
}
