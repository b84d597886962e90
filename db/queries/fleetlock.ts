import { and, asc, count, eq, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { fleetLockGroups, fleetLockHolders, hostReports } from "../schema/fleet";
import { appendAudit, type Actor } from "./audit";
import { FLEET_DIMS, SHARD } from "./history-ingest";
import { nextLastSeenStep } from "./ingest";
import { AppError } from "@/lib/errors";
import { normalizeMachineId } from "@/lib/agent/machine-id";

export interface LockResult {
  granted: boolean;
  holders: number;
  slots: number;
}

/**
 * FleetLock RecursiveLock. The group's semaphore row is locked FOR UPDATE while holders are
 * counted, so processes sharing one Postgres never hand out more slots than configured.
 */
export async function acquireRebootSlot(db: Db, groupId: string, holderId: string, clientAddr: string | null): Promise<LockResult> {
  return db.transaction(async (tx) => {
    await tx.insert(fleetLockGroups).values({ id: groupId }).onConflictDoNothing();
    const [sem] = await tx.select().from(fleetLockGroups).where(eq(fleetLockGroups.id, groupId)).for("update");
    const slots = sem!.totalSlots;
    const [held] = await tx
      .select({ h: fleetLockHolders.holderId })
      .from(fleetLockHolders)
      .where(and(eq(fleetLockHolders.groupId, groupId), eq(fleetLockHolders.holderId, holderId)));
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(fleetLockHolders).where(eq(fleetLockHolders.groupId, groupId));
    if (held) return { granted: true, holders: n, slots };
    if (n >= slots) return { granted: false, holders: n, slots };
    await tx.insert(fleetLockHolders).values({ groupId, holderId, clientAddr });
    // A Zincati holder id is the node's id: the host is about to reboot into its update.
    const hostId = normalizeMachineId(holderId);
    if (hostId) {
      // The state moves outside the ingest statement, so the live fleet counts move here too
      // (−1 on the host's old combination, +1 on rebooting), in this connection's stripe and in
      // key order like the ingest; the host row is locked first, as there.
      const [h] = rowsOf<{ osVersion: string; groupId: string }>(
        await tx.execute(sql`WITH old AS (
  SELECT id, group_id, COALESCE(channel_id, '') AS channel_id, os_family, os_version, update_state, health_ok FROM hosts WHERE id = ${hostId} FOR UPDATE),
moved AS (
  UPDATE hosts h SET update_state = 'rebooting', last_seen_at = GREATEST(h.last_seen_at, now()),
    last_seen_step = ${sql.raw(nextLastSeenStep("h", "now()"))}
  FROM old WHERE h.id = old.id RETURNING h.os_version, h.group_id),
counted AS (
  INSERT INTO fleet_state_counts (${sql.raw(FLEET_DIMS)}, hosts, shard)
  SELECT o.group_id, o.channel_id, o.os_family, o.os_version, s.state, o.health_ok, s.d, ${sql.raw(SHARD)}
  FROM old o CROSS JOIN LATERAL (VALUES (o.update_state, -1), ('rebooting', 1)) AS s(state, d)
  WHERE o.update_state <> 'rebooting' ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (${sql.raw(FLEET_DIMS)}, shard) DO UPDATE SET hosts = fleet_state_counts.hosts + excluded.hosts
  RETURNING 1)
SELECT os_version AS "osVersion", group_id AS "groupId" FROM moved`),
      );
      if (h) {
        await tx.insert(hostReports).values({
          hostId,
          protocol: "cincinnati",
          kind: "reboot_slot",
          osVersion: h.osVersion,
          updateState: "rebooting",
          groupId: h.groupId,
          clientAddr,
          detail: { fleetLockGroup: groupId, event: "reboot slot granted" },
        });
      }
    }
    return { granted: true, holders: n + 1, slots };
  });
}

/** FleetLock UnlockIfHeld: releasing a slot one does not hold is a success too. */
export async function releaseRebootSlot(db: Db, groupId: string, holderId: string): Promise<void> {
  await db.delete(fleetLockHolders).where(and(eq(fleetLockHolders.groupId, groupId), eq(fleetLockHolders.holderId, holderId)));
}

export async function listRebootSlots(db: Db) {
  const sems = await db.select().from(fleetLockGroups).orderBy(asc(fleetLockGroups.id));
  const holders = await db.select().from(fleetLockHolders).orderBy(asc(fleetLockHolders.acquiredAt));
  return sems.map((s) => ({ ...s, holders: holders.filter((h) => h.groupId === s.id) }));
}

export async function setRebootSlots(db: Db, actor: Actor, groupId: string, totalSlots: number, reason: string | null) {
  return db.transaction(async (tx) => {
    await tx.insert(fleetLockGroups).values({ id: groupId }).onConflictDoNothing();
    const [before] = await tx.select().from(fleetLockGroups).where(eq(fleetLockGroups.id, groupId)).for("update");
    const [after] = await tx.update(fleetLockGroups).set({ totalSlots, updatedAt: new Date() }).where(eq(fleetLockGroups.id, groupId)).returning();
    await appendAudit(tx, actor, { action: "fleetlock.set_slots", targetType: "fleetlock_group", targetId: groupId, before: { totalSlots: before!.totalSlots }, after: { totalSlots: after!.totalSlots }, reason });
    return after!;
  });
}

/** An operator frees a slot a host never gave back (it died mid-update, say). */
export async function forceReleaseRebootSlot(db: Db, actor: Actor, groupId: string, holderId: string, reason: string | null) {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .delete(fleetLockHolders)
      .where(and(eq(fleetLockHolders.groupId, groupId), eq(fleetLockHolders.holderId, holderId)))
      .returning();
    if (!held) throw new AppError("not_found", `${holderId} holds no slot in ${groupId}`);
    await appendAudit(tx, actor, {
      action: "fleetlock.release",
      targetType: "fleetlock_group",
      targetId: groupId,
      before: { holder: holderId, since: held.acquiredAt.toISOString() },
      after: null,
      reason,
    });
  });
}
