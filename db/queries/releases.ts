import { and, asc, desc, eq, inArray, ne, or, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { channels, releases } from "../schema/fleet";
import { releaseChannels } from "../schema/catalog";
import { appendAudit, type Actor } from "./audit";
import { rolloutsForChannelTarget, stopRolloutsOfRecalledRelease } from "./rollouts";
import { DEFAULT_RECALL_ROLLOUT_POLICY, type RecallRolloutPolicy } from "@/lib/rollout/rollout";
import { gateChange } from "./change-gate";
import { AppError, assertUnchanged } from "@/lib/errors";
import { extensionUrl, type NewRelease, type ReleaseEdit } from "@/lib/operator/release-schemas";

export type ReleaseRow = typeof releases.$inferSelect;

/** A release with every channel that offers it (the one it was published on first). */
export type CatalogRelease = ReleaseRow & { channelIds: string[] };

/** The channels offering each release: its own plus those it was promoted to. */
export async function channelsOfReleases(db: Db, rows: readonly ReleaseRow[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(rows.map((r) => [r.id, r.channelId ? [r.channelId] : []]));
  if (!rows.length) return out;
  const links = await db
    .select({ releaseId: releaseChannels.releaseId, channelId: releaseChannels.channelId })
    .from(releaseChannels)
    .where(inArray(releaseChannels.releaseId, rows.map((r) => r.id)))
    .orderBy(asc(releaseChannels.addedAt));
  for (const l of links) {
    const list = out.get(l.releaseId);
    if (list && !list.includes(l.channelId)) list.push(l.channelId);
  }
  return out;
}

export async function listReleases(db: Db, filter: { channelId?: string; osFamily?: string } = {}): Promise<CatalogRelease[]> {
  const inChannel = filter.channelId
    ? or(eq(releases.channelId, filter.channelId), sql`exists (select 1 from ${releaseChannels} rc where rc.release_id = ${releases.id} and rc.channel_id = ${filter.channelId})`)
    : undefined;
  const rows = await db
    .select()
    .from(releases)
    .where(and(inChannel, filter.osFamily ? eq(releases.osFamily, filter.osFamily as ReleaseRow["osFamily"]) : undefined))
    .orderBy(asc(releases.channelId), desc(releases.createdAt))
    .limit(1000);
  const chans = await channelsOfReleases(db, rows);
  return rows.map((r) => ({ ...r, channelIds: chans.get(r.id) ?? [] }));
}

/** Whether a channel offers a release (published there or promoted to it). */
export async function releaseInChannel(db: Db, rel: ReleaseRow, channelId: string): Promise<boolean> {
  if (rel.channelId === channelId) return true;
  const [link] = await db.select({ id: releaseChannels.releaseId }).from(releaseChannels).where(and(eq(releaseChannels.releaseId, rel.id), eq(releaseChannels.channelId, channelId)));
  return Boolean(link);
}

async function checkChannel(tx: Db, r: ReleaseInput, path: string) {
  const [ch] = await tx.select({ osFamily: channels.osFamily }).from(channels).where(eq(channels.id, r.channelId));
  if (!ch) throw new AppError("bad_request", `invalid request: ${path}channelId: no such channel`, [{ path: `${path}channelId`, message: "no such channel" }]);
  if (ch.osFamily !== r.osFamily) throw new AppError("bad_request", `invalid request: ${path}osFamily: channel ${r.channelId} is ${ch.osFamily}`, [{ path: `${path}osFamily`, message: `channel is ${ch.osFamily}` }]);
}

/**
 * Zincati finds its booted node by payload (zincati src/cincinnati/mod.rs:231-236, the first
 * match wins), so one image pullspec names one release.
 */
async function checkPullspecUnused(tx: Db, pullspec: string | null | undefined, path: string, exceptId?: string) {
  if (!pullspec) return;
  const [other] = await tx
    .select({ version: releases.version, arch: releases.arch })
    .from(releases)
    .where(and(eq(releases.ociPullspec, pullspec), exceptId ? ne(releases.id, exceptId) : undefined))
    .limit(1);
  if (other) throw new AppError("conflict", `${pullspec} is already the image of ${other.version} ${other.arch}`, [{ path: `${path}ociPullspec`, message: "already used by another release" }]);
}

/** Adds releases (one, or an imported file's worth) in one transaction; duplicates are refused. */
/** A release to add; extension payloads are optional (callers built before they existed). */
export type ReleaseInput = Omit<NewRelease, "extensionPayloads"> & { extensionPayloads?: NewRelease["extensionPayloads"] };

export async function createReleases(db: Db, actor: Actor, input: ReleaseInput[], action: "release.create" | "release.import"): Promise<ReleaseRow[]> {
  return db.transaction(async (tx) => {
    const created: ReleaseRow[] = [];
    for (const [i, r] of input.entries()) {
      const path = input.length > 1 ? `releases.${i}.` : "";
      await checkChannel(tx, r, path);
      const [dup] = await tx
        .select({ id: releases.id })
        .from(releases)
        .where(and(eq(releases.osFamily, r.osFamily), eq(releases.version, r.version), eq(releases.arch, r.arch)));
      if (dup) throw new AppError("conflict", `${r.osFamily} ${r.version} ${r.arch} is already in the catalog; promote it to add it to another channel`, [{ path: `${path}version`, message: "already exists" }]);
      await checkPullspecUnused(tx, r.ociPullspec, path);
      const extensionPayloads = (r.extensionPayloads ?? []).map((e) => ({ ...e, url: e.url ?? extensionUrl(r.payloadUrl ?? "", e.name) }));
      const [row] = await tx.insert(releases).values({ ...r, extensionPayloads }).returning();
      await tx.insert(releaseChannels).values({ releaseId: row!.id, channelId: r.channelId, addedBy: "published" });
      created.push(row!);
    }
    await appendAudit(tx, actor, {
      action,
      targetType: "release",
      targetId: created.length === 1 ? created[0]!.id : `${created.length} releases`,
      after: created.map((c) => ({ id: c.id, osFamily: c.osFamily, channelId: c.channelId, version: c.version, arch: c.arch, ...(c.ociPullspec ? { ociPullspec: c.ociPullspec } : {}) })),
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
      if (!rel || !(await releaseInChannel(tx, rel, channelId))) throw new AppError("bad_request", "invalid request: releaseId: not a release of this channel", [{ path: "releaseId", message: "not a release of this channel" }]);
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

/**
 * Recalls a release everywhere (all its architectures): audited, with the reason. Its live
 * rollouts end (or pause, by `rolloutPolicy`) in the same transaction.
 */
export async function recallRelease(db: Db, actor: Actor, id: string, reason: string, rolloutPolicy: RecallRolloutPolicy = DEFAULT_RECALL_ROLLOUT_POLICY) {
  return db.transaction(async (tx) => {
    const [rel] = await tx.select().from(releases).where(eq(releases.id, id)).for("update");
    if (!rel) throw new AppError("not_found", "no such release");
    if (rel.recalledAt) throw new AppError("conflict", `${rel.version} is already recalled`);
    const held = await gateChange(tx, actor, { kind: "release.recall", input: { id, reason, rollouts: rolloutPolicy } }, reason);
    if (held) return held;
    const recalled = await tx
      .update(releases)
      .set({ recalledAt: new Date(), recallReason: reason })
      .where(and(eq(releases.osFamily, rel.osFamily), eq(releases.version, rel.version)))
      .returning({ id: releases.id, arch: releases.arch });
    const stopped = await stopRolloutsOfRecalledRelease(tx, actor, { ids: recalled.map((r) => r.id), osFamily: rel.osFamily, version: rel.version }, reason, rolloutPolicy);
    await appendAudit(tx, actor, {
      action: "release.recall",
      targetType: "release",
      targetId: `${rel.osFamily} ${rel.version}`,
      before: { recalled: false },
      after: { recalled: true, architectures: recalled.map((r) => r.arch), rolloutPolicy, rollouts: stopped },
      reason,
    });
    return { recalled: recalled.length, rollouts: stopped };
  });
}

/**
 * Promotes a release to another channel of its family (alpha → beta → stable): the same build,
 * now offered there too. Audited with the reason; a recalled release or a channel that already
 * offers it is refused.
 */
export async function promoteRelease(db: Db, actor: Actor, releaseId: string, input: { channelId: string; reason: string }, addedBy = actor.email) {
  return db.transaction(async (tx) => {
    const [rel] = await tx.select().from(releases).where(eq(releases.id, releaseId)).for("update");
    if (!rel) throw new AppError("not_found", "no such release");
    const [ch] = await tx.select({ osFamily: channels.osFamily }).from(channels).where(eq(channels.id, input.channelId));
    if (!ch) throw new AppError("bad_request", "invalid request: channelId: no such channel", [{ path: "channelId", message: "no such channel" }]);
    if (ch.osFamily !== rel.osFamily) throw new AppError("bad_request", `invalid request: channelId: channel ${input.channelId} is ${ch.osFamily}, the release is ${rel.osFamily}`, [{ path: "channelId", message: `channel is ${ch.osFamily}` }]);
    if (rel.recalledAt) throw new AppError("conflict", `${rel.version} is recalled and cannot be promoted`);
    const before = (await channelsOfReleases(tx, [rel])).get(rel.id) ?? [];
    if (before.includes(input.channelId)) throw new AppError("conflict", `${rel.version} (${rel.arch}) is already in channel ${input.channelId}`);
    await tx.insert(releaseChannels).values({ releaseId: rel.id, channelId: input.channelId, addedBy });
    const after = [...before, input.channelId];
    await appendAudit(tx, actor, {
      action: "release.promote",
      targetType: "release",
      targetId: rel.id,
      before: { version: rel.version, arch: rel.arch, channels: before },
      after: { version: rel.version, arch: rel.arch, channels: after },
      reason: input.reason || null,
    });
    return { ...rel, channelIds: after };
  });
}

/**
 * Sets or clears an FCOS release's OCI image pullspec (upstream publishes the image beside the
 * OSTree commit; an operator adds it when hosts move to image-based updates). Audited.
 */
export async function editRelease(db: Db, actor: Actor, id: string, input: ReleaseEdit): Promise<ReleaseRow> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(releases).where(eq(releases.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such release");
    if (input.ociPullspec && before.osFamily !== "fcos") throw new AppError("bad_request", "invalid request: ociPullspec: only Fedora CoreOS releases have an OCI image pullspec", [{ path: "ociPullspec", message: "only for Fedora CoreOS releases" }]);
    if (!input.ociPullspec && !before.ostreeChecksum && before.osFamily === "fcos") throw new AppError("bad_request", "invalid request: ociPullspec: the release has no OSTree checksum, so it needs its image pullspec", [{ path: "ociPullspec", message: "required: no OSTree checksum" }]);
    await checkPullspecUnused(tx, input.ociPullspec, "", id);
    // Changing what image hosts deploy while the release is being offered would reach hosts
    // outside any approval (lib/approvals/change-gate.ts): only before a channel targets it.
    if ((input.ociPullspec ?? null) !== before.ociPullspec) {
      const offered = rowsOf<{ n: number }>(
        await tx.execute(sql`SELECT (SELECT count(*) FROM channels WHERE target_release_id = ${id})::int + (SELECT count(*) FROM rollouts WHERE release_id = ${id} AND status IN ('awaiting_approval', 'running', 'paused'))::int AS n`),
      );
      if ((offered[0]?.n ?? 0) > 0) throw new AppError("conflict", `${before.version} (${before.arch}) is a channel's target or in a live rollout; change its image before targeting it`);
    }
    const [after] = await tx.update(releases).set({ ociPullspec: input.ociPullspec }).where(eq(releases.id, id)).returning();
    await appendAudit(tx, actor, {
      action: "release.edit",
      targetType: "release",
      targetId: id,
      before: { version: before.version, arch: before.arch, ociPullspec: before.ociPullspec },
      after: { version: after!.version, arch: after!.arch, ociPullspec: after!.ociPullspec },
      reason: input.reason || null,
    });
    return after!;
  });
}
