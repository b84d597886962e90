import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { approvalRequests, approvalVotes } from "../schema/approvals";
import { channels, groups, hosts, pins, releases } from "../schema/fleet";
import { rolloutEvents, rolloutHosts, rollouts } from "../schema/rollouts";
import { appendAudit, SYSTEM_ACTOR, type Actor } from "./audit";
import { requestApproval, type Applier, type ApprovalRequest } from "./approvals";
import { AppError, assertUnchanged } from "@/lib/errors";
import { planHash } from "@/lib/approvals/plan";
import { GroupPolicySchema, type GroupPolicy } from "@/lib/rollout/policy-schema";
import { getFleetPolicy } from "./fleet-policy";
import { groupsFollowingChannel } from "./undefined-groups";
import { exactPhaseCutoffs, hostRank } from "@/lib/rollout/phases";
import { LOCK_KEYS } from "../locks";
import type { StoppedBy } from "@/lib/rollout/hold-reasons";
import {
  emptyCounts,
  LIVE_ROLLOUT_STATUSES,
  nextStep,
  planFor,
  ROLLOUT_HOST_STATE_VALUES,
  type RecallRolloutPolicy,
  STUCK_ERROR_CODE,
  toJsonReadiness,
  type RolloutHostState,
  type RolloutPlan,
  type RolloutStatus,
  type StateCounts,
} from "@/lib/rollout/rollout";
import type { RolloutInfo } from "@/lib/update/policy";

export type RolloutRow = typeof rollouts.$inferSelect;

const LIVE = LIVE_ROLLOUT_STATUSES as RolloutStatus[];

async function event(tx: Db, rolloutId: string, kind: string, actor: string, detail: Record<string, unknown> = {}, at = new Date()) {
  await tx.insert(rolloutEvents).values({ rolloutId, kind, actor, detail, at });
}

async function policyOfGroup(tx: Db, policy: Record<string, unknown> | null, requiresApproval: boolean, approvalsRequired: number): Promise<GroupPolicy> {
  const parsed = policy ? GroupPolicySchema.safeParse(policy) : null;
  // A group without a policy of its own follows the fleet-wide default.
  const base = parsed?.success ? parsed.data : (await getFleetPolicy(tx)).policy;
  // The group's approval columns are the truth for groups whose policy was never edited.
  return { ...base, requiresApproval, approvalsRequired };
}

/** What the approval binds: the plan and the rollout it belongs to. */
function approvalPlan(rolloutId: string, plan: RolloutPlan): Record<string, unknown> {
  return { rolloutId, ...plan };
}

const auditView = (r: RolloutRow) => ({ status: r.status, version: r.version, groupId: r.groupId, phaseIndex: r.phaseIndex, stoppedBy: r.stoppedBy });

/**
 * Starts a rollout now: the rank cutoffs of its phases are fixed from the group's hosts at this
 * moment (exactly the phase's share of them; hosts that appear later fall in by their rank).
 */
async function start(tx: Db, r: RolloutRow, now: Date, actor: string, detail: Record<string, unknown> = {}): Promise<RolloutRow> {
  const members = await tx.select({ id: hosts.id }).from(hosts).where(eq(hosts.groupId, r.groupId));
  const ranks = members.map((m) => hostRank(m.id, r.id));
  const cutoffs = exactPhaseCutoffs(r.plan.phases, ranks);
  const [after] = await tx
    .update(rollouts)
    .set({ status: "running", phaseIndex: 0, phaseStartedAt: now, startedAt: now, cutoffs, fleetSize: members.length, stoppedBy: null, updatedAt: now })
    .where(eq(rollouts.id, r.id))
    .returning();
  await event(tx, r.id, "started", actor, { fleetSize: members.length, ...detail }, now);
  return after!;
}

/** A rollout that will never start takes its open approval request with it. */
async function voidPendingApproval(tx: Db, requestId: string | null, now: Date): Promise<void> {
  if (!requestId) return;
  await tx.update(approvalRequests).set({ status: "void", decidedAt: now }).where(and(eq(approvalRequests.id, requestId), eq(approvalRequests.status, "pending")));
}

