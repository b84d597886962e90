/*
 * The history part of the ingest statement (db/queries/ingest.ts INGEST_SQL): classify each
 * report against what was known of its host, append it with its change kind, and move the
 * rollups (db/schema/history.ts) in the same statement, so an acknowledged report and the
 * counts that include it commit together and charts never scan raw history.
 */

/** Mirror of lib/history/events.ts classifyChange over the columns of `classified`. */
export const CHANGE_SQL = `CASE WHEN b_version IS NULL THEN 'enrolled'
    WHEN update_state = 'rolled_back' AND (b_state <> 'rolled_back' OR b_version <> os_version) THEN 'rollback'
    WHEN update_state = 'error' AND (b_state <> 'error' OR b_error IS DISTINCT FROM error_code) THEN 'failure'
    WHEN os_version <> b_version THEN 'update'
    WHEN replace(update_state, 'checking', 'idle') <> replace(b_state, 'checking', 'idle') THEN 'state'
    WHEN group_id <> b_group THEN 'group' END`;

/** Stripes per counter (db/schema/history.ts): enough that a few writers rarely share one. */
export const ROLLUP_SHARDS = 16;
/** The writing connection's stripe; every writer of a counter uses this one expression. */
export const SHARD = `(pg_backend_pid() % ${ROLLUP_SHARDS})::smallint`;

const OVERVIEW_DIMS = ["group_id", "channel_id", "os_family", "os_version", "update_state", "health_ok"] as const;
/** fleet_state_counts' key without the stripe, in key order. */
export const FLEET_DIMS = OVERVIEW_DIMS.join(", ");

/**
 * `prev`: the hosts of the batch as they were, locked. FOR UPDATE makes a concurrent batch's
 * committed change visible here (read committed re-reads a locked row), so the −1 of the
 * overview counts always hits the combination the host really left. It is read by the main
 * query, and Postgres runs unreferenced data-modifying CTEs (the host upsert) after the main
 * query, so `prev` is taken before the upsert touches the rows (the ingest tests check it).
 * One primary-key probe per id rather than `id = ANY(…)` or a join: with those the planner
 * picked the trigram GIN index on hosts.id or a full scan (1.3 s a batch at 2,000 hosts).
 */
export function historyPrevCte(hostIdParam: string): string {
  return `prev AS (
  SELECT h.* FROM unnest(${hostIdParam}::text[]) AS k(id)
  CROSS JOIN LATERAL (SELECT h.id, ${OVERVIEW_DIMS.map((d) => `h.${d}`).join(", ")}, h.error_code FROM hosts h WHERE h.id = k.id FOR UPDATE) h),
`;
}

type Column = readonly [name: string, arrayType: string, value: unknown, cast?: string];

/**
 * The tail of the statement: appends the reports (with `change` and `from_version`) and
 * updates the three rollups. Each statement adds to its connection's stripe of the counters
 * (ROLLUP_SHARDS), so concurrent batches do not queue on one row; rows are still written in key
 * order, so two batches that do share a stripe lock them in the same order and cannot deadlock.
 */
export function historyTail(reportColumns: ReadonlyArray<Column>, firstReportParam: number, hostParam: (name: string) => string): string {
  const names = reportColumns.map(([n]) => n);
  const arrays = reportColumns.map(([, type], i) => `$${firstReportParam + i}::${type}[]`).join(", ");
  const select = reportColumns.map(([n, , , cast]) => (cast ? `u.${n}::${cast} AS ${n}` : `u.${n}`)).join(", ");
  const before = (col: string, alias: string) => `CASE WHEN lag(i.ord) OVER w IS NULL THEN p.${col} ELSE lag(i.${col}) OVER w END AS ${alias}`;
  const dims = FLEET_DIMS;
  const differs = OVERVIEW_DIMS.map((d) => `p.${d} IS DISTINCT FROM n.${d}`).join(" OR ");
  const side = (t: string, sign: number) => `${t}.group_id, COALESCE(${t}.channel_id, ''), ${t}.os_family, ${t}.os_version, ${t}.update_state, ${t}.health_ok, ${sign}`;
  return `incoming AS (
  SELECT ${select}, u.ord FROM unnest(${arrays}) WITH ORDINALITY AS u(${names.join(", ")}, ord)),
classified AS (
  SELECT i.*, ${before("os_version", "b_version")}, ${before("update_state", "b_state")}, ${before("error_code", "b_error")}, ${before("group_id", "b_group")}
  FROM incoming i LEFT JOIN prev p ON p.id = i.host_id
  WINDOW w AS (PARTITION BY i.host_id ORDER BY i.received_at, i.ord)),
events AS (SELECT c.*, ${CHANGE_SQL} AS change FROM classified c),
appended AS (
  INSERT INTO host_reports (${names.join(", ")}, change, from_version) SELECT ${names.join(", ")}, change, b_version FROM events RETURNING 1),
hourly AS (
  INSERT INTO history_hourly (hour, group_id, os_version, change, events, shard)
  SELECT date_trunc('hour', received_at, 'UTC'), group_id, os_version, change, count(*), ${SHARD} FROM events WHERE change IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (hour, group_id, os_version, change, shard) DO UPDATE SET events = history_hourly.events + excluded.events RETURNING 1),
versions AS (
  INSERT INTO version_hourly (hour, group_id, os_version, delta, shard)
  SELECT date_trunc('hour', e.received_at, 'UTC'), m.g, m.v, sum(m.d), ${SHARD} FROM events e
  CROSS JOIN LATERAL (VALUES (e.group_id, e.os_version, 1), (e.b_group, e.b_version, -1)) AS m(g, v, d)
  WHERE m.v IS NOT NULL AND (e.b_version IS NULL OR e.b_version <> e.os_version OR e.b_group <> e.group_id)
  GROUP BY 1, 2, 3 HAVING sum(m.d) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (hour, group_id, os_version, shard) DO UPDATE SET delta = version_hourly.delta + excluded.delta RETURNING 1),
next_state AS (
  SELECT * FROM unnest(${OVERVIEW_DIMS.map((d) => `${hostParam(d)}::${d === "health_ok" ? "bool" : "text"}[]`).join(", ")}, ${hostParam("id")}::text[]) AS n(${dims}, id))
INSERT INTO fleet_state_counts (${dims}, hosts, shard)
SELECT ${dims}, sum(d), ${SHARD} FROM (
  SELECT ${side("n", 1)} FROM next_state n LEFT JOIN prev p ON p.id = n.id WHERE p.id IS NULL OR ${differs}
  UNION ALL
  SELECT ${side("p", -1)} FROM next_state n JOIN prev p ON p.id = n.id WHERE ${differs}
) AS c(${dims}, d)
GROUP BY ${dims} HAVING sum(d) <> 0 ORDER BY ${dims}
ON CONFLICT (${dims}, shard) DO UPDATE SET hosts = fleet_state_counts.hosts + excluded.hosts`;
}
