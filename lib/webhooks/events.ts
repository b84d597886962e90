/**
 * The events people act on, derived from the audit log: every change Flotilla makes is
 * audited in its own transaction, so deriving webhook events from audit rows puts each
 * notification in the outbox in the same transaction as the change, with nothing to forget
 * in a new code path. The audit action names the change; this table names the event.
 */
export const WEBHOOK_EVENTS = [
  "approval.requested",
  "approval.decided",
  "approval.voided",
  "approval.expired",
  "rollout.started",
  "rollout.phase_advanced",
  "rollout.paused",
  "rollout.resumed",
  "rollout.aborted",
  "rollout.rolled_back",
  "rollout.completed",
  "rollout.threshold_breached",
  "release.recalled",
  "channel.paused",
  "channel.resumed",
  "channel.target_set",
  "sync.failed",
  "hosts.stuck",
  "webhook.test",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(v: string): v is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(v);
}

/** What an audit row says, as far as notifications care. */
export interface AuditFacts {
  action: string;
  actorEmail: string;
  actorRole: string;
  after: unknown;
}

const BY_ACTION: Record<string, WebhookEvent> = {
  "approval.request": "approval.requested",
  "approval.approve": "approval.decided",
  "approval.reject": "approval.decided",
  "approval.void": "approval.voided",
  "approval.expire": "approval.expired",
  "rollout.create": "rollout.started",
  "rollout.advance": "rollout.phase_advanced",
  "rollout.pause": "rollout.paused",
  "rollout.resume": "rollout.resumed",
  "rollout.abort": "rollout.aborted",
  "group.rollback": "rollout.rolled_back",
  "rollout.complete": "rollout.completed",
  "release.recall": "release.recalled",
  "channel.pause": "channel.paused",
  "channel.resume": "channel.resumed",
  "channel.set_target": "channel.target_set",
  "release_sync.fail": "sync.failed",
  "rollout.hosts_stuck": "hosts.stuck",
  "webhook.test": "webhook.test",
};

/**
 * The events one audit row raises: its own, plus "threshold breached" when the rollout engine
 * (the system actor) stopped or rolled back a rollout on a failure threshold.
 */
export function eventsOfAudit(row: AuditFacts): WebhookEvent[] {
  const event = BY_ACTION[row.action];
  if (!event) return [];
  const out: WebhookEvent[] = [event];
  const byEngine = row.actorRole === "system";
  if (byEngine && (row.action === "rollout.pause" || row.action === "rollout.abort" || row.action === "group.rollback")) out.push("rollout.threshold_breached");
  return out;
}
