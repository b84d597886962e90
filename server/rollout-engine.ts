import type { Db } from "@/db/client";
import { runRolloutEngine } from "@/db/queries/rollouts";
import { logger } from "@/lib/log";

/**
 * Runs the rollout engine every `intervalMs` in this process. Several processes may run it:
 * an advisory lock lets one tick at a time do the work. Returns a stop function that waits
 * for a tick in flight.
 */
export function startRolloutEngine(db: Db, intervalMs: number, onChange: () => void, alsoEachTick: () => Promise<unknown> = () => Promise.resolve()): () => Promise<void> {
  if (intervalMs <= 0) return () => Promise.resolve();
  const log = logger();
  let running: Promise<void> | null = null;
  let failing = false;
  const tick = () => {
    if (running) return;
    running = runRolloutEngine(db)
      .then(async (steps) => {
        await alsoEachTick();
        failing = false;
        if (steps.length === 0) return;
        log.info({ steps }, "rollout engine acted");
        onChange();
      })
      .catch((err: unknown) => {
        // A database outage: say it once, keep ticking; the next tick after recovery catches up.
        if (!failing) log.warn({ err }, "rollout engine tick failed");
        failing = true;
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
