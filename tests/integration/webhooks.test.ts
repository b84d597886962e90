import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { setChannelPaused } from "@/db/queries/releases";
import { claimDueDeliveries, createWebhook, listDeliveries, listWebhooks, redeliver } from "@/db/queries/webhooks";
import { webhookDeliveries } from "@/db/schema/webhooks";
import { verifySignature } from "@/lib/webhooks/signature";
import { startWebhookDispatcher } from "@/server/webhook-dispatcher";
import { testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";

interface Received {
  id: string;
  event: string;
  body: string;
  signature: string;
  verified: boolean;
}

/** A receiver that can fail, stall or succeed on demand, and checks every signature. */
async function startReceiver(secretOf: () => string) {
  const received: Received[] = [];
  let plan: Array<"500" | "stall" | "200"> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["flotilla-signature"] ?? "");
      const step = plan.shift() ?? "200";
      received.push({ id: String(req.headers["flotilla-delivery"]), event: String(req.headers["flotilla-event"]), body, signature, verified: verifySignature(secretOf(), body, signature, new Date()).ok });
      if (step === "500") res.writeHead(500).end("receiver broke");
      else if (step === "stall") setTimeout(() => res.writeHead(200).end("late"), 1500);
      else res.writeHead(200).end("thanks");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setPlan(p: typeof plan) {
      plan = [...p];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}

const ADMIN: Actor = { userId: null, email: "ops@example.com", role: "admin", via: "session", clientAddr: null };

describe.each(testDatabases())("webhooks on $name", (target) => {
  // The server's own dispatcher stays off: each test runs the dispatchers it reasons about.
  const t = useOperatorServer(target, { env: { FLOTILLA_WEBHOOK_TICK_SECONDS: "0" } });
  let secret = "";
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let subscriptionId = "";

  beforeAll(async () => {
    receiver = await startReceiver(() => secret);
    const created = await createWebhook(t.database.db, ADMIN, { name: "ops", url: receiver.url, events: ["channel.paused", "channel.resumed"], format: "cloudevents" });
    secret = created.secret;
    subscriptionId = created.webhook.id;
    await createChannel(t.database.db, SYSTEM_ACTOR, { id: "wh-stable", osFamily: "flatcar", description: "" });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it("puts the event in the outbox in the change's transaction, and nothing when the change fails", async () => {
    await setChannelPaused(t.database.db, ADMIN, "wh-stable", true, "bad release");
    const rows = await listDeliveries(t.database.db, subscriptionId, { limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event: "channel.paused", status: "pending", attempts: 0 });
    expect(rows[0]!.message).toMatchObject({ actor: "ops@example.com", reason: "bad release", subject: { type: "channel", id: "wh-stable" } });

    // A change that fails (no such channel) leaves no delivery behind.
    await expect(setChannelPaused(t.database.db, ADMIN, "no-such-channel", true, "x")).rejects.toBeTruthy();
    expect(await listDeliveries(t.database.db, subscriptionId, { limit: 10 })).toHaveLength(1);
  });

  it("retries a receiver that answers 500 or stalls, with signatures a receiver can verify, and sends each delivery once", async () => {
    receiver.setPlan(["500", "stall", "200"]);
    const dispatcher = startWebhookDispatcher(t.database.db, { intervalMs: 50, timeoutMs: 500, retryDelayMs: () => 100 });
    try {
      await until(async () => (await listDeliveries(t.database.db, subscriptionId, { limit: 1 }))[0]?.status === "delivered");
    } finally {
      await dispatcher.stop();
    }
    const [row] = await listDeliveries(t.database.db, subscriptionId, { limit: 1 });
    expect(row).toMatchObject({ status: "delivered", attempts: 3, responseStatus: 200, responseBody: "thanks" });
    expect(receiver.received.map((r) => r.id)).toEqual([String(row!.id), String(row!.id), String(row!.id)]);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const ce = JSON.parse(receiver.received[2]!.body) as { type: string; id: string; data: { reason: string } };
    expect(ce).toMatchObject({ type: "io.flotilla.channel.paused", id: String(row!.id), data: { reason: "bad release" } });
  });

  it("loses nothing and sends nothing twice across restarts, including a process that died mid-send", async () => {
    receiver.received.length = 0;
    receiver.setPlan(["stall", "200", "200", "200"]);
    await setChannelPaused(t.database.db, ADMIN, "wh-stable", false, "fixed");
    await setChannelPaused(t.database.db, ADMIN, "wh-stable", true, "again");

    // A graceful stop while the first attempt is in flight waits for it and records it.
    const first = startWebhookDispatcher(t.database.db, { intervalMs: 20, timeoutMs: 3000, retryDelayMs: () => 100 });
    await until(async () => receiver.received.length >= 1);
    await first.stop();
    const second = startWebhookDispatcher(t.database.db, { intervalMs: 20, timeoutMs: 3000, retryDelayMs: () => 100 });
    await until(async () => (await listDeliveries(t.database.db, subscriptionId, { limit: 3 })).slice(0, 2).every((d) => d.status === "delivered"));
    await second.stop();
    const ids = receiver.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(2);

    // A process that claimed a delivery and died: its lease runs out and another sends it.
    await setChannelPaused(t.database.db, ADMIN, "wh-stable", false, "crash test");
    const [claimed] = await claimDueDeliveries(t.database.db, 5, 60_000);
    expect(claimed?.event).toBe("channel.resumed");
    await t.database.db.update(webhookDeliveries).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, claimed!.id));
    const third = startWebhookDispatcher(t.database.db, { intervalMs: 20, timeoutMs: 3000, retryDelayMs: () => 100 });
    await until(async () => (await t.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, claimed!.id)))[0]?.status === "delivered");
    await third.stop();
    expect(receiver.received.filter((r) => r.id === String(claimed!.id))).toHaveLength(1);
  });

  it("gives up after the last attempt, counts it as failed, and a redelivery is a new delivery", async () => {
    receiver.received.length = 0;
    receiver.setPlan(Array.from({ length: 20 }, () => "500" as const));
    await setChannelPaused(t.database.db, ADMIN, "wh-stable", true, "to fail");
    const [pending] = await listDeliveries(t.database.db, subscriptionId, { limit: 1 });
    // Eleven attempts already spent: the next is the last.
    await t.database.db.update(webhookDeliveries).set({ attempts: 11 }).where(eq(webhookDeliveries.id, pending!.id));
    const d = startWebhookDispatcher(t.database.db, { intervalMs: 20, timeoutMs: 1000, retryDelayMs: () => 100 });
    await until(async () => (await listDeliveries(t.database.db, subscriptionId, { limit: 1 }))[0]?.status === "failed");
    await d.stop();
    const [failed] = await listDeliveries(t.database.db, subscriptionId, { limit: 1 });
    expect(failed).toMatchObject({ status: "failed", attempts: 12, responseStatus: 500, lastError: "HTTP 500" });
    expect((await listWebhooks(t.database.db)).find((w) => w.id === subscriptionId)).toMatchObject({ failed: 1 });

    const again = await redeliver(t.database.db, ADMIN, failed!.id);
    expect(again).toMatchObject({ status: "pending", redeliveryOf: failed!.id, event: "channel.paused" });
    expect(again.id).not.toBe(failed!.id);
  });

  it("serves subscriptions over the API: secret once, never again; admins only", async () => {
    const create = await fetch(`${t.server.url}/api/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.users.admin.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "chat", url: "https://hooks.slack.example/services/T000/B000/XXXX", events: ["rollout.paused", "release.recalled"], format: "slack" }),
    });
    expect(create.status).toBe(201);
    const created = (await create.json()) as { webhook: { id: string }; secret: string };
    expect(created.secret).toMatch(/^whsec_/);
    const list = await (await fetch(`${t.server.url}/api/v1/webhooks`, { headers: { authorization: `Bearer ${t.users.admin.token}` } })).text();
    expect(list).toContain(created.webhook.id);
    expect(list).not.toContain(created.secret);

    const bad = await fetch(`${t.server.url}/api/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.users.admin.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", url: "ftp://example.com", events: ["no.such.event"] }),
    });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
    expect(fields).toEqual(expect.arrayContaining(["url", "events.0"]));

    const operator = await fetch(`${t.server.url}/api/v1/webhooks`, { headers: { authorization: `Bearer ${t.users.operator.token}` } });
    expect(operator.status).toBe(403);

    const test = await fetch(`${t.server.url}/api/v1/webhooks/${subscriptionId}/test`, { method: "POST", headers: { authorization: `Bearer ${t.users.admin.token}` } });
    expect(test.status).toBe(201);
    const log = (await (await fetch(`${t.server.url}/api/v1/webhooks/${subscriptionId}/deliveries?limit=1`, { headers: { authorization: `Bearer ${t.users.admin.token}` } })).json()) as { items: Array<{ event: string }> };
    expect(log.items[0]?.event).toBe("webhook.test");
  });
});
