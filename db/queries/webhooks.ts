import { randomBytes } from "node:crypto";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { webhookDeliveries, webhookSubscriptions } from "../schema/webhooks";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import type { WebhookEvent } from "@/lib/webhooks/events";
import type { WebhookFormat } from "@/lib/webhooks/payload";
import { MAX_ATTEMPTS, nextAttemptDelayMs } from "@/lib/webhooks/signature";

type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type PublicWebhook = Omit<SubscriptionRow, "secret">;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

function publicWebhook(r: SubscriptionRow): PublicWebhook {
  const { secret: _secret, ...rest } = r;
  return rest;
}

function auditView(r: SubscriptionRow) {
  return { name: r.name, url: r.url, events: r.events, format: r.format, enabled: r.enabled, secretHint: r.secretHint };
}

export interface NewWebhook {
  name: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  /** Chosen by the operator (a Slack URL carries its own) or generated when absent. */
  secret?: string;
}

/** Returns the subscription and its signing secret, which is shown this once. */
export async function createWebhook(db: Db, actor: Actor, input: NewWebhook): Promise<{ webhook: PublicWebhook; secret: string }> {
  const secret = input.secret ?? `whsec_${randomBytes(24).toString("base64url")}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({ name: input.name, url: input.url, events: [...new Set(input.events)], format: input.format, secret, secretHint: secret.slice(-4), createdBy: actor.userId })
      .returning();
    await appendAudit(tx, actor, { action: "webhook.create", targetType: "webhook", targetId: row!.id, after: auditView(row!) });
    return { webhook: publicWebhook(row!), secret };
  });
}

export interface WebhookPatch {
  name?: string;
  url?: string;
  events?: WebhookEvent[];
  format?: WebhookFormat;
  enabled?: boolean;
}

export async function updateWebhook(db: Db, actor: Actor, id: string, patch: WebhookPatch): Promise<PublicWebhook> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such webhook");
    const [after] = await tx
      .update(webhookSubscriptions)
      .set({ ...patch, ...(patch.events ? { events: [...new Set(patch.events)] } : {}), updatedAt: new Date() })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await appendAudit(tx, actor, { action: "webhook.update", targetType: "webhook", targetId: id, before: auditView(before), after: auditView(after!) });
    return publicWebhook(after!);
  });
}

export async function deleteWebhook(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [gone] = await tx.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).returning();
    if (!gone) throw new AppError("not_found", "no such webhook");
    await appendAudit(tx, actor, { action: "webhook.delete", targetType: "webhook", targetId: id, before: auditView(gone) });
  });
}

export interface WebhookSummary extends PublicWebhook {
  pending: number;
  failed: number;
  lastDeliveredAt: string | null;
}

export async function listWebhooks(db: Db): Promise<WebhookSummary[]> {
  const rows = await db.select().from(webhookSubscriptions).orderBy(webhookSubscriptions.name);
  const stats = rowsOf<{ subscription_id: string; pending: number; failed: number; last: string | null }>(
    await db.execute(sql`
      SELECT subscription_id,
             count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS pending,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             max(delivered_at) AS last
      FROM webhook_deliveries GROUP BY subscription_id`),
  );
  const by = new Map(stats.map((s) => [s.subscription_id, s]));
  return rows.map((r) => {
    const s = by.get(r.id);
    return { ...publicWebhook(r), pending: s?.pending ?? 0, failed: s?.failed ?? 0, lastDeliveredAt: s?.last ? new Date(s.last).toISOString() : null };
  });
}

export async function listDeliveries(db: Db, subscriptionId: string, opts: { limit: number; beforeId?: number }): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.subscriptionId, subscriptionId), opts.beforeId ? lt(webhookDeliveries.id, opts.beforeId) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(opts.limit);
}

/** Sends one delivery again by hand, as a new delivery (a new id, so receivers do not drop it as a retry). */
export async function redeliver(db: Db, actor: Actor, deliveryId: number): Promise<DeliveryRow> {
  return db.transaction(async (tx) => {
    const [orig] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    if (!orig) throw new AppError("not_found", "no such delivery");
    const [copy] = await tx
      .insert(webhookDeliveries)
      .values({ subscriptionId: orig.subscriptionId, event: orig.event, auditId: orig.auditId, message: orig.message, redeliveryOf: orig.id })
      .returning();
    await appendAudit(tx, actor, { action: "webhook.redeliver", targetType: "webhook", targetId: orig.subscriptionId, after: { deliveryId: copy!.id, redeliveryOf: orig.id, event: orig.event } });
    return copy!;
  });
}

/** A ping to one subscription, whatever its events: "is this wired up?". */
export async function sendTestDelivery(db: Db, actor: Actor, subscriptionId: string): Promise<DeliveryRow> {
  return db.transaction(async (tx) => {
    const [sub] = await tx.select({ id: webhookSubscriptions.id }).from(webhookSubscriptions).where(eq(webhookSubscriptions.id, subscriptionId));
    if (!sub) throw new AppError("not_found", "no such webhook");
    const at = new Date().toISOString();
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ subscriptionId, event: "webhook.test", message: { at, actor: actor.email, subject: { type: "webhook", id: subscriptionId }, reason: "test delivery", data: null } })
      .returning();
    await appendAudit(tx, actor, { action: "webhook.test", targetType: "webhook", targetId: subscriptionId, after: { deliveryId: row!.id } });
    return row!;
  });
}

export interface ClaimedDelivery {
  id: number;
  event: string;
  message: Record<string, unknown>;
  attempts: number;
  url: string;
  secret: string;
  format: WebhookFormat;
}

/**
 * Leases up to `limit` due deliveries (pending and due, or sending with a lapsed lease: a
 * process died mid-send). SKIP LOCKED lets several processes dispatch without sending one
 * delivery twice at the same time.
 */
export async function claimDueDeliveries(db: Db, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return rowsOf<ClaimedDelivery>(
    await db.execute(sql`
      WITH due AS (
        SELECT id FROM webhook_deliveries
        WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
          AND (status = 'pending' OR lease_until < now())
        ORDER BY next_attempt_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE webhook_deliveries d
      SET status = 'sending', attempts = d.attempts + 1, lease_until = now() + ${`${leaseMs} milliseconds`}::interval
      FROM due, webhook_subscriptions s
      WHERE d.id = due.id AND s.id = d.subscription_id
      RETURNING d.id::int AS id, d.event, d.message, d.attempts, s.url, s.secret, s.format`),
  );
}

export interface DeliveryOutcome {
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

/** Records an attempt: delivered on 2xx; otherwise retried with backoff until MAX_ATTEMPTS. */
export async function recordDeliveryOutcome(
  db: Db,
  delivery: { id: number; attempts: number },
  outcome: DeliveryOutcome,
  opts: { now?: Date; retryDelayMs?: (attemptsSoFar: number) => number } = {},
): Promise<"delivered" | "retry" | "failed"> {
  const now = opts.now ?? new Date();
  const delay = opts.retryDelayMs ?? nextAttemptDelayMs;
  const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const verdict = ok ? "delivered" : delivery.attempts >= MAX_ATTEMPTS ? "failed" : "retry";
  await db
    .update(webhookDeliveries)
    .set({
      status: verdict === "retry" ? "pending" : verdict,
      leaseUntil: null,
      responseStatus: outcome.status,
      responseBody: outcome.body?.slice(0, 2048) ?? null,
      lastError: outcome.error?.slice(0, 500) ?? null,
      durationMs: outcome.durationMs,
      ...(verdict === "retry" ? { nextAttemptAt: new Date(now.getTime() + delay(delivery.attempts)) } : {}),
      ...(verdict === "delivered" ? { deliveredAt: now } : {}),
    })
    .where(eq(webhookDeliveries.id, delivery.id));
  return verdict;
}
