import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { LoginPage } from "./pages/login-page";
import { adminApi, BASE_URL, createUser, uniqueName } from "./support";

test("a viewer cannot reach admin pages and gets 403 on mutations", async ({ page }) => {
  const viewer = await createUser("viewer");
  await new LoginPage(page).signIn(viewer.email, viewer.password);
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);

  for (const path of ["/admin/users", "/admin/tokens"]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "403 — not allowed" })).toBeVisible();
  }

  // Every mutation the operator API documents answers 403 to a viewer's session.
  const doc = (await (await page.request.get("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
  // Sign-in and setup are open; validation and the blast-radius preview are POSTs that change
  // nothing (any reader may use them).
  const open = new Set(["/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/setup", "/api/v1/ignition/validate", "/api/v1/preview"]);
  let checked = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith("/api/v1/") || open.has(path)) continue;
    for (const method of Object.keys(methods).filter((m) => m !== "get")) {
      const url = path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
      const res = await page.request.fetch(url, { method: method.toUpperCase(), data: {} });
      expect(res.status(), `${method.toUpperCase()} ${path}`).toBe(403);
      checked++;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(12);
});

test("an admin creates a user in the UI, and the change is in the audit log", async ({ page }) => {
  const email = `${uniqueName("new")}@e2e.test`;
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Users" }).click();
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Name").fill("New Operator");
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Initial password").fill("new-operator-password");
  await form.getByLabel("Role").selectOption("operator");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("region", { name: "Users" }).getByText(email)).toBeVisible();

  await page.getByRole("link", { name: "Audit log" }).click();
  const row = page.getByRole("row").filter({ hasText: "user.create" }).filter({ hasText: email });
  await expect(row).toBeVisible();
  await expect(row).toContainText(E2E_ADMIN.email);
  await expect(page.getByText(/chain verified/)).toBeVisible();
});

test("an enrollment token created in the UI lets an agent report", async ({ page, request }) => {
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Tokens" }).click();
  const name = uniqueName("site");
  const section = page.getByRole("region", { name: "Enrollment tokens" });
  await section.getByLabel("New enrollment token name").fill(name);
  await section.getByRole("button", { name: "Create" }).click();
  const token = (await section.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^fle_/);
  const body = { machineId: "ab".repeat(16), os: { family: "fcos", version: "40.20240416.3.1", arch: "x86_64" }, state: "idle" };
  const ok = await request.post("/v1/agent/report", { headers: { authorization: `Bearer ${token}` }, data: body });
  expect(ok.status()).toBe(200);
  await section.getByRole("row").filter({ hasText: name }).getByRole("button", { name: "Revoke" }).click();
  await expect(section.getByRole("row").filter({ hasText: name })).toContainText("revoked");
});

test("signed-out visitors are sent to sign-in and the operator API answers 401", async ({ page, request }) => {
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/login/);
  expect((await request.get("/api/v1/hosts")).status()).toBe(401);
  const api = await adminApi();
  expect((await api.get("/api/v1/hosts")).status()).toBe(200);
  // A path no route serves gets the API's JSON error, not Next's HTML page.
  for (const res of [await api.get("/api/v1/no-such-route"), await api.post("/api/v1/hosts/x/no/such/thing", { data: {} })]) {
    expect(res.status()).toBe(404);
    expect(res.headers()["content-type"]).toContain("application/json");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  }
  await api.dispose();
});

test("automation uses an API token on the operator API until it is revoked", async ({ playwright }) => {
  const api = await adminApi();
  const me = (await (await api.get("/api/v1/me")).json()) as { id: string };
  const created = await api.post("/api/v1/api-tokens", { data: { name: uniqueName("ci"), userId: me.id, expiresInDays: 1 } });
  expect(created.status()).toBe(201);
  const { id, token } = (await created.json()) as { id: string; token: string };
  const robot = await playwright.request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await robot.get("/api/v1/hosts?limit=1")).status()).toBe(200);
  expect((await robot.get("/api/v1/me")).ok()).toBe(true);
  expect((await api.delete(`/api/v1/api-tokens/${id}`)).status()).toBe(200);
  expect((await robot.get("/api/v1/hosts?limit=1")).status()).toBe(401);
  await robot.dispose();
  await api.dispose();
});

test("sign-in is throttled after five failures for that e-mail", async ({ playwright }) => {
  const user = await createUser("viewer");
  const api = await playwright.request.newContext({ baseURL: BASE_URL });
  for (let i = 0; i < 4; i++) expect((await api.post("/api/v1/auth/login", { data: { email: user.email, password: "wrong-password" } })).status()).toBe(401);
  const fifth = await api.post("/api/v1/auth/login", { data: { email: user.email, password: "wrong-password" } });
  expect(fifth.status()).toBe(429);
  expect(Number(fifth.headers()["retry-after"])).toBeGreaterThan(800);
  // Locked even with the right password, until the lock runs out.
  expect((await api.post("/api/v1/auth/login", { data: { email: user.email, password: user.password } })).status()).toBe(429);
  await api.dispose();
});

test("an SRE filters the audit log and exports it as CSV", async ({ page }) => {
  const email = `${uniqueName("exp")}@e2e.test`;
  const api = await adminApi();
  await api.post("/api/v1/users", { data: { email, name: "Exported", password: "exported-password-1", role: "viewer" } });
  await api.dispose();
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Audit log" }).click();
  const filters = page.getByRole("search", { name: "Filter audit log" });
  await filters.getByLabel("Action").fill("user.create");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const fs = await import("node:fs");
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  expect(lines[0]).toBe("id,at,actorEmail,actorRole,via,action,targetType,targetId,before,after,reason,clientAddr,prevHash,hash");
  expect(lines.slice(1).every((l) => l.includes(",user.create,"))).toBe(true);
  expect(lines.some((l) => l.includes(email))).toBe(true);
});
