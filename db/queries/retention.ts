import { desc, sql } from "drizzle-orm";
import { dayStart, partitionName, planPartitions } from "@/lib/history/partitions";
import { rowsOf, type Db } from "../client";
import { retentionRuns } from "../schema/history";
import { LOCK_KEYS } from "../locks";

// One retention job at a time across processes; any constant shared by all of them works.
const RETENTION_LOCK = LOCK_KEYS.historyRetention;

export type RetentionRun = typeof retentionRuns.$inferSelect;

export async function listReportPartitions(db: Db): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'host_reports'::regclass ORDER BY 1`),
  );
  return rows.map((r) => r.name);
}

/** Rows in a partition about to go: the planner's estimate once analyzed, else counted. */
async function partitionRows(db: Db, name: string): Promise<number> {
  const [est] = rowsOf<{ n: number }>(await db.execute(sql`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = ${name}`));
  if (est && Number(est.n) >= 0) return Number(est.n);
  const [c] = rowsOf<{ n: number }>(await db.execute(sql.raw(`SELECT count(*)::bigint AS n FROM "${name}"`)));
  return Number(c?.n ?? 0);
}

/**
 * Drops the daily host_reports partitions older than the retention, creates the coming days,
 * and records the run. Rollups and the audit log are separate tables and are never touched.
 * Returns null when another process holds the job (transaction-scoped advisory lock, so it
 * works through a pool and is released by commit or by a dead connection).
 */
export async function runRetention(db: Db, opts: { retentionDays: number; now?: Date }): Promise<RetentionRun | null> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS ok`));
    if (!lock?.ok) return null;
    const plan = planPartitions(await listReportPartitions(tx), now, opts.retentionDays);
    let droppedRows = 0;
    for (const name of plan.drop) {
      droppedRows += await partitionRows(tx, name);
      await tx.execute(sql.raw(`DROP TABLE "${name}"`));
    }
    const created: string[] = [];
    const errors: string[] = [];
    for (const p of plan.create) {
      try {
        // A savepoint each: a day the default partition already holds rows for cannot be
        // created, and must not undo the drops.
        await tx.transaction(async (sp) => {
          await sp.execute(sql.raw(`CREATE TABLE "${p.name}" PARTITION OF host_reports FOR VALUES FROM ('${p.from.toISOString()}') TO ('${p.to.toISOString()}')`));
        });
        created.push(p.name);
      } catch (err) {
        errors.push(`${p.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const [run] = await tx
      .insert(retentionRuns)
      .values({
        startedAt: now,
        finishedAt: new Date(),
        retentionDays: opts.retentionDays,
        cutoff: plan.cutoff,
        droppedPartitions: plan.drop,
        droppedRows,
        createdPartitions: created,
        error: errors.length ? errors.join("; ") : null,
      })
      .returning();
    return run ?? null;
  });
}

export async function lastRetentionRun(db: Db): Promise<RetentionRun | null> {
  const [run] = await db.select().from(retentionRuns).orderBy(desc(retentionRuns.id)).limit(1);
  return run ?? null;
}

/** Creates the daily partitions covering [from, to) that do not exist yet (seeding, imports). */
export async function ensureReportPartitions(db: Db, from: Date, to: Date): Promise<string[]> {
  const have = new Set(await listReportPartitions(db));
  const created: string[] = [];
  for (let t = dayStart(from).getTime(); t < to.getTime(); t += 86_400_000) {
    const day = new Date(t);
    const name = partitionName(day);
    if (have.has(name)) continue;
    await db.execute(sql.raw(`CREATE TABLE "${name}" PARTITION OF host_reports FOR VALUES FROM ('${day.toISOString()}') TO ('${new Date(t + 86_400_000).toISOString()}')`));
    created.push(name);
  }
  return created;
}
