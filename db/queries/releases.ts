import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { channels, releases } from "../schema/fleet";
import { appendAudit, type Actor } from "./audit";
import { rolloutsForChannelTarget } from "./rollouts";
import { gateChange } from "./change-gate";
import { AppError, assertUnchanged } from "@/lib/errors";
import type { NewRelease } from "@/lib/operator/release-schemas";

export type ReleaseRow = typeof releases.$inferSelect;

export async function listReleases(db: Db, filter: { channelId?: string; osFamily?: string } = {}) {
  return db
    .select()
    .from(releases)
    .where(and(filter.channelId ? eq(releases.channelId, filter.channelId) : undefined, filter.osFamily ? eq(releases.osFamily, filter.osFamily as ReleaseRow["osFamily"]) : undefined))
    .orderBy(asc(releases.channelId), desc(releases.createdAt))
    .limit(1000);
}

async function checkChannel(tx: Db, r: NewRelease, path: string) {
  const [ch] = await tx.select({ osFamily: channels.osFamily }).from(channels).where(eq(channels.id, r.channelId));
  if (!ch) throw new AppError("bad_request", `invalid request: ${path}channelId: no such channel`, [{ path: `${path}channelId`, message: "no such channel" }]);
  if (ch.osFamily !== r.osFamily) throw new AppError("bad_request", `invalid request: ${path}osFamily: channel ${r.channelId} is ${ch.osFamily}`, [{ path: `${path}osFamily`, message: `channel is ${ch.osFamily}` }]);
}

/** Adds releases (one, or an imported file's worth) in one transaction; duplicates are refused. */
export async function createReleases(db: Db, actor: Actor, input: NewRelease[], action: "release.create" | "release.import"): Promise<ReleaseRow[]> {
  return db.transaction(async (tx) => {
    const created: ReleaseRow[] = [];
    for (const [i, r] of input.entries()) {
      const path = input.length > 1 ? `releases.${i}.` : "";
      await checkChannel(tx, r, path);
      const [dup] = await tx
        .select({ id: releases.id })
        .from(releases)
        .where(and(eq(releases.osFamily, r.osFamily), eq(releases.version, r.version), eq(releases.arch, r.arch)));
      if (dup) throw new AppError("conflict", `${r.osFamily} ${r.version} ${r.arch} is already in the catalog`, [{ path: `${path}version`, message: "already exists" }]);
      const [row] = await tx.insert(releases).values(r).returning();
      created.push(row!);
    }
    await appendAudit(tx, actor, {
      action,
      targetType: "release",
      targetId: created.length === 1 ? created[0]!.id : `${created.length} releases`,
      after: created.map((c) => ({ id: c.id, osFamily: c.osFamily, channelId: c.channelId, version: c.version, arch: c.arch })),
    });
    return created;
  });
}

function channelView(c: typeof channels.$inferSelect) {
  return {
    targetReleaseId: c.targetReleaseId,
    paused: c.paused,
    pausedReason: c.pausedReason,
    rolloutDurationMinutes: c.rolloutDurationMinutes,
    rolloutStartValue: c.rolloutStartValue,
  };
}

/** Points a channel at a release; a throttled rollout (wariness) starts now. */
export async function setChannelTarget(
  db: Db,
  actor: Actor,
  channelId: string,
  input: { releaseId: string | null; rolloutDurationMinutes: number; rolloutStartValue: number; reason: string; expectedUpdatedAt?: string },
) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(channels).where(eq(channels.id, channelId)).for("update");
    if (!before) throw new AppError("not_found", "no such channel");
    assertUnchanged(before.updatedAt, input.expectedUpdatedAt, `channel ${channelId}`);
    let version: string | null = null;
    const [previous] = before.targetReleaseId ? await tx.select({ version: releases.version }).from(releases).where(eq(releases.id, before.targetReleaseId)) : [];
    if (input.releaseId) {
      const [rel] = await tx.select().from(releases).where(eq(releases.id, input.releaseId));
      if (!rel || rel.channelId !== channelId) throw new AppError("bad_request", "invalid request: releaseId: not a release of this channel", [{ path: "releaseId", message: "not a release of this channel" }]);
      version = rel.version;
    }
    const [after] = await tx
      .update(channels)
      .set({
        targetReleaseId: input.releaseId,
        rolloutStartedAt: input.rolloutDurationMinutes > 0 ? new Date() : null,
        rolloutDurationMinutes: input.rolloutDurationMinutes,
        rolloutStartValue: input.rolloutStartValue,
        updatedAt: new Date(),
      })
      .where(eq(channels.id, channelId))
      .returning();
    await appendAudit(tx, actor, {
      action: "channel.set_target",
      targetType: "channel",
      targetId: channelId,
      before: channelView(before),
      after: { ...channelView(after!), targetVersion: version },
      reason: input.reason || null,
    });
    // Each group on the channel gets its rollout to the new target (a cleared target stops them).
    if (before.targetReleaseId !== input.releaseId) {
      await rolloutsForChannelTarget(tx, actor, channelId, input.releaseId && version ? { id: input.releaseId, version } : null, previous?.version ?? null, input.reason);
    }
    return after!;
  });
}

/** Pause or resume a channel; a reason is required either way. */
export async function setChannelPaused(db: Db, actor: Actor, channelId: string, paused: boolean, reason: string, expectedUpdatedAt?: string) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(channels).where(eq(channels.id, channelId)).for("update");
    if (!before) throw new AppError("not_found", "no such channel");
    assertUnchanged(before.updatedAt, expectedUpdatedAt, `channel ${channelId}`);
    const [after] = await tx
      .update(channels)
      .set({ paused, pausedReason: paused ? reason : null, updatedAt: new Date() })
      .where(eq(channels.id, channelId))
      .returning();
    await appendAudit(tx, actor, { action: paused ? "channel.pause" : "channel.resume", targetType: "channel", targetId: channelId, before: channelView(before), after: channelView(after!), reason });
    return after!;
  });
}

/** Recalls a release everywhere (all its architectures): audited, with the reason. */
export async function recallRelease(db: Db, actor: Actor, id: string, reason: string) {
  return db.transaction(async (tx) => {
    const [rel] = await tx.select().from(releases).where(eq(releases.id, id)).for("update");
    if (!rel) throw new AppError("not_found", "no such release");
    if (rel.recalledAt) throw new AppError("conflict", `${rel.version} is already recalled`);
    const held = await gateChange(tx, actor, { kind: "release.recall", input: { id, reason } }, reason);
    if (held) return held;
    const recalled = await tx
      .update(releases)
      .set({ recalledAt: new Date(), recallReason: reason })
      .where(and(eq(releases.osFamily, rel.osFamily), eq(releases.version, rel.version)))
      .returning({ id: releases.id, arch: releases.arch });
    await appendAudit(tx, actor, { action: "release.recall", targetType: "release", targetId: `${rel.osFamily} ${rel.version}`, before: { recalled: false }, after: { recalled: true, architectures: recalled.map((r) => r.arch) }, reason });
    return recalled.length;
  });
}
