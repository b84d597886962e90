import { and, asc, count, eq, lt, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { fleetLockGroups, fleetLockHolders, groups, hostReports } from "../schema/fleet";
import { rollouts } from "../schema/rollouts";
import { appendAudit, SYSTEM_ACTOR, type Actor } from "./audit";
import { getFleetPolicy } from "./fleet-policy";
import { rebootRefusal } from "@/lib/fleetlock/reboot-gate";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";
import { FLEET_DIMS, SHARD } from "./history-ingest";
import { nextLastSeenStep } from "./ingest";
import { AppError } from "@/lib/errors";
import { normalizeMachineId } from "@/lib/agent/machine-id";

export interface LockResult {
  granted: boolean;
  holders: number;
  slots: number;
  /** Refused by the group's maintenance window or paused rollout (words for the FleetLock error value). */
  refused?: string;
}

export interface SlotOptions {
  /** Slots held longer are freed first (0: never). */
  ttlMinutes?: number;
  now?: Date;
}

/** The group's maintenance windows (its own policy, else the fleet default) and its paused rollout, if any. */
async function rebootPolicy(tx: Db, groupId: string, now: Date): Promise<string | null> {
  const [g] = await tx.select({ policy: groups.policy }).from(groups).where(eq(groups.id, groupId));
  const own = g?.policy ? GroupPolicySchema.safeParse(g.policy) : null;
  const windows = own?.success ? own.data.maintenanceWindows : (await getFleetPolicy(tx)).policy.maintenanceWindows;
  const [paused] = await tx
    .select({ version: rollouts.version, stoppedBy: rollouts.stoppedBy })
    .from(rollouts)
    .where(and(eq(rollouts.groupId, groupId), eq(rollouts.status, "paused")))
    .limit(1);
  return rebootRefusal({ windows, pausedRollout: paused ?? null, now });
}

/** Frees slots held past the TTL (in one group, or all), each with an audit entry. */
export async function expireRebootSlots(db: Db, ttlMinutes: number, groupId?: string, now = new Date()): Promise<number> {
  if (ttlMinutes <= 0) return 0;
  const before = new Date(now.getTime() - ttlMinutes * 60_000);
  const run = async (tx: Db) => {
    const gone = await tx
      .delete(fleetLockHolders)
      .where(and(lt(fleetLockHolders.acquiredAt, before), groupId ? eq(fleetLockHolders.groupId, groupId) : undefined))
      .returning();
    for (const h of gone) {
      await appendAudit(tx, SYSTEM_ACTOR, {
        action: "fleetlock.expire",
        targetType: "fleetlock_group",
        targetId: h.groupId,
        before: { holder: h.holderId, since: h.acquiredAt.toISOString() },
        after: null,
        reason: `reboot slot held longer than ${ttlMinutes} minutes: freed`,
      });
    }
    return gone.length;
  };
  return groupId ? run(db) : db.transaction(run);
}

/**
 * FleetLock RecursiveLock. The group's semaphore row is locked FOR UPDATE while holders are
 * counted, so processes sharing one Postgres never hand out more slots than configured.
 */
export async function acquireRebootSlot(db: Db, groupId: string, holderId: string, clientAddr: string | null, opts: SlotOptions = {}): Promise<LockResult> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    await tx.insert(fleetLockGroups).values({ id: groupId }).onConflictDoNothing();
    const [sem] = await tx.select().from(fleetLockGroups).where(eq(fleetLockGroups.id, groupId)).for("update");
    const slots = sem!.totalSlots;
    const [held] = await tx
      .select({ h: fleetLockHolders.holderId })
      .from(fleetLockHolders)
      .where(and(eq(fleetLockHolders.groupId, groupId), eq(fleetLockHolders.holderId, holderId)));
    let [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(fleetLockHolders).where(eq(fleetLockHolders.groupId, groupId));
    if (held) return { granted: true, holders: n, slots };
    // Full: under the semaphore's lock, slots whose holders never came back are freed first.
    if (n >= slots) n -= await expireRebootSlots(tx, opts.ttlMinutes ?? 0, groupId, now);
    if (n >= slots) return { granted: false, holders: n, slots };
    // A new reboot waits for the group's maintenance window and for its rollout to run again
    // (asked only when a slot is free: a storm of requests on a full group costs nothing more).
    const refused = await rebootPolicy(tx, groupId, now);
    if (refused) return { granted: false, holders: n, slots, refused };
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