/** What the group's hosts would be offered once the rollout is approved (db/queries/preview.ts). */
async function rolloutPreview(tx: Db, input: NewRollout) {
  if (!input.channelId || !input.releaseId) return undefined;
  // Loaded on use: the preview reads the policy snapshot, which imports this module.
  const { previewChange } = await import("./preview");
  return previewChange(tx, { kind: "target", channelId: input.channelId, releaseId: input.releaseId, groupId: input.groupId }, { asApproved: true });
}

/** Ends the group's live rollout because a newer one replaces it. */
async function supersede(tx: Db, groupId: string, byVersion: string, now: Date): Promise<void> {
  const live = await tx
    .update(rollouts)
    .set({ status: "superseded", finishedAt: now, updatedAt: now })
    .where(and(eq(rollouts.groupId, groupId), inArray(rollouts.status, LIVE)))
    .returning({ id: rollouts.id, approvalRequestId: rollouts.approvalRequestId });
  for (const r of live) {
    await event(tx, r.id, "superseded", "system", { byVersion }, now);
    // Hosts it offered but that never finished no longer count for it.
    await tx.update(rolloutHosts).set({ finishedAt: now }).where(and(eq(rolloutHosts.rolloutId, r.id), isNull(rolloutHosts.finishedAt)));
    await voidPendingApproval(tx, r.approvalRequestId, now);
  }
}

export interface NewRollout {
  groupId: string;
  channelId: string | null;
  releaseId: string | null;
  version: string;
  fromVersion: string | null;
  reason: string;
}

/**
 * Creates a group's rollout (superseding its live one). A group that needs approval gets a
 * request bound to the exact plan; otherwise the rollout starts at once. Audited.
 */
