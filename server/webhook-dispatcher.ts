import type { Db } from "@/db/client";
import { claimDueDeliveries, recordDeliveryOutcome, type ClaimedDelivery, type DeliveryOutcome } from "@/db/queries/webhooks";
import { logger } from "@/lib/log";
import { isWebhookEvent } from "@/lib/webhooks/events";
import { consoleLink, renderPayload, type WebhookMessage } from "@/lib/webhooks/payload";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signPayload } from "@/lib/webhooks/signature";

export interface DispatcherOptions {
  intervalMs?: number;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs?: number;
  publicUrl?: string;
  /** Deliveries claimed per tick (and sent concurrently). */
  batch?: number;
  /** The retry schedule (tests shorten it); 30 s doubling to an hour by default. */
  retryDelayMs?: (attemptsSoFar: number) => number;
}

function messageOf(d: ClaimedDelivery, publicUrl: string | undefined): WebhookMessage {
  const m = d.message as { at: string; actor: string; subject: { type: string; id: string }; reason: string | null; data: unknown };
  return {
    id: String(d.id),
    event: isWebhookEvent(d.event) ? d.event : "webhook.test",
    at: new Date(m.at),
    actor: m.actor,
    subject: m.subject,
    reason: m.reason,
    data: m.data,
    link: consoleLink(publicUrl, m.subject),
  };
}

/** One attempt: POST the rendered body, signed; any 2xx is delivered, anything else is retried. */
export async function sendDelivery(d: ClaimedDelivery, opts: { timeoutMs: number; publicUrl?: string }): Promise<DeliveryOutcome> {
  const body = renderPayload(d.format, messageOf(d, opts.publicUrl));
  const started = Date.now();
  try {
    const res = await fetch(d.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
      headers: {
        "content-type": d.format === "cloudevents" ? "application/cloudevents+json" : "application/json",
        "user-agent": "Flotilla-Webhooks/1",
        [SIGNATURE_HEADER]: signPayload(d.secret, body, new Date()),
        [DELIVERY_HEADER]: String(d.id),
        [EVENT_HEADER]: d.event,
      },
      body,
    });
    const text = await res.text().catch(() => "");
    return { status: res.status, body: text.slice(0, 2048), error: res.ok ? null : `HTTP ${res.status}`, durationMs: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === "TimeoutError" ? `no answer within ${opts.timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { status: null, body: null, error, durationMs: Date.now() - started };
  }
}

/**
 * Sends what the outbox holds, every second, in every process (SKIP LOCKED leases keep them
 * from sending one delivery twice at once). Stopping waits for attempts in flight and records
 * them, so a restart neither loses a delivery nor sends a finished one again.
 */
export function startWebhookDispatcher(db: Db, opts: DispatcherOptions = {}): { stop(): Promise<void>; tick(): Promise<void> } {
  const log = logger();
  const intervalMs = opts.intervalMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const batch = opts.batch ?? 20;
  let running: Promise<void> | null = null;
  let stopped = false;
  let failing = false;

  const runOnce = async () => {
    const claimed = await claimDueDeliveries(db, batch, timeoutMs * 3);
    await Promise.all(
      claimed.map(async (d) => {
        const outcome = await sendDelivery(d, { timeoutMs, publicUrl: opts.publicUrl });
        const verdict = await recordDeliveryOutcome(db, d, outcome, { retryDelayMs: opts.retryDelayMs });
        if (verdict === "failed") log.warn({ delivery: d.id, event: d.event, error: outcome.error }, "webhook delivery given up after its last attempt");
      }),
    );
  };
  const tick = (): Promise<void> => {
    if (running || stopped) return running ?? Promise.resolve();
    running = runOnce()
      .then(() => {
        failing = false;
      })
      .catch((err: unknown) => {
        if (!failing) log.warn({ err }, "webhook dispatch failed; retrying");
        failing = true;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  // 0 turns sending off in this process (another process, or a test, does it).
  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : null;
  timer?.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
