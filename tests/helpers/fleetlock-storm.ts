import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { rowsOf, type Db } from "@/db/client";

/**
 * Rounds of a reboot storm: `clients` nodes ask for a slot of `group` at once, the winners
 * reboot and unlock, everyone asks again. `lock(path, i)` sends node i's FleetLock request
 * (to whichever process the test wants). Meanwhile the holders table is sampled every 5 ms, so
 * the most holders ever seen at one moment is known, not only the answers.
 */
export async function fleetLockStorm(
  db: Db,
  group: string,
  lock: (path: "pre-reboot" | "steady-state", i: number) => Promise<Response>,
  opts: { clients: number; rounds: number; slots: number },
): Promise<{ granted: number; maxSeen: number }> {
  let maxSeen = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [r] = rowsOf<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM fleet_lock_holders WHERE group_id = ${group}`));
      maxSeen = Math.max(maxSeen, r!.n);
      await new Promise((res) => setTimeout(res, 5));
    }
  })();
  let granted = 0;
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const answers = await Promise.all(Array.from({ length: opts.clients }, (_, i) => lock("pre-reboot", i).then((r) => ({ i, status: r.status }))));
      const winners = answers.filter((a) => a.status === 200);
      expect(winners.length).toBeLessThanOrEqual(opts.slots);
      expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      granted += winners.length;
      await Promise.all(winners.map((w) => lock("steady-state", w.i)));
    }
  } finally {
    sampling = false;
    await sampler;
  }
  return { granted, maxSeen };
}