export async function createRolloutTx(tx: Db, actor: Actor, input: NewRollout, now = new Date()): Promise<RolloutRow> {
  const [group] = await tx.select().from(groups).where(eq(groups.id, input.groupId)).for("update");
  if (!group) throw new AppError("bad_request", "invalid request: groupId: no such group", [{ path: "groupId", message: "no such group" }]);
  await supersede(tx, input.groupId, input.version, now);
  const policy = await policyOfGroup(tx, group.policy, group.requiresApproval, group.approvalsRequired);
  const plan = planFor({ groupId: input.groupId, channelId: input.channelId, version: input.version, fromVersion: input.fromVersion }, policy);
  const needsApproval = plan.approvalsRequired !== null;
  const [row] = await tx
    .insert(rollouts)
    .values({
      groupId: input.groupId,
      channelId: input.channelId,
      releaseId: input.releaseId,
      version: input.version,
      fromVersion: input.fromVersion,
      status: needsApproval ? "awaiting_approval" : "running",
      plan,
      createdBy: actor.email,
      reason: input.reason,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  let rollout = row!;
  await event(tx, rollout.id, "created", actor.email, { version: input.version, fromVersion: input.fromVersion, reason: input.reason }, now);
  if (needsApproval) {
    const preview = await rolloutPreview(tx, input);
    const request = await requestApproval(tx, actor, {
      subjectType: "rollout",
      subjectId: rollout.id,
      plan: { ...approvalPlan(rollout.id, plan), ...(preview ? { preview } : {}) },
      approvalsRequired: plan.approvalsRequired!,
      reason: input.reason || `rollout of ${input.version} to ${input.groupId}`,
    });
    [rollout] = await tx.update(rollouts).set({ approvalRequestId: request.id }).where(eq(rollouts.id, rollout.id)).returning() as [RolloutRow];
    await event(tx, rollout.id, "approval_requested", actor.email, { approvalsRequired: plan.approvalsRequired, requestId: request.id }, now);
  } else {
    rollout = await start(tx, rollout, now, actor.email);
  }
  await appendAudit(tx, actor, { action: "rollout.create", targetType: "rollout", targetId: rollout.id, before: null, after: { ...auditView(rollout), plan }, reason: input.reason || null });
  return rollout;
}

/** A rollout by hand: the group's channel target (or a named release of its channel). */
export async function createRollout(db: Db, actor: Actor, input: { groupId: string; releaseId?: string | null; reason: string }) {
  return db.transaction(async (tx) => {
    const [group] = await tx.select().from(groups).where(eq(groups.id, input.groupId));
    if (!group) throw new AppError("bad_request", "invalid request: groupId: no such group", [{ path: "groupId", message: "no such group" }]);
    if (!group.channelId) throw new AppError("bad_request", "invalid request: groupId: the group has no channel", [{ path: "groupId", message: "the group has no channel" }]);
    const [channel] = await tx.select().from(channels).where(eq(channels.id, group.channelId));
    const releaseId = input.releaseId ?? channel?.targetReleaseId ?? null;
    if (!releaseId) throw new AppError("bad_request", "invalid request: releaseId: the channel has no target; name a release", [{ path: "releaseId", message: "required: the channel has no target" }]);
    const [rel] = await tx.select().from(releases).where(eq(releases.id, releaseId));
    if (!rel || (rel.channelId !== group.channelId && rel.osFamily !== channel?.osFamily)) {
      throw new AppError("bad_request", "invalid request: releaseId: not a release of the group's channel", [{ path: "releaseId", message: "not a release of the group's channel" }]);
    }
    if (rel.recalledAt) throw new AppError("bad_request", `invalid request: releaseId: ${rel.version} was recalled`, [{ path: "releaseId", message: "recalled" }]);
    const [prev] = await tx.select({ version: rollouts.version }).from(rollouts).where(and(eq(rollouts.groupId, group.id), eq(rollouts.status, "completed"))).orderBy(desc(rollouts.createdAt)).limit(1);
    return createRolloutTx(tx, actor, { groupId: group.id, channelId: group.channelId, releaseId: rel.id, version: rel.version, fromVersion: prev?.version ?? null, reason: input.reason });
  });
}

/**
 * A channel's target changed: every group on the channel gets a rollout to it (a cleared
 * target aborts their live rollouts). Runs in the target change's transaction. "On the
 * channel" includes groups whose hosts follow it without the group naming it — groups nobody
 * defined (their row is created here, see db/queries/undefined-groups.ts) and groups without a
 * channel — so no host gets a new target outside a rollout.
 */
export async function rolloutsForChannelTarget(tx: Db, actor: Actor, channelId: string, target: { id: string; version: string } | null, fromVersion: string | null, reason: string): Promise<RolloutRow[]> {
  const onChannel = await groupsFollowingChannel(tx, actor, channelId, target?.version ?? null);
  const created: RolloutRow[] = [];
  const now = new Date();
  for (const g of onChannel) {
    if (target) created.push(await createRolloutTx(tx, actor, { groupId: g.id, channelId, releaseId: target.id, version: target.version, fromVersion, reason }, now));
    else {
      const live = await tx.select().from(rollouts).where(and(eq(rollouts.groupId, g.id), inArray(rollouts.status, LIVE)));
      for (const r of live) await stop(tx, actor, r, "aborted", { kind: "operator", actor: actor.email, reason: reason || "channel target cleared" }, now);
    }
  }
  return created;
}

/** An edited group policy changes a waiting rollout's plan: the old approval is void, a new request opens. */
export async function replanAwaitingRollout(tx: Db, actor: Actor, groupId: string): Promise<void> {
  const [r] = await tx.select().from(rollouts).where(and(eq(rollouts.groupId, groupId), eq(rollouts.status, "awaiting_approval"))).for("update");
  if (!r) return;
  const [group] = await tx.select().from(groups).where(eq(groups.id, groupId));
  if (!group) return;
  const plan = planFor({ groupId, channelId: r.channelId, version: r.version, fromVersion: r.fromVersion }, await policyOfGroup(tx, group.policy, group.requiresApproval, group.approvalsRequired));
  if (planHash(plan as unknown as Record<string, unknown>) === planHash(r.plan as unknown as Record<string, unknown>)) return;
  await createRolloutTx(tx, actor, { groupId, channelId: r.channelId, releaseId: r.releaseId, version: r.version, fromVersion: r.fromVersion, reason: `${r.reason ? `${r.reason}; ` : ""}re-planned after the group's policy changed` });
}

async function stop(tx: Db, actor: Actor, r: RolloutRow, status: "paused" | "aborted", stoppedBy: StoppedBy, now: Date, numbers: Record<string, unknown> = {}, eventKind?: string): Promise<RolloutRow> {
  const [after] = await tx
    .update(rollouts)
    .set({ status, stoppedBy, updatedAt: now, ...(status === "aborted" ? { finishedAt: now } : {}) })
    .where(eq(rollouts.id, r.id))
    .returning();
  if (status === "aborted") await voidPendingApproval(tx, r.approvalRequestId, now);
  await event(tx, r.id, eventKind ?? (status === "paused" ? "paused" : "aborted"), stoppedBy.kind === "threshold" ? "threshold" : stoppedBy.actor, { ...stoppedBy, ...numbers }, now);
  await appendAudit(tx, actor, { action: status === "paused" ? "rollout.pause" : "rollout.abort", targetType: "rollout", targetId: r.id, before: auditView(r), after: { ...auditView(after!), ...numbers }, reason: stoppedBy.reason });
  return after!;
}

// ---- Recall (issue 19): a recall reaches the live rollouts of the recalled release. ----

/**
 * A release was recalled: each live rollout of it is ended (or, by policy, paused) with the
 * recall's reason on the rollout, in its timeline ("recalled") and in the audit log. Runs in
 * the recall's transaction, so no rollout of a recalled release is ever seen running.
 */
export async function stopRolloutsOfRecalledRelease(
  tx: Db,
  actor: Actor,
  release: { ids: string[]; osFamily: string; version: string },
  reason: string,
  policy: RecallRolloutPolicy,
  now = new Date(),
): Promise<Array<{ id: string; groupId: string; status: RolloutStatus }>> {
  const live = await tx
    .select()
    .from(rollouts)
    .where(
      and(
        inArray(rollouts.status, LIVE),
        or(
          release.ids.length ? inArray(rollouts.releaseId, release.ids) : undefined,
          // Rollouts made without a release row: same version on a channel of the family.
          and(isNull(rollouts.releaseId), eq(rollouts.version, release.version), sql`${rollouts.channelId} IN (SELECT id FROM ${channels} WHERE os_family = ${release.osFamily})`),
        ),
      ),
    )
    .orderBy(asc(rollouts.groupId))
    .for("update");
  const stoppedBy: StoppedBy = { kind: "recall", actor: actor.email, reason, version: release.version };
  const out: Array<{ id: string; groupId: string; status: RolloutStatus }> = [];
  for (const r of live) {
    // Nothing to pause in a rollout that never started: it ends under either policy.
    const status = policy === "pause" && r.status !== "awaiting_approval" ? "paused" : "aborted";
    const after = await stop(tx, actor, r, status, stoppedBy, now, { recalled: release.version, policy }, "recalled");
    out.push({ id: after.id, groupId: after.groupId, status: after.status });
  }
  return out;
}

async function releaseRecall(tx: Db, r: RolloutRow): Promise<string | null> {
  if (!r.releaseId) return null;
  const [rel] = await tx.select({ recalledAt: releases.recalledAt, recallReason: releases.recallReason }).from(releases).where(eq(releases.id, r.releaseId));
  return rel?.recalledAt ? (rel.recallReason ?? "recalled") : null;
}

// ---- end recall ----

export const applyApprovedRollout: Applier = async (tx, request, approvers) => {
  const [r] = await tx.select().from(rollouts).where(eq(rollouts.id, request.subjectId)).for("update");
  if (!r || r.status !== "awaiting_approval") throw new AppError("conflict", "this rollout is no longer waiting for approval");
  // The preview the approvers saw is part of what they approved; the rollout's own plan must be unchanged.
  const preview = (request.plan as { preview?: unknown }).preview;
  if (planHash({ ...approvalPlan(r.id, r.plan), ...(preview !== undefined ? { preview } : {}) }) !== request.planHash) throw new AppError("conflict", "the rollout's plan changed since approval was requested; request approval again");
  const now = new Date();
  await tx.update(rollouts).set({ approvedBy: approvers }).where(eq(rollouts.id, r.id));
  await event(tx, r.id, "approved", approvers.join(", "), { requestId: request.id }, now);
  await start(tx, r, now, "system", { approvedBy: approvers });
};

export async function rejectRollout(tx: Db, request: ApprovalRequest, actor: Actor, comment: string): Promise<void> {
  const [r] = await tx.select().from(rollouts).where(eq(rollouts.id, request.subjectId)).for("update");
  if (!r || r.status !== "awaiting_approval") return;
  const now = new Date();
  await tx.update(rollouts).set({ status: "rejected", stoppedBy: { kind: "operator", actor: actor.email, reason: comment }, finishedAt: now, updatedAt: now }).where(eq(rollouts.id, r.id));
  await event(tx, r.id, "rejected", actor.email, { comment, requestId: request.id }, now);
}

export type RolloutAction = "pause" | "resume" | "advance" | "abort";

/** An operator's pause, resume, advance or abort; refused (409) when the state does not allow it or the rollout changed meanwhile. */
export async function actOnRollout(db: Db, actor: Actor, id: string, action: RolloutAction, input: { reason: string; expectedUpdatedAt?: string }, now = new Date()) {
  return db.transaction(async (tx) => {
    const [r] = await tx.select().from(rollouts).where(eq(rollouts.id, id)).for("update");
    if (!r) throw new AppError("not_found", "no such rollout");
    assertUnchanged(r.updatedAt, input.expectedUpdatedAt, "this rollout");
    const refuse = (allowed: string) => new AppError("conflict", `cannot ${action} a rollout that is ${r.status.replace("_", " ")} (only when ${allowed})`);
    switch (action) {
      case "pause":
        if (r.status !== "running") throw refuse("running");
        return stop(tx, actor, r, "paused", { kind: "operator", actor: actor.email, reason: input.reason }, now);
      case "abort":
        if (!LIVE.includes(r.status)) throw refuse("awaiting approval, running or paused");
        return stop(tx, actor, r, "aborted", { kind: "operator", actor: actor.email, reason: input.reason }, now);
      case "resume": {
        if (r.status !== "paused") throw refuse("paused");
        {
          // A recalled release is never offered: resuming its rollout would only pretend to move.
          const recalled = await releaseRecall(tx, r);
          if (recalled) throw new AppError("conflict", `cannot resume: ${r.version} was recalled (${recalled}); end this rollout instead`);
        }
        // The phase starts over: it bakes again and judges only results from now on.
        const [after] = await tx.update(rollouts).set({ status: "running", stoppedBy: null, phaseStartedAt: now, updatedAt: now }).where(eq(rollouts.id, id)).returning();
        await event(tx, id, "resumed", actor.email, { reason: input.reason, was: r.stoppedBy }, now);
        await appendAudit(tx, actor, { action: "rollout.resume", targetType: "rollout", targetId: id, before: auditView(r), after: auditView(after!), reason: input.reason });
        return after!;
      }
      case "advance": {
        if (r.status !== "running" && r.status !== "paused") throw refuse("running or paused");
        const after = await advance(tx, r, now, actor.email, { reason: input.reason, manual: true });
        await appendAudit(tx, actor, { action: "rollout.advance", targetType: "rollout", targetId: id, before: auditView(r), after: auditView(after), reason: input.reason });
        return after;
      }
    }
  });
}

async function advance(tx: Db, r: RolloutRow, now: Date, actor: string, detail: Record<string, unknown>): Promise<RolloutRow> {
  const to = r.phaseIndex + 1;
  const done = to >= r.plan.phases.length;
  const [after] = await tx
    .update(rollouts)
    .set(done ? { status: "completed", phaseIndex: r.plan.phases.length, finishedAt: now, stoppedBy: null, updatedAt: now } : { status: "running", phaseIndex: to, phaseStartedAt: now, stoppedBy: null, updatedAt: now })
    .where(eq(rollouts.id, r.id))
    .returning();
  await event(tx, r.id, done ? "completed" : "phase_advanced", actor, done ? detail : { ...detail, phase: to, phaseName: r.plan.phases[to]?.name }, now);
  return after!;
}

/**
 * Counts per state of a rollout's hosts: those still updating plus results since `since`. Hosts
 * first seen after the rollout started are left out (`counted`): the phase's share was fixed
 * from the hosts known then, and results from hosts nobody knew cannot move the threshold.
 */
async function phaseCounts(tx: Db, rolloutId: string, since: Date): Promise<{ counts: StateCounts; finishedBefore: number }> {
  const rows = rowsOf<{ state: RolloutHostState; current: boolean; n: number }>(
    await tx.execute(sql`
      SELECT state, (finished_at IS NULL OR finished_at >= ${since}) AS current, count(*)::int AS n
      FROM ${rolloutHosts} WHERE rollout_id = ${rolloutId} AND counted GROUP BY 1, 2`),
  );
  const counts = emptyCounts();
  let finishedBefore = 0;
  for (const row of rows) {
    if (row.current) counts[row.state] += row.n;
    else finishedBefore += row.n;
  }
  return { counts, finishedBefore };
}

// One engine at a time across processes; the others skip the tick.
const ENGINE_LOCK = LOCK_KEYS.rolloutEngine;

/**
 * The rollout engine's tick: for each running rollout, hosts without progress past the update
 * timeout are failed (stuck), then the current phase is judged — a breached failure threshold
 * pauses the rollout or rolls the group back (with the numbers recorded); a ready phase
 * advances or completes the rollout. Returns what it did.
 */
export async function runRolloutEngine(db: Db, now = new Date()): Promise<Array<{ rolloutId: string; step: string }>> {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${ENGINE_LOCK}) AS ok`));
    if (!lock?.ok) return [];
    const running = await tx.select().from(rollouts).where(eq(rollouts.status, "running")).for("update", { skipLocked: true });
    const done: Array<{ rolloutId: string; step: string }> = [];
    for (const r of running) {
      const stuckBefore = new Date(now.getTime() - r.plan.updateTimeoutMinutes * 60_000);
      await tx
        .update(rolloutHosts)
        .set({ state: "failed", errorCode: STUCK_ERROR_CODE, errorMessage: `no progress for ${r.plan.updateTimeoutMinutes} minutes`, finishedAt: now })
        .where(and(eq(rolloutHosts.rolloutId, r.id), isNull(rolloutHosts.finishedAt), lt(rolloutHosts.progressAt, stuckBefore)));
      const phaseStart = r.phaseStartedAt ?? r.startedAt ?? now;
      const { counts, finishedBefore } = await phaseCounts(tx, r.id, phaseStart);
      // The phase's own share: its hosts minus those whose results earlier phases already judged.
      const step = nextStep(r.plan.phases, r.phaseIndex, phaseStart, now, counts, r.fleetSize, finishedBefore, r.plan.updateTimeoutMinutes);
      if (step.kind === "wait") {
        await tx.update(rollouts).set({ evaluation: { at: now.toISOString(), phaseIndex: r.phaseIndex, readiness: toJsonReadiness(step.readiness) } }).where(eq(rollouts.id, r.id));
        continue;
      }
      if (step.kind === "advance" || step.kind === "complete") {
        await advance(tx, r, now, "engine", { counts });
        await appendAudit(tx, SYSTEM_ACTOR, { action: step.kind === "advance" ? "rollout.advance" : "rollout.complete", targetType: "rollout", targetId: r.id, before: auditView(r), after: { phaseIndex: r.phaseIndex + 1, counts }, reason: step.kind === "advance" ? `phase ${r.plan.phases[r.phaseIndex]?.name} passed` : "last phase passed" });
        done.push({ rolloutId: r.id, step: step.kind });
        continue;
      }
      const numbers = { rate: step.rate, sample: step.sample, failed: counts.failed, rolledBack: counts.rolled_back, updated: counts.updated, phase: r.plan.phases[r.phaseIndex]?.name };
      if (step.action === "pause") {
        await stop(tx, SYSTEM_ACTOR, r, "paused", step.stoppedBy, now, numbers);
      } else {
        await stop(tx, SYSTEM_ACTOR, r, "aborted", step.stoppedBy, now, numbers);
        await rollBackGroup(tx, r, step.stoppedBy.reason, now);
      }
      done.push({ rolloutId: r.id, step: step.action });
    }
    return done;
  });
}

/** A threshold said "roll back": the group is pinned back to what it ran before, downgrade allowed. */
async function rollBackGroup(tx: Db, r: RolloutRow, reason: string, now: Date): Promise<void> {
  if (!r.fromVersion) {
    await event(tx, r.id, "rollback_impossible", "engine", { reason: "no previous release is known for this group" }, now);
    return;
  }
  const values = { scope: "group" as const, targetId: r.groupId, version: r.fromVersion, reason: `rollout to ${r.version} rolled back: ${reason}`, owner: "flotilla (failure threshold)", allowDowngrade: true, createdAt: now, expiresAt: null, createdBy: null };
  // The group's pin it replaces (issue 19: the audit keeps the whole previous state).
  const [replaced] = await tx.select().from(pins).where(and(eq(pins.scope, "group"), eq(pins.targetId, r.groupId))).for("update");
  await tx.insert(pins).values(values).onConflictDoUpdate({ target: [pins.scope, pins.targetId], set: values });
  await event(tx, r.id, "rolled_back", "engine", { to: r.fromVersion }, now);
  await appendAudit(tx, SYSTEM_ACTOR, { action: "group.rollback", targetType: "group", targetId: r.groupId, before: { version: r.version, pin: replaced ?? null }, after: { version: r.fromVersion, allowDowngrade: true, rolloutId: r.id }, reason });
}

/** The decision's view: each group's latest rollout that was not superseded. */
export async function loadRolloutInfos(db: Db): Promise<RolloutInfo[]> {
  const rows = rowsOf<{
    id: string;
    group_id: string;
    channel_id: string | null;
    version: string;
    status: RolloutStatus;
    phase_index: number;
    plan: RolloutPlan;
    cutoffs: number[];
    stopped_by: StoppedBy | null;
    approval_request_id: string | null;
  }>(
    await db.execute(sql`
      SELECT DISTINCT ON (group_id) id, group_id, channel_id, version, status, phase_index, plan, cutoffs, stopped_by, approval_request_id
      FROM ${rollouts} WHERE status <> 'superseded' ORDER BY group_id, created_at DESC`),
  );
  const requestIds = rows.map((r) => r.approval_request_id).filter((x): x is string => !!x);
  const votes = requestIds.length ? await db.select().from(approvalVotes).where(inArray(approvalVotes.requestId, requestIds)) : [];
  return rows.map((r) => {
    const mine = votes.filter((v) => v.requestId === r.approval_request_id);
    const rejection = mine.find((v) => v.decision === "reject");
    return {
      id: r.id,
      groupId: r.group_id,
      channelId: r.channel_id,
      version: r.version,
      status: r.status,
      phaseIndex: r.phase_index,
      phaseNames: r.plan.phases.map((p) => p.name),
      cutoffs: r.cutoffs,
      stoppedBy: r.stopped_by,
      approvals: mine.filter((v) => v.decision === "approve").length,
      approvalsRequired: r.plan.approvalsRequired ?? 1,
      rejectedBy: rejection ? { actor: rejection.userEmail, comment: rejection.comment } : null,
    };
  });
}

async function countsByRollout(db: Db, ids: string[]): Promise<Map<string, StateCounts>> {
  const out = new Map<string, StateCounts>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ rolloutId: rolloutHosts.rolloutId, state: rolloutHosts.state, n: sql<number>`count(*)::int` })
    .from(rolloutHosts)
    .where(inArray(rolloutHosts.rolloutId, ids))
    .groupBy(rolloutHosts.rolloutId, rolloutHosts.state);
  for (const row of rows) {
    const c = out.get(row.rolloutId) ?? emptyCounts();
    c[row.state] += row.n;
    out.set(row.rolloutId, c);
  }
  return out;
}

export async function listRollouts(db: Db, filter: { status?: RolloutStatus; groupId?: string; live?: boolean } = {}) {
  const rows = await db
    .select()
    .from(rollouts)
    .where(
      and(
        filter.status ? eq(rollouts.status, filter.status) : undefined,
        filter.groupId ? eq(rollouts.groupId, filter.groupId) : undefined,
        filter.live ? inArray(rollouts.status, LIVE) : undefined,
      ),
    )
    .orderBy(desc(rollouts.createdAt))
    .limit(200);
  const counts = await countsByRollout(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, counts: counts.get(r.id) ?? emptyCounts() }));
}

export async function getRollout(db: Db, id: string): Promise<RolloutRow | null> {
  const [r] = await db.select().from(rollouts).where(eq(rollouts.id, id));
  return r ?? null;
}

/** Everything the progress page shows. */
export async function rolloutProgress(db: Db, id: string, now = new Date()) {
  const r = await getRollout(db, id);
  if (!r) throw new AppError("not_found", "no such rollout");
  const counts = (await countsByRollout(db, [id])).get(id) ?? emptyCounts();
  const stuckBefore = new Date(now.getTime() - r.plan.updateTimeoutMinutes * 60_000);
  const [stuck, failures, events, perPhase] = await Promise.all([
    db
      .select({ hostId: rolloutHosts.hostId, hostname: hosts.hostname, state: rolloutHosts.state, progressAt: rolloutHosts.progressAt, errorCode: rolloutHosts.errorCode })
      .from(rolloutHosts)
      .leftJoin(hosts, eq(hosts.id, rolloutHosts.hostId))
      .where(and(eq(rolloutHosts.rolloutId, id), or(and(isNull(rolloutHosts.finishedAt), lt(rolloutHosts.progressAt, stuckBefore)), eq(rolloutHosts.errorCode, STUCK_ERROR_CODE))))
      .orderBy(asc(rolloutHosts.progressAt))
      .limit(50),
    db
      .select({ errorCode: rolloutHosts.errorCode, n: sql<number>`count(*)::int`, example: sql<string | null>`min(${rolloutHosts.errorMessage})`, hosts: sql<string[]>`(array_agg(${rolloutHosts.hostId} ORDER BY ${rolloutHosts.hostId}))[1:5]` })
      .from(rolloutHosts)
      .where(and(eq(rolloutHosts.rolloutId, id), inArray(rolloutHosts.state, ["failed", "rolled_back"])))
      .groupBy(rolloutHosts.errorCode)
      .orderBy(desc(sql`count(*)`))
      .limit(20),
    db.select().from(rolloutEvents).where(eq(rolloutEvents.rolloutId, id)).orderBy(asc(rolloutEvents.at), asc(rolloutEvents.id)),
    db
      .select({ phaseIndex: rolloutHosts.phaseIndex, n: sql<number>`count(*)::int` })
      .from(rolloutHosts)
      .where(eq(rolloutHosts.rolloutId, id))
      .groupBy(rolloutHosts.phaseIndex),
  ]);
  return { rollout: r, counts, stuck, failures, events, offeredPerPhase: Object.fromEntries(perPhase.map((p) => [p.phaseIndex, p.n])) as Record<number, number>, states: ROLLOUT_HOST_STATE_VALUES };
}
