import { and, asc, eq, gt, isNotNull, lt, sql } from "drizzle-orm";
import type { HostQuery } from "@/lib/fleet/host-query";
import { filterConditions } from "./hosts";
import type { Db } from "../client";
import { hosts, pins, releases } from "../schema/fleet";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import { gateChange, type GateHold } from "./change-gate";

export type PinRow = typeof pins.$inferSelect;

export async function listPins(db: Db) {
  // With each pin: how many hosts it covers and how many of them run another version.
  return db
    .select({
      pin: pins,
      hosts: sql<number>`(SELECT count(*)::int FROM hosts h WHERE (pins.scope = 'host' AND h.id = pins.target_id) OR (pins.scope = 'group' AND h.group_id = pins.target_id))`,
      notConverged: sql<number>`(SELECT count(*)::int FROM hosts h WHERE ((pins.scope = 'host' AND h.id = pins.target_id) OR (pins.scope = 'group' AND h.group_id = pins.target_id)) AND h.os_version <> pins.version)`,
    })
    .from(pins)
    .orderBy(asc(pins.scope), asc(pins.targetId));
}

export interface NewPin {
  scope: "group" | "host";
  targetId: string;
  version: string;
  reason: string;
  owner: string;
  expiresAt: Date | null;
  /** A rollback: take hosts back to this older version. */
  allowDowngrade?: boolean;
}

/** Pins (or re-pins) a group or host; the version must exist in the catalog. */
export async function setPin(db: Db, actor: Actor, input: NewPin): Promise<PinRow | GateHold> {
  return db.transaction(async (tx) => {
    const [known] = await tx.select({ id: releases.id }).from(releases).where(eq(releases.version, input.version)).limit(1);
    if (!known) throw new AppError("bad_request", `invalid request: version: ${input.version} is not in the release catalog`, [{ path: "version", message: "not in the release catalog" }]);
    if (input.scope === "host") {
      const [h] = await tx.select({ id: hosts.id }).from(hosts).where(eq(hosts.id, input.targetId));
      if (!h) throw new AppError("bad_request", "invalid request: targetId: no such host", [{ path: "targetId", message: "no such host" }]);
    }
    // Four eyes where the pin reaches an approval-required group (db/queries/change-gate.ts).
    const held = await gateChange(tx, actor, { kind: "pin.set", input: { ...input, expiresAt: input.expiresAt?.toISOString() ?? null, allowDowngrade: input.allowDowngrade ?? false } }, input.reason);
    if (held) return held;
    const [before] = await tx.select().from(pins).where(and(eq(pins.scope, input.scope), eq(pins.targetId, input.targetId))).for("update");
    const values = { ...input, allowDowngrade: input.allowDowngrade ?? false, createdBy: actor.userId, createdAt: new Date() };
    const [after] = before
      ? await tx.update(pins).set(values).where(eq(pins.id, before.id)).returning()
      : await tx.insert(pins).values(values).returning();
    await appendAudit(tx, actor, {
      action: input.allowDowngrade ? `${input.scope}.rollback` : "pin.set",
      targetType: input.scope,
      targetId: input.targetId,
      before: before ? { version: before.version, owner: before.owner, expiresAt: before.expiresAt } : null,
      after: { version: after!.version, owner: after!.owner, expiresAt: after!.expiresAt, allowDowngrade: after!.allowDowngrade },
      reason: input.reason,
    });
    return after!;
  });
}

export async function removePin(db: Db, actor: Actor, id: string, reason: string | null): Promise<GateHold | null> {
  return db.transaction(async (tx) => {
    const held = await gateChange(tx, actor, { kind: "pin.remove", input: { id, reason } }, reason);
    if (held) return held;
    const [gone] = await tx.delete(pins).where(eq(pins.id, id)).returning();
    if (!gone) throw new AppError("not_found", "no such pin");
    await appendAudit(tx, actor, { action: "pin.remove", targetType: gone.scope, targetId: gone.targetId, before: { version: gone.version, owner: gone.owner, reason: gone.reason }, after: null, reason });
    return null;
  });
}

/** Pins that run out within `withinMs` (for the "expiring soon" list). */
export async function expiringPins(db: Db, withinMs: number) {
  const now = new Date();
  return db
    .select()
    .from(pins)
    .where(and(isNotNull(pins.expiresAt), gt(pins.expiresAt, now), lt(pins.expiresAt, new Date(now.getTime() + withinMs))))
    .orderBy(asc(pins.expiresAt));
}

export interface BulkPin {
  version: string;
  reason: string;
  owner: string;
  expiresAt: Date | null;
  /** A rollback of the selection: hosts on a newer version are taken back. */
  allowDowngrade?: boolean;
}

/**
 * Pins every host the host-list filter matches (a preview only counts them). One statement,
 * however many hosts; one audit row naming the filter and the count.
 */
export async function bulkPinHosts(db: Db, actor: Actor, filter: HostQuery, input: BulkPin, preview: boolean): Promise<{ matched: number; pinned: number } | GateHold> {
  return db.transaction(async (tx) => {
    const where = filterConditions(filter);
    const cond = where.length ? and(...where) : sql`true`;
    const [m] = await tx.select({ n: sql<number>`count(*)::int` }).from(hosts).where(cond);
    const matched = m?.n ?? 0;
    if (preview || matched === 0) return { matched, pinned: 0 };
    const [known] = await tx.select({ id: releases.id }).from(releases).where(eq(releases.version, input.version)).limit(1);
    if (!known) throw new AppError("bad_request", `invalid request: version: ${input.version} is not in the release catalog`, [{ path: "version", message: "not in the release catalog" }]);
    const held = await gateChange(tx, actor, { kind: "pin.bulk", input: { filter, version: input.version, reason: input.reason, owner: input.owner, expiresAt: input.expiresAt?.toISOString() ?? null, allowDowngrade: input.allowDowngrade ?? false } }, input.reason);
    if (held) return held;
    const now = new Date();
    const downgrade = input.allowDowngrade ?? false;
    const result = await tx.execute(sql`
      INSERT INTO pins (scope, target_id, version, reason, owner, expires_at, created_by, created_at, allow_downgrade)
      SELECT 'host', ${hosts.id}, ${input.version}, ${input.reason}, ${input.owner}, ${input.expiresAt}, ${actor.userId}, ${now}, ${downgrade} FROM ${hosts} WHERE ${cond}
      ON CONFLICT (scope, target_id) DO UPDATE SET version = excluded.version, reason = excluded.reason, owner = excluded.owner,
        expires_at = excluded.expires_at, created_by = excluded.created_by, created_at = excluded.created_at, allow_downgrade = excluded.allow_downgrade`);
    // node-postgres reports rowCount, PGlite affectedRows.
    const r = result as { rowCount?: number | null; affectedRows?: number };
    const pinned = r.rowCount ?? r.affectedRows ?? 0;
    const { cursor: _cursor, limit: _limit, sort: _sort, dir: _dir, ...criteria } = filter;
    await appendAudit(tx, actor, { action: downgrade ? "host.rollback.bulk" : "pin.bulk", targetType: "host_filter", targetId: JSON.stringify(criteria), after: { version: input.version, hosts: matched, expiresAt: input.expiresAt, allowDowngrade: downgrade }, reason: input.reason });
    return { matched, pinned };
  });
}
