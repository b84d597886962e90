import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { LoginPage } from "./pages/login-page";
import { adminApi, uniqueName } from "./support";

test("an admin creates a webhook, pauses a channel, and sees the signed delivery in its log", async ({ page }) => {
  const bodies: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok from receiver");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    const name = uniqueName("oncall");
    await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
    await page.goto("/admin/webhooks");
    const form = page.getByRole("region", { name: "New webhook" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("URL").fill(url);
    await form.getByRole("checkbox", { name: "channel.paused" }).check();
    await form.getByRole("button", { name: "Create webhook" }).click();
    await expect(page.getByTestId("webhook-secret")).toHaveText(/^whsec_/);

    // A real change raises the event: pause a channel through the API.
    const api = await adminApi();
    const channel = uniqueName("wh");
    expect((await api.post("/api/v1/channels", { data: { id: channel, osFamily: "flatcar", description: "" } })).status()).toBe(201);
    expect((await api.post(`/api/v1/channels/${channel}/pause`, { data: { paused: true, reason: "webhook e2e" } })).ok()).toBe(true);

    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
    await card.getByRole("button", { name: "Deliveries" }).click();
    const log = card.getByRole("table", { name: `Deliveries of ${name}` });
    await expect(log.getByRole("row").filter({ hasText: "channel.paused" })).toContainText("delivered");
    const sent = bodies.find((b) => b.headers["flotilla-event"] === "channel.paused");
    expect(sent?.headers["flotilla-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(sent!.body)).toMatchObject({ type: "io.flotilla.channel.paused", subject: `channel/${channel}`, data: { reason: "webhook e2e" } });
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});
