import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { channels, groups, hosts, releases } from "../schema/fleet";
import { appendAudit, type Actor } from "./audit";
import { createRolloutTx, replanAwaitingRollout } from "./rollouts";
import { gateChange, type GateHold } from "./change-gate";
import type { GroupPatchJson } from "@/lib/approvals/change-gate";
import { AppError, assertUnchanged } from "@/lib/errors";
import type { OsFamily } from "@/lib/agent/native-report";
import type { GroupPolicy } from "@/lib/rollout/policy-schema";

export async function listChannels(db: Db) {
  return db.select().from(channels).orderBy(asc(channels.id));
}

export async function createChannel(db: Db, actor: Actor, input: { id: string; osFamily: OsFamily; description: string }) {
  return db.transaction(async (tx) => {
    const [exists] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, input.id));
    if (exists) throw new AppError("conflict", `channel ${input.id} exists`, [{ path: "id", message: "already exists" }]);
    const [row] = await tx.insert(channels).values(input).returning();
    await appendAudit(tx, actor, { action: "channel.create", targetType: "channel", targetId: row!.id, after: row });
    return row!;
  });
}

/** Groups that exist, plus group names hosts asked for that nobody has created yet. */
export async function listGroups(db: Db) {
  const defined = await db
    .select({
      id: groups.id,
      description: groups.description,
      channelId: groups.channelId,
      requiresApproval: groups.requiresApproval,
      approvalsRequired: groups.approvalsRequired,
      policy: groups.policy,
      labelSelector: groups.labelSelector,
      createdAt: groups.createdAt,
      updatedAt: groups.updatedAt,
      hosts: sql<number>`count(${hosts.id})::int`,
    })
    .from(groups)
    .leftJoin(hosts, eq(hosts.groupId, groups.id))
    .groupBy(groups.id)
    .orderBy(asc(groups.id));
  const requested = await db
    .select({ id: hosts.groupId, hosts: sql<number>`count(*)::int` })
    .from(hosts)
    .where(sql`NOT EXISTS (SELECT 1 FROM ${groups} WHERE ${groups.id} = ${hosts.groupId})`)
    .groupBy(hosts.groupId)
    .orderBy(asc(hosts.groupId))
    .limit(200);
  return { groups: defined, undefinedGroups: requested };
}

export async function createGroup(db: Db, actor: Actor, input: { id: string; description: string; channelId: string | null }) {
  return db.transaction(async (tx) => {
    const [exists] = await tx.select({ id: groups.id }).from(groups).where(eq(groups.id, input.id));
    if (exists) throw new AppError("conflict", `group ${input.id} exists`, [{ path: "id", message: "already exists" }]);
    if (input.channelId) {
      const [ch] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, input.channelId));
      if (!ch) throw new AppError("bad_request", "invalid request: channelId: no such channel", [{ path: "channelId", message: "no such channel" }]);
    }
    const [row] = await tx.insert(groups).values(input).returning();
    await appendAudit(tx, actor, { action: "group.create", targetType: "group", targetId: row!.id, after: row });
    await rolloutToChannelTarget(tx, actor, row!.id, row!.channelId);
    return row!;
  });
}

export interface GroupPatch {
  description?: string;
  channelId?: string | null;
  requiresApproval?: boolean;
  approvalsRequired?: number;
  policy?: GroupPolicy | null;
  labelSelector?: Record<string, string> | null;
  expectedUpdatedAt?: string;
}

export async function updateGroup(db: Db, actor: Actor, id: string, patch: GroupPatch): Promise<typeof groups.$inferSelect | GateHold> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(groups).where(eq(groups.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such group");
    assertUnchanged(before.updatedAt, patch.expectedUpdatedAt, `group ${id}`);
    // Four eyes for any change that reaches an approval-required group's hosts, turning the rule off included.
    const held = await gateChange(tx, actor, { kind: "group.update", input: { id, patch: patch as GroupPatchJson } }, null);
    if (held) return held;
    if (patch.channelId) {
      const [ch] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, patch.channelId));
      if (!ch) throw new AppError("bad_request", "invalid request: channelId: no such channel", [{ path: "channelId", message: "no such channel" }]);
    }
    // The policy's approval rule and the group's approval columns are one setting.
    const fromPolicy = patch.policy ? { requiresApproval: patch.policy.requiresApproval, approvalsRequired: patch.policy.approvalsRequired } : {};
    const { expectedUpdatedAt: _expected, ...changes } = patch;
    const [after] = await tx
      .update(groups)
      .set({ ...changes, ...fromPolicy, policy: patch.policy === undefined ? before.policy : (patch.policy as Record<string, unknown> | null), updatedAt: new Date() })
      .where(eq(groups.id, id))
      .returning();
    const view = (g: typeof before) => ({ description: g.description, channelId: g.channelId, requiresApproval: g.requiresApproval, approvalsRequired: g.approvalsRequired, policy: g.policy, labelSelector: g.labelSelector });
    await appendAudit(tx, actor, { action: "group.update", targetType: "group", targetId: id, before: view(before), after: view(after!) });
    if (after!.channelId !== before.channelId) await rolloutToChannelTarget(tx, actor, id, after!.channelId);
    // Any edit of the policy voids a pending approval of the group's rollout: the plan changed.
    else await replanAwaitingRollout(tx, actor, id);
    return after!;
  });
}

/** A group that joins a channel with a target gets a rollout to it, like the groups already on it. */
async function rolloutToChannelTarget(tx: Db, actor: Actor, groupId: string, channelId: string | null): Promise<void> {
  if (!channelId) return;
  const [ch] = await tx.select({ targetReleaseId: channels.targetReleaseId }).from(channels).where(eq(channels.id, channelId));
  if (!ch?.targetReleaseId) return;
  const [rel] = await tx.select({ id: releases.id, version: releases.version }).from(releases).where(eq(releases.id, ch.targetReleaseId));
  if (!rel) return;
  await createRolloutTx(tx, actor, { groupId, channelId, releaseId: rel.id, version: rel.version, fromVersion: null, reason: `group joined channel ${channelId}` });
}
