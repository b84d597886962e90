import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { LOCK_KEYS } from "../locks";
import { releaseChannels, releaseMirrors, syncRuns, syncSources } from "../schema/catalog";
import { channels, releases } from "../schema/fleet";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import { syncSourceDefaults, type NewSyncSource, type SyncSourcePatch } from "@/lib/operator/sync-schemas";
import type { NewRelease } from "@/lib/operator/release-schemas";
import { nextRunAt } from "@/lib/sync/schedule";
import type { SyncAdded } from "@/lib/sync/types";

export type SyncSourceRow = typeof syncSources.$inferSelect;

/** The actor imports are audited as. */
export const SYNC_ACTOR: Actor = { userId: null, email: "release-sync", role: "system", via: "system", clientAddr: null };

const SYNC_LOCK = LOCK_KEYS.releaseSync;

export async function listSyncSources(db: Db) {
  const sources = await db.select().from(syncSources).orderBy(asc(syncSources.id));
  const runs = sources.length
    ? await db
        .select()
        .from(syncRuns)
        .where(inArray(syncRuns.sourceId, sources.map((s) => s.id)))
        .orderBy(desc(syncRuns.id))
        .limit(sources.length * 10)
    : [];
  return sources.map((s) => ({ ...s, recentRuns: runs.filter((r) => r.sourceId === s.id).slice(0, 5) }));
}

export async function getSyncSource(db: Db, id: string): Promise<SyncSourceRow | null> {
  const [row] = await db.select().from(syncSources).where(eq(syncSources.id, id));
  return row ?? null;
}

function view(s: SyncSourceRow) {
  return { kind: s.kind, channelId: s.channelId, arch: s.arch, upstreamUrl: s.upstreamUrl, graphUrl: s.graphUrl, upstreamChannel: s.upstreamChannel, enabled: s.enabled, intervalMinutes: s.intervalMinutes, mirror: s.mirror };
}

/** Adds a source for a channel and arch (one per pair), audited. Enabled sources run at once. */
export async function createSyncSource(db: Db, actor: Actor, input: NewSyncSource): Promise<SyncSourceRow> {
  return db.transaction(async (tx) => {
    const [ch] = await tx.select({ osFamily: channels.osFamily }).from(channels).where(eq(channels.id, input.channelId));
    if (!ch) throw new AppError("bad_request", "invalid request: channelId: no such channel", [{ path: "channelId", message: "no such channel" }]);
    if (ch.osFamily !== input.kind) throw new AppError("bad_request", `invalid request: kind: channel ${input.channelId} is ${ch.osFamily}`, [{ path: "kind", message: `channel is ${ch.osFamily}` }]);
    const id = `${input.channelId}-${input.arch}`;
    const [dup] = await tx.select({ id: syncSources.id }).from(syncSources).where(eq(syncSources.id, id));
    if (dup) throw new AppError("conflict", `channel ${input.channelId} already syncs ${input.arch}`);
    const [row] = await tx
      .insert(syncSources)
      .values({ id, kind: input.kind, channelId: input.channelId, arch: input.arch, enabled: input.enabled, intervalMinutes: input.intervalMinutes, mirror: input.mirror, ...syncSourceDefaults(input), nextRunAt: input.enabled ? new Date() : null })
      .returning();
    await appendAudit(tx, actor, { action: "sync.create", targetType: "sync_source", targetId: id, after: view(row!) });
    return row!;
  });
}

export async function updateSyncSource(db: Db, actor: Actor, id: string, patch: SyncSourcePatch): Promise<SyncSourceRow> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(syncSources).where(eq(syncSources.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such sync source");
    if (patch.mirror && before.kind !== "flatcar") throw new AppError("bad_request", "invalid request: mirror: only Flatcar payloads are mirrored", [{ path: "mirror", message: "only Flatcar payloads are mirrored" }]);
    const enabling = patch.enabled === true && !before.enabled;
    const [after] = await tx
      .update(syncSources)
      .set({ ...patch, ...(enabling ? { nextRunAt: new Date(), failures: 0 } : {}), updatedAt: new Date() })
      .where(eq(syncSources.id, id))
      .returning();
    await appendAudit(tx, actor, { action: "sync.update", targetType: "sync_source", targetId: id, before: view(before), after: view(after!) });
    return after!;
  });
}

export async function deleteSyncSource(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx.delete(syncSources).where(eq(syncSources.id, id)).returning();
    if (!before) throw new AppError("not_found", "no such sync source");
    await appendAudit(tx, actor, { action: "sync.delete", targetType: "sync_source", targetId: id, before: view(before) });
  });
}

