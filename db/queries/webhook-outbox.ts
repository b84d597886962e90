import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { eventsOfAudit } from "@/lib/webhooks/events";

export interface AuditedChange {
  auditId: number;
  at: string;
  action: string;
  actorEmail: string;
  actorRole: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  after: unknown;
}

/**
 * Puts the notifications an audited change raises into the outbox, in the caller's
 * transaction: they commit with the change or not at all, and sending them later never
 * holds the change up. One statement whatever the number of subscriptions.
 */
export async function enqueueAuditEvents(tx: Db, change: AuditedChange): Promise<void> {
  const events = eventsOfAudit(change);
  if (events.length === 0) return;
  const message = {
    at: change.at,
    actor: change.actorEmail,
    subject: { type: change.targetType, id: change.targetId },
    reason: change.reason,
    data: change.after ?? null,
  };
  await tx.execute(sql`
    INSERT INTO webhook_deliveries (subscription_id, event, audit_id, message)
    SELECT s.id, e.event, ${change.auditId}, ${JSON.stringify(message)}::jsonb
    FROM webhook_subscriptions s
    CROSS JOIN unnest(${`{${events.join(",")}}`}::text[]) AS e(event)
    WHERE s.enabled AND e.event = ANY(s.events)`);
}
