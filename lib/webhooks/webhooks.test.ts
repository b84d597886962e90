import { describe, expect, it } from "vitest";
import { eventsOfAudit, isWebhookEvent } from "./events";
import { renderPayload, type WebhookMessage } from "./payload";
import { MAX_ATTEMPTS, nextAttemptDelayMs, signPayload, verifySignature } from "./signature";

describe("webhook events from audit rows", () => {
  it("names the event of each audited change, and a breach when the engine stopped a rollout", () => {
    expect(eventsOfAudit({ action: "rollout.pause", actorEmail: "ops@x", actorRole: "operator", after: {} })).toEqual(["rollout.paused"]);
    expect(eventsOfAudit({ action: "rollout.pause", actorEmail: "system", actorRole: "system", after: {} })).toEqual(["rollout.paused", "rollout.threshold_breached"]);
    expect(eventsOfAudit({ action: "group.rollback", actorEmail: "system", actorRole: "system", after: {} })).toEqual(["rollout.rolled_back", "rollout.threshold_breached"]);
    expect(eventsOfAudit({ action: "approval.approve", actorEmail: "a@x", actorRole: "approver", after: {} })).toEqual(["approval.decided"]);
    expect(eventsOfAudit({ action: "user.update", actorEmail: "a@x", actorRole: "admin", after: {} })).toEqual([]);
    expect(isWebhookEvent("release.recalled")).toBe(true);
    expect(isWebhookEvent("user.update")).toBe(false);
  });
});

describe("signatures", () => {
  const at = new Date("2026-12-03T12:00:00Z");
  const body = JSON.stringify({ hello: "world" });

  it("verify with the secret and refuse a changed body, another secret or an old timestamp", () => {
    const header = signPayload("s3cret", body, at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature("s3cret", body, header, at)).toEqual({ ok: true });
    expect(verifySignature("s3cret", `${body} `, header, at)).toMatchObject({ ok: false, reason: "signature mismatch" });
    expect(verifySignature("other", body, header, at)).toMatchObject({ ok: false });
    expect(verifySignature("s3cret", body, header, new Date(at.getTime() + 301_000))).toMatchObject({ ok: false, reason: /replay/ });
    expect(verifySignature("s3cret", body, "v1=abc", at)).toMatchObject({ ok: false, reason: "malformed signature header" });
  });

  it("backs off doubling from 30 s to at most an hour", () => {
    expect([1, 2, 3, 4].map(nextAttemptDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(nextAttemptDelayMs(MAX_ATTEMPTS)).toBe(3_600_000);
  });
});

describe("payload formats", () => {
  const m: WebhookMessage = {
    id: "42",
    event: "rollout.paused",
    at: new Date("2026-12-03T12:00:00Z"),
    actor: "system",
    subject: { type: "rollout", id: "r-1" },
    reason: "failure rate 50 % (3 of 6) above 20 % in phase canary",
    data: { failed: 3 },
    link: "https://flotilla.example/rollouts/r-1",
  };

  it("renders CloudEvents 1.0 structured JSON", () => {
    const ce = JSON.parse(renderPayload("cloudevents", m)) as Record<string, unknown>;
    expect(ce).toMatchObject({ specversion: "1.0", id: "42", source: "flotilla", type: "io.flotilla.rollout.paused", subject: "rollout/r-1", time: "2026-12-03T12:00:00.000Z", datacontenttype: "application/json" });
    expect(ce.data).toMatchObject({ actor: "system", details: { failed: 3 }, link: m.link });
  });

  it("renders a Slack incoming-webhook text with a link", () => {
    const slack = JSON.parse(renderPayload("slack", m)) as { text: string };
    expect(slack.text).toBe("Flotilla rollout paused — rollout r-1 by system: failure rate 50 % (3 of 6) above 20 % in phase canary <https://flotilla.example/rollouts/r-1|open>");
  });
});
