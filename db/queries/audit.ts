import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { auditLog } from "../schema/audit";
import { auditHash, GENESIS_HASH, verifyChain, type AuditContent, type ChainVerdict } from "@/lib/audit/hash-chain";
import { LOCK_KEYS } from "../locks";
import { enqueueAuditEvents } from "./webhook-outbox";

/** Who performs an operator action: a signed-in user, an API token, or Flotilla itself. */
export interface Actor {
  userId: string | null;
  email: string;
  role: string;
  via: "session" | "api_token" | "system";
  clientAddr: string | null;
  /** The API token that acted (via api_token) and who minted it, so the log names who really acted. */
  token?: { id: string; createdBy: string | null };
}

/** The audit row's `via`: for a token, which one and who minted it, e.g. `api_token 5f0c… created by admin@example.com`. */
export function auditVia(actor: Actor): string {
  if (actor.via !== "api_token" || !actor.token) return actor.via;
  return `api_token ${actor.token.id} created by ${actor.token.createdBy ?? "a deleted user"}`;
}

export const SYSTEM_ACTOR: Actor = { userId: null, email: "system", role: "system", via: "system", clientAddr: null };

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

// Serializes appends so each row links to the true previous one, across processes too.
const AUDIT_CHAIN_LOCK = LOCK_KEYS.auditChain;

/** JSON-safe copy: what is hashed must be exactly what jsonb gives back. */
function jsonSafe(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

/**
 * Appends one audit row. Call it inside the transaction of the change it records, so the
 * change and its audit row commit or roll back together.
 */
export async function appendAudit(tx: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content: AuditContent = {
    at: new Date().toISOString(),
    actorId: actor.userId,
    actorEmail: actor.email,
    actorRole: actor.role,
    via: auditVia(actor),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: jsonSafe(entry.before),
    after: jsonSafe(entry.after),
    reason: entry.reason ?? null,
    clientAddr: actor.clientAddr,
  };
  const [row] = await tx
    .insert(auditLog)
    .values({
      ...content,
      at: new Date(content.at),
      prevHash,
      hash: auditHash(prevHash, content),
    })
    .returning({ id: auditLog.id });
  await enqueueAuditEvents(tx, { auditId: row!.id, at: content.at, action: content.action, actorEmail: content.actorEmail, actorRole: content.actorRole, targetType: content.targetType, targetId: content.targetId, reason: content.reason, after: content.after });
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  /** Time range [from, to) ("who paused stable last Tuesday"). */
  from?: Date;
  to?: Date;
  beforeId?: number;
  limit: number;
}

export async function listAudit(db: Db, f: AuditFilter) {
  const where: SQL[] = [];
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.actor) where.push(eq(auditLog.actorEmail, f.actor.toLowerCase()));
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) where.push(eq(auditLog.targetId, f.targetId));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lt(auditLog.at, f.to));
  if (f.beforeId) where.push(lt(auditLog.id, f.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  return { items: page, nextCursor: rows.length > f.limit ? String(page[page.length - 1]!.id) : null };
}

/** Re-computes the whole chain in pages; names the first row that was altered or removed. */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let afterId = 0;
  let total = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(pageSize);
    if (page.length === 0) return { ok: true, rows: total };
    const verdict = verifyChain(
      page.map((r) => ({ ...r, at: r.at.toISOString() })),
      prev,
    );
    if (!verdict.ok) return { ...verdict, rows: total + verdict.rows };
    total += page.length;
    const last = page[page.length - 1]!;
    prev = last.hash;
    afterId = last.id;
  }
}

export async function countAudit(db: Db): Promise<number> {
  const r = rowsOf<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM audit_log`));
  return r[0]?.n ?? 0;
}

/** One page of the audit log in id order after `afterId` (exports walk it page by page). */
export async function auditPage(db: Db, f: Omit<AuditFilter, "beforeId" | "limit">, afterId: number, limit: number) {
  const where: SQL[] = [gt(auditLog.id, afterId)];
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.actor) where.push(eq(auditLog.actorEmail, f.actor.toLowerCase()));
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) where.push(eq(auditLog.targetId, f.targetId));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lt(auditLog.at, f.to));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(asc(auditLog.id)).limit(limit);
  return { rows, next: rows.length === limit ? rows[rows.length - 1]!.id : null };
}
