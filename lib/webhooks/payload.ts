import type { WebhookEvent } from "./events";

export const WEBHOOK_FORMATS = ["cloudevents", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookMessage {
  id: string;
  event: WebhookEvent;
  at: Date;
  actor: string;
  /** What changed: the audit row's target, reason and after-state. */
  subject: { type: string; id: string };
  reason: string | null;
  data: unknown;
  /** A link back to the console, when the public URL is known. */
  link: string | null;
}

const SUBJECT_PATH: Record<string, string> = { rollout: "/rollouts/", approval: "/approvals", release: "/releases", channel: "/groups", group: "/groups" };

export function consoleLink(publicUrl: string | undefined, subject: { type: string; id: string }): string | null {
  if (!publicUrl) return null;
  const path = SUBJECT_PATH[subject.type];
  if (!path) return null;
  return new URL(path.endsWith("/") ? `${path}${encodeURIComponent(subject.id)}` : path, publicUrl).href;
}

/** One sentence a person reads in a chat channel. */
export function summaryOf(m: WebhookMessage): string {
  const what = m.event.replace(".", " ").replace(/_/g, " ");
  const reason = m.reason ? `: ${m.reason}` : "";
  return `Flotilla ${what} — ${m.subject.type} ${m.subject.id} by ${m.actor}${reason}`;
}

/** The bytes sent: CloudEvents 1.0 structured JSON, or a Slack-compatible incoming webhook body. */
export function renderPayload(format: WebhookFormat, m: WebhookMessage): string {
  if (format === "slack") {
    const text = summaryOf(m) + (m.link ? ` <${m.link}|open>` : "");
    return JSON.stringify({ text });
  }
  return JSON.stringify({
    specversion: "1.0",
    id: m.id,
    source: "flotilla",
    type: `io.flotilla.${m.event}`,
    subject: `${m.subject.type}/${m.subject.id}`,
    time: m.at.toISOString(),
    datacontenttype: "application/json",
    data: { actor: m.actor, reason: m.reason, summary: summaryOf(m), link: m.link, details: m.data },
  });
}
