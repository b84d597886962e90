import { and, count, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { groups, updateSlots } from "../schema/fleet";
import { holdFromLimit, holdText } from "@/lib/rollout/hold-reasons";
import { rateLimitAllows } from "@/lib/rollout/limits";
import type { UpdateLimits } from "@/lib/update/policy";

export type SlotResult = { granted: true } | { granted: false; reason: "concurrency_limit" | "rate_limit"; detail: string };

/**
 * May this host start updating to `version` now? Under a lock on the group's row, in-progress
 * slots (not completed, not timed out) and slots granted within the period are counted, so
 * processes sharing one Postgres never exceed the group's limits. A host that already holds a
 * slot for this version keeps it.
 */
export async function acquireUpdateSlot(db: Db, groupId: string, hostId: string, version: string, limits: UpdateLimits, now = new Date()): Promise<SlotResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1 FROM ${groups} WHERE ${groups.id} = ${groupId} FOR UPDATE`);
    const stuckBefore = new Date(now.getTime() - limits.updateTimeoutMinutes * 60_000);
    const open = and(eq(updateSlots.groupId, groupId), isNull(updateSlots.completedAt), gt(updateSlots.grantedAt, stuckBefore));
    const [mine] = await tx
      .select({ id: updateSlots.id, version: updateSlots.version })
      .from(updateSlots)
      .where(and(open, eq(updateSlots.hostId, hostId)));
    if (mine?.version === version) return { granted: true };
    const [{ n: inProgress } = { n: 0 }] = await tx.select({ n: count() }).from(updateSlots).where(open);
    const periodStart = limits.maxUpdatesPerPeriod ? new Date(now.getTime() - limits.maxUpdatesPerPeriod.periodMinutes * 60_000) : now;
    const [{ n: startedInPeriod } = { n: 0 }] = limits.maxUpdatesPerPeriod
      ? await tx.select({ n: count() }).from(updateSlots).where(and(eq(updateSlots.groupId, groupId), gt(updateSlots.grantedAt, periodStart)))
      : [{ n: 0 }];
    const decision = rateLimitAllows(limits, { inProgress: inProgress - (mine ? 1 : 0), startedInPeriod });
    const hold = holdFromLimit(decision);
    if (!decision.allowed) return { granted: false, reason: decision.reason, detail: hold ? holdText(hold) : decision.reason };
    // A different version than the slot held: that slot ends, a new one starts.
    if (mine) await tx.update(updateSlots).set({ completedAt: now }).where(eq(updateSlots.id, mine.id));
    await tx.insert(updateSlots).values({ groupId, hostId, version, grantedAt: now });
    // Rows that can no longer count for anything are removed here rather than by a job.
    const keepAfter = new Date(now.getTime() - Math.max(limits.updateTimeoutMinutes, limits.maxUpdatesPerPeriod?.periodMinutes ?? 0) * 60_000);
    await tx.delete(updateSlots).where(and(eq(updateSlots.groupId, groupId), lt(updateSlots.grantedAt, keepAfter)));
    return { granted: true };
  });
}

export async function openSlots(db: Db, groupId: string) {
  return db.select().from(updateSlots).where(and(eq(updateSlots.groupId, groupId), isNull(updateSlots.completedAt)));
}
