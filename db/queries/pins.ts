import { and, asc, eq, gt, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { HostQuery } from "@/lib/fleet/host-query";
import { filterConditions } from "./hosts";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { channels, groups, hosts, pins, releases } from "../schema/fleet";
import { pinReach, pinRefusal, pinWarnings, type HostVersionCount, type PinReach } from "@/lib/fleet/pin-reach";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import { gateChange, type GateHold } from "./change-gate";

export type PinRow = typeof pins.$inferSelect;

/** Hosts each pin covers per (family, version): a host's own pin wins over its group's (as in decide). */
async function pinHostCounts(db: Db): Promise<Map<string, HostVersionCount[]>> {
  const rows = rowsOf<{ pin_id: string; os_family: string; os_version: string; n: number }>(
    await db.execute(sql`
      SELECT p.id AS pin_id, h.os_family, h.os_version, count(*)::int AS n
      FROM ${pins} p JOIN ${hosts} h ON p.scope = 'host' AND h.id = p.target_id
      GROUP BY 1, 2, 3
      UNION ALL
      SELECT p.id, h.os_family, h.os_version, count(*)::int
      FROM ${pins} p JOIN ${hosts} h ON p.scope = 'group' AND h.group_id = p.target_id
      WHERE NOT EXISTS (SELECT 1 FROM ${pins} hp WHERE hp.scope = 'host' AND hp.target_id = h.id AND (hp.expires_at IS NULL OR hp.expires_at > now()))
      GROUP BY 1, 2, 3`),
  );
  const out = new Map<string, HostVersionCount[]>();
  for (const r of rows) {
    const list = out.get(r.pin_id) ?? [];
    list.push({ osFamily: r.os_family, osVersion: r.os_version, n: r.n });
    out.set(r.pin_id, list);
  }
  return out;
}

/** The OS families that have a release of each version. */
async function familiesOfVersions(db: Db, versions: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (versions.length === 0) return out;
  const rows = await db.selectDistinct({ version: releases.version, osFamily: releases.osFamily }).from(releases).where(inArray(releases.version, versions));
  for (const r of rows) out.set(r.version, [...(out.get(r.version) ?? []), r.osFamily]);
  return out;
}

export async function listPins(db: Db) {
  // With each pin: the hosts it covers and how many of them it will still move (version-aware:
  // hosts newer than an ordinary pin, or of a family without that version, never converge).
  const rows = await db.select().from(pins).orderBy(asc(pins.scope), asc(pins.targetId));
  const [counts, families] = await Promise.all([pinHostCounts(db), familiesOfVersions(db, [...new Set(rows.map((p) => p.version))])]);
  return rows.map((pin) => {
    const reach = pinReach(pin, families.get(pin.version) ?? [], counts.get(pin.id) ?? []);
    return { pin, hosts: reach.hosts, notConverged: reach.willMove, reach };
  });
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
  /** The target has a rollback in place: replace it (otherwise refused with `replaces_rollback`). */
  replaceRollback?: boolean;
}

/** The pin's whole state, for the audit record (a replaced rollback keeps its reason and flag). */
const pinState = (p: PinRow) => ({
  id: p.id,
  scope: p.scope,
  targetId: p.targetId,
  version: p.version,
  reason: p.reason,
  owner: p.owner,
  allowDowngrade: p.allowDowngrade,
  createdBy: p.createdBy,
  createdAt: p.createdAt,
  expiresAt: p.expiresAt,
});

export function rollbackInPlace(before: PinRow): AppError {
  return new AppError(
    "replaces_rollback",
    `${before.scope} ${before.targetId} was rolled back to ${before.version} by ${before.owner} (${before.reason}); replacing the rollback must be explicit: send replaceRollback: true`,
    [{ path: "replaceRollback", message: "required to replace a rollback" }],
  );
}

/**
 * What a pin would do before it is set: the hosts it reaches by OS family, how many will move,
 * warnings, and why it would be refused (it can never apply, or the group does not exist).
 */
export async function previewPin(db: Db, input: Pick<NewPin, "scope" | "targetId" | "version" | "allowDowngrade">): Promise<{ reach: PinReach; warnings: string[]; refusal: AppError | null; replaces: PinRow | null }> {
  const families = (await familiesOfVersions(db, [input.version])).get(input.version) ?? [];
  if (families.length === 0) throw new AppError("bad_request", `invalid request: version: ${input.version} is not in the release catalog`, [{ path: "version", message: "not in the release catalog" }]);
  let groupFamily: string | null = null;
  const warnings: string[] = [];
  const covered =
    input.scope === "host"
      ? eq(hosts.id, input.targetId)
      : and(eq(hosts.groupId, input.targetId), sql`NOT EXISTS (SELECT 1 FROM ${pins} hp WHERE hp.scope = 'host' AND hp.target_id = ${hosts.id} AND (hp.expires_at IS NULL OR hp.expires_at > now()))`);
  const counts = await db.select({ osFamily: hosts.osFamily, osVersion: hosts.osVersion, n: sql<number>`count(*)::int` }).from(hosts).where(covered).groupBy(hosts.osFamily, hosts.osVersion);
  const reach = pinReach({ version: input.version, allowDowngrade: input.allowDowngrade ?? false }, families, counts);
  let refusal: AppError | null = null;
  if (input.scope === "host") {
    if (reach.hosts === 0) refusal = new AppError("bad_request", "invalid request: targetId: no such host", [{ path: "targetId", message: "no such host" }]);
  } else {
    const [g] = await db.select({ id: groups.id, family: channels.osFamily }).from(groups).leftJoin(channels, eq(channels.id, groups.channelId)).where(eq(groups.id, input.targetId));
    groupFamily = g?.family ?? null;
    // Hosts may ask for a group nobody defined yet (they show as unassigned): pinning them is
    // allowed; a group that neither exists nor has hosts is a typo that would hold nothing.
    if (!g && reach.hosts === 0) refusal = new AppError("bad_request", `invalid request: targetId: no group ${input.targetId} exists and no host asks for it`, [{ path: "targetId", message: "no such group" }]);
    else if (!g) warnings.push(`group ${input.targetId} is not defined; ${reach.hosts} hosts ask for it`);
  }
  const refused = refusal ? null : pinRefusal(input.version, reach, groupFamily);
  if (refused) refusal = new AppError("bad_request", `invalid request: version: ${refused}`, [{ path: "version", message: refused }]);
  const [replaces] = await db.select().from(pins).where(and(eq(pins.scope, input.scope), eq(pins.targetId, input.targetId)));
  return { reach, warnings: [...warnings, ...pinWarnings(input.version, reach)], refusal, replaces: replaces ?? null };
}

/**
 * Pins (or re-pins) a group or host. Refused when the version is not in the catalog or can never
 * apply to what the pin reaches, when the group does not exist, and (409 `replaces_rollback`)
 * when it would replace a rollback without `replaceRollback`. The audit record keeps the whole
 * previous pin. Returns the pin with its reach by OS family and warnings.
 */
export async function setPin(db: Db, actor: Actor, input: NewPin): Promise<(PinRow & { reach: PinReach; warnings: string[] }) | GateHold> {
  return db.transaction(async (tx) => {
    const { reach, warnings, refusal } = await previewPin(tx, input);
    if (refusal) throw refusal;
    const [before] = await tx.select().from(pins).where(and(eq(pins.scope, input.scope), eq(pins.targetId, input.targetId))).for("update");
    if (before?.allowDowngrade && !input.replaceRollback) throw rollbackInPlace(before);
    // Four eyes where the pin reaches an approval-required group (db/queries/change-gate.ts).
    const held = await gateChange(tx, actor, { kind: "pin.set", input: { ...input, expiresAt: input.expiresAt?.toISOString() ?? null, allowDowngrade: input.allowDowngrade ?? false } }, input.reason);
    if (held) return held;
    const { replaceRollback: _replace, ...fields } = input;
    const values = { ...fields, allowDowngrade: input.allowDowngrade ?? false, createdBy: actor.userId, createdAt: new Date() };
    const [after] = before
      ? await tx.update(pins).set(values).where(eq(pins.id, before.id)).returning()
      : await tx.insert(pins).values(values).returning();
    await appendAudit(tx, actor, {
      action: input.allowDowngrade ? `${input.scope}.rollback` : "pin.set",
      targetType: input.scope,
      targetId: input.targetId,
      before: before ? pinState(before) : null,
      after: { ...pinState(after!), reach: { hosts: reach.hosts, willMove: reach.willMove, byFamily: reach.byFamily } },
      reason: input.reason,
    });
    return { ...after!, reach, warnings };
  });
}

export async function removePin(db: Db, actor: Actor, id: string, reason: string | null): Promise<GateHold | null> {
  return db.transaction(async (tx) => {
    const held = await gateChange(tx, actor, { kind: "pin.remove", input: { id, reason } }, reason);
    if (held) return held;
    const [gone] = await tx.delete(pins).where(eq(pins.id, id)).returning();
    if (!gone) throw new AppError("not_found", "no such pin");
    await appendAudit(tx, actor, { action: "pin.remove", targetType: gone.scope, targetId: gone.targetId, before: pinState(gone), after: null, reason });
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
  /** Some selected hosts have a rollback in place: replace them (otherwise refused). */
  replaceRollback?: boolean;
}

/**
 * Pins every host the host-list filter matches (a preview only counts them, by OS family, with
 * how many will move and how many rollbacks it would replace). One statement, however many
 * hosts; one audit row naming the filter, the count and every pin it replaced, whole.
 */
export async function bulkPinHosts(
  db: Db,
  actor: Actor,
  filter: HostQuery,
  input: BulkPin,
  preview: boolean,
): Promise<{ matched: number; pinned: number; rollbacks: number; reach: PinReach | null; warnings: string[] } | GateHold> {
  return db.transaction(async (tx) => {
    const where = filterConditions(filter);
    const cond = where.length ? and(...where) : sql`true`;
    const counts = await tx.select({ osFamily: hosts.osFamily, osVersion: hosts.osVersion, n: sql<number>`count(*)::int` }).from(hosts).where(cond).groupBy(hosts.osFamily, hosts.osVersion);
    const matched = counts.reduce((a, c) => a + c.n, 0);
    const families = (await familiesOfVersions(tx, [input.version])).get(input.version) ?? [];
    const downgrade = input.allowDowngrade ?? false;
    const reach = families.length ? pinReach({ version: input.version, allowDowngrade: downgrade }, families, counts) : null;
    const warnings = reach ? pinWarnings(input.version, reach) : [];
    const existing = matched ? await tx.select().from(pins).where(and(eq(pins.scope, "host"), sql`${pins.targetId} IN (SELECT ${hosts.id} FROM ${hosts} WHERE ${cond})`)).for("update") : [];
    const rollbacks = existing.filter((p) => p.allowDowngrade).length;
    if (preview || matched === 0) return { matched, pinned: 0, rollbacks, reach, warnings };
    if (!reach) throw new AppError("bad_request", `invalid request: version: ${input.version} is not in the release catalog`, [{ path: "version", message: "not in the release catalog" }]);
    const refused = pinRefusal(input.version, reach, null);
    if (refused) throw new AppError("bad_request", `invalid request: version: ${refused}`, [{ path: "version", message: refused }]);
    if (rollbacks > 0 && !input.replaceRollback) {
      throw new AppError("replaces_rollback", `${rollbacks} of the ${matched} selected hosts have a rollback in place; replacing them must be explicit: send replaceRollback: true`, [{ path: "replaceRollback", message: "required to replace a rollback" }]);
    }
    const held = await gateChange(
      tx,
      actor,
      { kind: "pin.bulk", input: { filter, version: input.version, reason: input.reason, owner: input.owner, expiresAt: input.expiresAt?.toISOString() ?? null, allowDowngrade: downgrade, replaceRollback: input.replaceRollback ?? false } },
      input.reason,
    );
    if (held) return held;
    const now = new Date();
    const result = await tx.execute(sql`
      INSERT INTO pins (scope, target_id, version, reason, owner, expires_at, created_by, created_at, allow_downgrade)
      SELECT 'host', ${hosts.id}, ${input.version}, ${input.reason}, ${input.owner}, ${input.expiresAt}, ${actor.userId}, ${now}, ${downgrade} FROM ${hosts} WHERE ${cond}
      ON CONFLICT (scope, target_id) DO UPDATE SET version = excluded.version, reason = excluded.reason, owner = excluded.owner,
        expires_at = excluded.expires_at, created_by = excluded.created_by, created_at = excluded.created_at, allow_downgrade = excluded.allow_downgrade`);
    // node-postgres reports rowCount, PGlite affectedRows.
    const r = result as { rowCount?: number | null; affectedRows?: number };
    const pinned = r.rowCount ?? r.affectedRows ?? 0;
    const { cursor: _cursor, limit: _limit, sort: _sort, dir: _dir, ...criteria } = filter;
    await appendAudit(tx, actor, {
      action: downgrade ? "host.rollback.bulk" : "pin.bulk",
      targetType: "host_filter",
      targetId: JSON.stringify(criteria),
      before: existing.length ? { replaced: existing.map(pinState) } : null,
      after: { version: input.version, hosts: matched, willMove: reach.willMove, byFamily: reach.byFamily, expiresAt: input.expiresAt, allowDowngrade: downgrade },
      reason: input.reason,
    });
    return { matched, pinned, rollbacks, reach, warnings };
  });
}
