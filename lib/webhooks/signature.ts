import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Deliveries are signed like Stripe's and GitHub's: `Flotilla-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>">`. The timestamp is inside the signed text, so a receiver that
 * refuses old timestamps cannot be fed a replayed delivery; the delivery id header lets it drop
 * a retry it already handled.
 */
export const SIGNATURE_HEADER = "flotilla-signature";
export const DELIVERY_HEADER = "flotilla-delivery";
export const EVENT_HEADER = "flotilla-event";

export function signPayload(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${mac}`;
}

/** What a receiver does; exported for receivers written in TypeScript and for the tests. */
export function verifySignature(secret: string, body: string, header: string, now: Date, toleranceSeconds = 300): { ok: true } | { ok: false; reason: string } {
  const parts = new Map(header.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")).trim(), kv.slice(kv.indexOf("=") + 1).trim()] as const));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1");
  if (!Number.isInteger(t) || !v1) return { ok: false, reason: "malformed signature header" };
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return { ok: false, reason: "timestamp outside the tolerance (replay?)" };
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature mismatch" };
  return { ok: true };
}

/** Retry schedule: 30 s, 1 min, 2 min … doubling, at most an hour apart; given up after 12 tries (~6 h). */
export const MAX_ATTEMPTS = 12;
export function nextAttemptDelayMs(attemptsSoFar: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attemptsSoFar - 1), 3_600_000);
}
