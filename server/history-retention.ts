import type { Db } from "@/db/client";
import { runRetention } from "@/db/queries/retention";
import { compactRollups } from "@/db/queries/rollup-compaction";
import { logger } from "@/lib/log";

const HOUR_MS = 3_600_000;

/**
 * Runs the retention job shortly after start and then hourly. Every process schedules it; the
 * advisory lock inside runRetention lets one of them work and the others skip. Hourly keeps
 * a week of partitions ahead with a wide margin and drops a day within an hour of expiring.
 * Each run also folds the striped rollup counters of closed hours back into one row a key.
 */
export function startRetentionJob(db: Db, retentionDays: number, opts: { firstRunMs?: number; everyMs?: number } = {}): { stop(): Promise<void> } {
  const log = logger();
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = runRetention(db, { retentionDays })
      .then(async (run) => {
        if (run && (run.droppedPartitions.length || run.error)) log.info({ dropped: run.droppedPartitions, rows: run.droppedRows, created: run.createdPartitions.length, error: run.error }, "history retention ran");
        const compacted = await compactRollups(db);
        if (compacted) log.debug({ folded: compacted.folded }, "rollup stripes folded");
      })
      .catch((err: unknown) => log.warn({ err }, "history retention failed; retrying next hour"))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, opts.firstRunMs ?? 10_000);
  const every = setInterval(tick, opts.everyMs ?? HOUR_MS);
  first.unref();
  every.unref();
  return {
    // Waits for a run in progress, so the database is not closed under it.
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
