import { and, count, desc, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { approvalRequests, approvalVotes } from "../schema/approvals";
import { auditLog } from "../schema/audit";
import { channels, fleetLockGroups, fleetLockHolders, hosts, pins, releases, updateSlots } from "../schema/fleet";
import { rolloutHosts, type rollouts } from "../schema/rollouts";
import { etaWithBlockers, OFFLINE_AFTER_MINUTES, rolloutBlockers, type Blocker, type BlockerInputs, type Eta, type HostSample, type PinHolding } from "@/lib/rollout/blockers";
import { estimateCompletion } from "@/lib/rollout/rollout";
import { compareVersions } from "@/lib/update/version";

type RolloutRow = typeof rollouts.$inferSelect;

const SAMPLE = 5;

/** Count and first few machine ids of the hosts matching `where`. */
async function sampleOf(db: Db, where: SQL): Promise<HostSample> {
  const [row] = rowsOf<{ n: number; sample: string[] | null }>(
    await db.execute(sql`SELECT count(*)::int AS n, (array_agg(id ORDER BY id))[1:${SAMPLE}] AS sample FROM ${hosts} WHERE ${where}`),
  );
  return { n: row?.n ?? 0, sample: row?.sample ?? [] };
}

async function lastActor(db: Db, targetType: string, targetId: string, actions: string[]): Promise<string | null> {
  const [row] = await db
    .select({ actor: auditLog.actorEmail })
    .from(auditLog)
    .where(and(eq(auditLog.targetType, targetType), eq(auditLog.targetId, targetId), inArray(auditLog.action, actions)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row?.actor ?? null;
}

const activePin = (alias: string) => sql.raw(`(${alias}.expires_at IS NULL OR ${alias}.expires_at > now())`);

/**
 * Gathers what `rolloutBlockers` needs for one rollout: the group's hosts still below its
 * version (version-aware, so hosts already newer are not "waiting"), the pins that cover them,
 * the channel's pause, the recall, the update slots, FleetLock semaphores and offline hosts.
 */
export async function rolloutBlockerInputs(db: Db, r: RolloutRow, now = new Date()): Promise<BlockerInputs> {
  // Versions in the group below the rollout's: few distinct values, compared in TypeScript.
  const versions = await db.selectDistinct({ v: hosts.osVersion }).from(hosts).where(eq(hosts.groupId, r.groupId));
  const behind = versions.map((x) => x.v).filter((v) => compareVersions(v, r.version) < 0);
  const behindArr = sql`ARRAY[${sql.join(behind.length ? behind.map((v) => sql`${v}`) : [sql`NULL`], sql`, `)}]::text[]`;
  const inGroupBehind = sql`${hosts.groupId} = ${r.groupId} AND ${hosts.osVersion} = ANY(${behindArr})`;
  const updating = sql`EXISTS (SELECT 1 FROM ${rolloutHosts} rh WHERE rh.rollout_id = ${r.id} AND rh.host_id = ${hosts.id} AND rh.finished_at IS NULL)`;
  const hostPinned = sql`EXISTS (SELECT 1 FROM ${pins} hp WHERE hp.scope = 'host' AND hp.target_id = ${hosts.id} AND ${activePin("hp")})`;
  const offlineBefore = new Date(now.getTime() - OFFLINE_AFTER_MINUTES * 60_000);

  const [waiting, offline] = await Promise.all([
    sampleOf(db, sql`${inGroupBehind} AND NOT ${updating}`),
    sampleOf(db, sql`${inGroupBehind} AND NOT ${updating} AND ${hosts.lastSeenAt} < ${offlineBefore}`),
  ]);

  // Pins: the group's own (over hosts without a pin of their own), and host pins grouped by what
  // they say (a bulk pin of 2,000 hosts is one line, not 2,000).
  const pinHoldings: PinHolding[] = [];
  const [groupPin] = await db.select().from(pins).where(and(eq(pins.scope, "group"), eq(pins.targetId, r.groupId), sql`${activePin("pins")}`));
  if (groupPin) {
    pinHoldings.push({ scope: "group", version: groupPin.version, owner: groupPin.owner, reason: groupPin.reason, allowDowngrade: groupPin.allowDowngrade, expiresAt: groupPin.expiresAt, hosts: await sampleOf(db, sql`${inGroupBehind} AND NOT ${updating} AND NOT ${hostPinned}`) });
  }
  const hostPinRows = rowsOf<{ version: string; owner: string; reason: string; allow_downgrade: boolean; expires_at: string | Date | null; n: number; sample: string[] }>(
    await db.execute(sql`
      SELECT p.version, p.owner, p.reason, p.allow_downgrade, max(p.expires_at) AS expires_at, count(*)::int AS n, (array_agg(${hosts.id} ORDER BY ${hosts.id}))[1:${SAMPLE}] AS sample
      FROM ${pins} p JOIN ${hosts} ON ${hosts.id} = p.target_id
      WHERE p.scope = 'host' AND ${activePin("p")} AND ${inGroupBehind} AND NOT ${updating}
      GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC LIMIT 20`),
  );
  for (const p of hostPinRows) {
    pinHoldings.push({ scope: "host", version: p.version, owner: p.owner, reason: p.reason, allowDowngrade: p.allow_downgrade, expiresAt: p.expires_at ? new Date(p.expires_at) : null, hosts: { n: p.n, sample: p.sample } });
  }

  const [channel] = r.channelId ? await db.select().from(channels).where(eq(channels.id, r.channelId)) : [];
  const [release] = r.releaseId ? await db.select({ recalledAt: releases.recalledAt, recallReason: releases.recallReason }).from(releases).where(eq(releases.id, r.releaseId)) : [];

  let approval: BlockerInputs["approval"] = null;
  if (r.status === "awaiting_approval" && r.approvalRequestId) {
    const [req] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, r.approvalRequestId));
    const [votes] = await db.select({ n: count() }).from(approvalVotes).where(and(eq(approvalVotes.requestId, r.approvalRequestId), eq(approvalVotes.decision, "approve")));
    approval = { approvals: votes?.n ?? 0, required: req?.approvalsRequired ?? r.plan.approvalsRequired ?? 1, requestedBy: req?.requestedByEmail ?? r.createdBy };
  }

  // Update slots counted as acquireUpdateSlot counts them (db/queries/update-slots.ts).
  const stuckBefore = new Date(now.getTime() - r.plan.updateTimeoutMinutes * 60_000);
  const [inProgress] = await db.select({ n: count() }).from(updateSlots).where(and(eq(updateSlots.groupId, r.groupId), isNull(updateSlots.completedAt), gt(updateSlots.grantedAt, stuckBefore)));
  const period = r.plan.maxUpdatesPerPeriod;
  const [started] = period
    ? await db.select({ n: count() }).from(updateSlots).where(and(eq(updateSlots.groupId, r.groupId), gt(updateSlots.grantedAt, new Date(now.getTime() - period.periodMinutes * 60_000))))
    : [{ n: 0 }];

  // FleetLock: the semaphores this group's hosts take (Zincati names the group in its config,
  // so it is found by the holders and by the group's own name).
  const sems = rowsOf<{ id: string; total_slots: number; holders: string[] }>(
    await db.execute(sql`
      SELECT g.id, g.total_slots, coalesce(array_agg(l.holder_id ORDER BY l.acquired_at) FILTER (WHERE l.holder_id IS NOT NULL), '{}') AS holders
      FROM ${fleetLockGroups} g LEFT JOIN ${fleetLockHolders} l ON l.group_id = g.id
      WHERE g.id = ${r.groupId} OR g.id IN (SELECT l2.group_id FROM ${fleetLockHolders} l2 JOIN ${hosts} h2 ON h2.id = l2.holder_id WHERE h2.group_id = ${r.groupId})
      GROUP BY g.id, g.total_slots`),
  );
  const fleetLock: BlockerInputs["fleetLock"] = [];
  for (const s of sems) {
    // Hosts that staged the update and wait for a reboot slot (holders themselves are rebooting).
    const waitingToReboot = await sampleOf(
      db,
      sql`${hosts.id} IN (SELECT host_id FROM ${rolloutHosts} WHERE rollout_id = ${r.id} AND state = 'staged' AND finished_at IS NULL) ${s.holders.length ? sql` AND NOT (${hosts.id} IN (${sql.join(s.holders.map((h) => sql`${h}`), sql`, `)}))` : sql``}`,
    );
    fleetLock.push({ id: s.id, totalSlots: s.total_slots, holders: s.holders, waiting: waitingToReboot });
  }

  return {
    now,
    rollout: {
      status: r.status,
      version: r.version,
      groupId: r.groupId,
      stoppedBy: r.stoppedBy,
      maintenanceWindows: r.plan.maintenanceWindows,
      maxConcurrentUpdates: r.plan.maxConcurrentUpdates,
      maxUpdatesPerPeriod: r.plan.maxUpdatesPerPeriod,
    },
    waiting,
    approval,
    recall: release?.recalledAt ? { reason: release.recallReason ?? "no reason given" } : null,
    channel: channel ? { id: channel.id, paused: channel.paused, pausedReason: channel.pausedReason, pausedBy: channel.paused ? await lastActor(db, "channel", channel.id, ["channel.pause"]) : null } : null,
    policyBy: await lastActor(db, "group", r.groupId, ["group.update", "group.create"]),
    pins: pinHoldings,
    slots: { inProgress: inProgress?.n ?? 0, startedInPeriod: started?.n ?? 0 },
    fleetLock,
    offline,
  };
}

/** Why the rollout cannot move, and the ETA with that allowed for. */
export async function rolloutBlockersOf(db: Db, r: RolloutRow, finished: number, now = new Date()): Promise<{ blockers: Blocker[]; eta: Eta }> {
  const live = r.status === "awaiting_approval" || r.status === "running" || r.status === "paused";
  const blockers = live ? rolloutBlockers(await rolloutBlockerInputs(db, r, now)) : [];
  const base = r.status === "running" ? estimateCompletion({ now, phases: r.plan.phases, phaseIndex: r.phaseIndex, phaseStartedAt: r.phaseStartedAt, fleetSize: r.fleetSize, finished, startedAt: r.startedAt }) : null;
  return { blockers, eta: etaWithBlockers(r.status, base, blockers, now) };
}