/** Asks for a run as soon as the sync job next looks (audited: it reaches out to upstream). */
export async function requestSyncRun(db: Db, actor: Actor, id: string): Promise<SyncSourceRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(syncSources).set({ nextRunAt: new Date() }).where(eq(syncSources.id, id)).returning();
    if (!row) throw new AppError("not_found", "no such sync source");
    await appendAudit(tx, actor, { action: "sync.run_now", targetType: "sync_source", targetId: id });
    return row;
  });
}

/**
 * Takes the sources due now (or the one asked for) for this process: under the sync lock, each
 * gets a lease, so no other process runs it meanwhile; a crashed run frees it when the lease ends.
 * Returns nothing when another process is claiming at this moment.
 */
export async function claimSyncSources(db: Db, opts: { now?: Date; leaseMs: number; id?: string; force?: boolean }): Promise<SyncSourceRow[]> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${SYNC_LOCK}) AS ok`));
    if (!lock?.ok) return [];
    const free = or(isNull(syncSources.leaseUntil), lte(syncSources.leaseUntil, now));
    const due = opts.id
      ? and(eq(syncSources.id, opts.id), free, opts.force ? undefined : eq(syncSources.enabled, true))
      : and(eq(syncSources.enabled, true), free, or(isNull(syncSources.nextRunAt), lte(syncSources.nextRunAt, now)));
    return tx
      .update(syncSources)
      .set({ leaseUntil: new Date(now.getTime() + opts.leaseMs) })
      .where(due)
      .returning();
  });
}

/** What one run found upstream, ready to apply. */
export interface SyncFindings {
  releases: NewRelease[];
  /** FCOS: graph flags (and OCI pullspecs) upstream now sets on versions, applied to existing releases too. */
  flags?: Map<string, { barrier: boolean; barrierReason: string | null; deadend: boolean; deadendReason: string | null; ociPullspec: string | null }>;
}

/**
 * Applies a run in ONE transaction: new releases are created with their channel link, existing
 * builds are added to the channel, upstream flags are copied; the audit row, the run and the
 * source's state are written with them. A failure anywhere leaves nothing behind, and the
 * (family, version, arch) key plus the sync lock mean a release is never imported twice.
 */
export async function applySyncRun(db: Db, source: SyncSourceRow, found: SyncFindings, opts: { startedAt: Date; retryBaseSeconds: number; now?: Date }): Promise<SyncAdded[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SYNC_LOCK})`);
    const added: SyncAdded[] = [];
    for (const r of found.releases) {
      const [existing] = await tx
        .select()
        .from(releases)
        .where(and(eq(releases.osFamily, r.osFamily), eq(releases.version, r.version), eq(releases.arch, r.arch)));
      if (!existing) {
        const [row] = await tx.insert(releases).values({ ...r, extensionPayloads: r.extensionPayloads.map((e) => ({ ...e, url: e.url ?? "" })) }).returning();
        await tx.insert(releaseChannels).values({ releaseId: row!.id, channelId: source.channelId, addedBy: `sync:${source.id}` });
        added.push({ version: r.version, arch: r.arch, action: "created" });
        continue;
      }
      const [link] = await tx.select({ id: releaseChannels.releaseId }).from(releaseChannels).where(and(eq(releaseChannels.releaseId, existing.id), eq(releaseChannels.channelId, source.channelId)));
      if (!link && existing.channelId !== source.channelId) {
        await tx.insert(releaseChannels).values({ releaseId: existing.id, channelId: source.channelId, addedBy: `sync:${source.id}` });
        added.push({ version: r.version, arch: r.arch, action: "added_to_channel" });
      }
    }
    for (const [version, f] of found.flags ?? []) {
      const changed = await tx
        .update(releases)
        .set(f)
        .where(
          and(
            eq(releases.osFamily, source.kind),
            eq(releases.version, version),
            eq(releases.arch, source.arch),
            sql`(${releases.barrier}, ${releases.deadend}, coalesce(${releases.barrierReason}, ''), coalesce(${releases.deadendReason}, ''), coalesce(${releases.ociPullspec}, '')) IS DISTINCT FROM (${f.barrier}, ${f.deadend}, ${f.barrierReason ?? ""}, ${f.deadendReason ?? ""}, ${f.ociPullspec ?? ""})`,
          ),
        )
        .returning({ id: releases.id });
      if (changed.length && !added.some((a) => a.version === version)) added.push({ version, arch: source.arch, action: "updated_flags" });
    }
    const now = opts.now ?? new Date();
    if (added.length) {
      await appendAudit(tx, SYNC_ACTOR, { action: "release.sync", targetType: "sync_source", targetId: source.id, after: { channelId: source.channelId, arch: source.arch, upstream: source.upstreamUrl, changes: added } });
    }
    await tx
      .update(syncSources)
      .set({ lastRunAt: opts.startedAt, lastSuccessAt: now, lastError: null, failures: 0, lastAdded: added, leaseUntil: null, nextRunAt: nextRunAt(now, { intervalMinutes: source.intervalMinutes, failures: 0, retryBaseSeconds: opts.retryBaseSeconds }) })
      .where(eq(syncSources.id, source.id));
    await tx.insert(syncRuns).values({ sourceId: source.id, startedAt: opts.startedAt, finishedAt: now, ok: true, added });
    return added;
  });
}

