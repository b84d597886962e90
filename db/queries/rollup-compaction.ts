import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { FLEET_DIMS } from "./history-ingest";
import { LOCK_KEYS } from "../locks";

// One compaction at a time across processes.
const COMPACTION_LOCK = LOCK_KEYS.rollupCompaction;

/**
 * Each rollup: its key (without the shard), its counter column, and which rows to fold. The
 * hourly tables fold closed hours only; the live counts fold everything.
 */
const ROLLUPS = [
  { table: "fleet_state_counts", key: FLEET_DIMS, value: "hosts", where: "TRUE" },
  { table: "history_hourly", key: "hour, group_id, os_version, change", value: "events", where: "hour < date_trunc('hour', now(), 'UTC')" },
  { table: "version_hourly", key: "hour, group_id, os_version", value: "delta", where: "hour < date_trunc('hour', now(), 'UTC')" },
] as const;

export interface CompactionResult {
  /** Rows folded into shard 0, per table. */
  folded: Record<string, number>;
}

/**
 * Folds the striped counter rows (db/schema/history.ts) back into shard 0 and drops rows that
 * sum to nothing, so the rollups stay as small as they were before striping. Sums are
 * unchanged by construction: every row deleted is added to its shard-0 row in the same
 * statement. Rows are locked in key order, the order the ingest statement writes them, so a
 * concurrent batch waits at most for this transaction and can never deadlock with it.
 * Returns null when another process is compacting.
 */
export async function compactRollups(db: Db): Promise<CompactionResult | null> {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK}) AS ok`));
    if (!lock?.ok) return null;
    const folded: Record<string, number> = {};
    for (const r of ROLLUPS) {
      const [moved] = rowsOf<{ n: number }>(
        await tx.execute(
          sql.raw(`WITH locked AS (
  SELECT ctid FROM ${r.table} WHERE shard <> 0 AND ${r.where} ORDER BY ${r.key}, shard FOR UPDATE),
moved AS (
  DELETE FROM ${r.table} t USING locked l WHERE t.ctid = l.ctid RETURNING t.*),
folded AS (
  INSERT INTO ${r.table} (${r.key}, ${r.value}, shard)
  SELECT ${r.key}, sum(${r.value}), 0 FROM moved GROUP BY ${r.key} ORDER BY ${r.key}
  ON CONFLICT (${r.key}, shard) DO UPDATE SET ${r.value} = ${r.table}.${r.value} + excluded.${r.value}
  RETURNING 1)
SELECT (SELECT count(*) FROM moved)::int AS n, (SELECT count(*) FROM folded)::int AS f`),
        ),
      );
      await tx.execute(
        sql.raw(`WITH locked AS (SELECT ctid FROM ${r.table} WHERE shard = 0 AND ${r.value} = 0 AND ${r.where} ORDER BY ${r.key} FOR UPDATE)
DELETE FROM ${r.table} t USING locked l WHERE t.ctid = l.ctid AND t.${r.value} = 0`),
      );
      folded[r.table] = moved?.n ?? 0;
    }
    return { folded };
  });
}