/** Records a failed run: the error in words, and the next try after a backoff that doubles. */
export async function recordSyncFailure(db: Db, source: SyncSourceRow, error: string, opts: { startedAt: Date; retryBaseSeconds: number; now?: Date }): Promise<void> {
  const now = opts.now ?? new Date();
  await db.transaction(async (tx) => {
    const [cur] = await tx.select({ failures: syncSources.failures }).from(syncSources).where(eq(syncSources.id, source.id)).for("update");
    if (!cur) return;
    const failures = cur.failures + 1;
    await tx
      .update(syncSources)
      .set({ lastRunAt: opts.startedAt, lastError: error, failures, leaseUntil: null, nextRunAt: nextRunAt(now, { intervalMinutes: source.intervalMinutes, failures, retryBaseSeconds: opts.retryBaseSeconds }) })
      .where(eq(syncSources.id, source.id));
    await tx.insert(syncRuns).values({ sourceId: source.id, startedAt: opts.startedAt, finishedAt: now, ok: false, error });
    // The first failure after a success is news (audited, and the "sync failed" webhook);
    // the retries after it are in the run log.
    if (failures === 1) {
      await appendAudit(tx, SYNC_ACTOR, { action: "release_sync.fail", targetType: "sync_source", targetId: source.id, after: { channelId: source.channelId, arch: source.arch, upstream: source.upstreamUrl, error }, reason: error });
    }
  });
}

/** Releases of a source's channel and arch that are not mirrored yet (the sync mirrors them). */
export async function unmirroredReleases(db: Db, source: SyncSourceRow) {
  return db
    .select()
    .from(releases)
    .where(
      and(
        eq(releases.osFamily, "flatcar"),
        eq(releases.arch, source.arch),
        sql`exists (select 1 from ${releaseChannels} rc where rc.release_id = ${releases.id} and rc.channel_id = ${source.channelId})`,
        sql`not exists (select 1 from ${releaseMirrors} m where m.release_id = ${releases.id})`,
      ),
    );
}

/**
 * Points a release at its mirrored copy (payload and extensions under `codebase`), keeping the
 * upstream URLs, in one audited transaction. Called only after every file was verified.
 */
export async function recordMirror(db: Db, actor: Actor, releaseId: string, m: { codebase: string; bytes: number }) {
  return db.transaction(async (tx) => {
    const [rel] = await tx.select().from(releases).where(eq(releases.id, releaseId)).for("update");
    if (!rel) throw new AppError("not_found", "no such release");
    const [already] = await tx.select({ id: releaseMirrors.releaseId }).from(releaseMirrors).where(eq(releaseMirrors.releaseId, releaseId));
    if (already) return rel;
    const extensionPayloads = rel.extensionPayloads.map((e) => ({ ...e, url: `${m.codebase}${encodeURIComponent(e.name)}` }));
    await tx.insert(releaseMirrors).values({ releaseId, upstreamPayloadUrl: rel.payloadUrl ?? "", upstreamExtensions: rel.extensionPayloads.map((e) => ({ name: e.name, url: e.url })), bytes: m.bytes });
    const [after] = await tx.update(releases).set({ payloadUrl: m.codebase, extensionPayloads }).where(eq(releases.id, releaseId)).returning();
    await appendAudit(tx, actor, {
      action: "release.mirror",
      targetType: "release",
      targetId: releaseId,
      before: { version: rel.version, arch: rel.arch, payloadUrl: rel.payloadUrl },
      after: { version: rel.version, arch: rel.arch, payloadUrl: m.codebase, bytes: m.bytes, files: 1 + rel.extensionPayloads.length },
    });
    return after!;
  });
}

export async function mirrorOf(db: Db, releaseId: string) {
  const [row] = await db.select().from(releaseMirrors).where(eq(releaseMirrors.releaseId, releaseId));
  return row ?? null;
}

export async function releaseById(db: Db, id: string) {
  const [row] = await db.select().from(releases).where(eq(releases.id, id));
  return row ?? null;
}
