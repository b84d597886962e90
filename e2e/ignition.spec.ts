import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { IgnitionConfigPage } from "./pages/ignition-config-page";
import { LoginPage } from "./pages/login-page";
import { adminApi, BASE_URL, sendReport, uniqueMachineId, uniqueName } from "./support";

const run = promisify(execFile);
const IGNITION = process.env.IGNITION_BIN ?? "/usr/lib/dracut/modules.d/30ignition/ignition";

/** Runs the real Ignition fetch stage (unprivileged, platform "file") on a base config. */
async function ignitionFetch(base: object): Promise<{ ok: boolean; merged: string; log: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-ign-"));
  fs.mkdirSync(path.join(dir, "run"));
  fs.writeFileSync(path.join(dir, "base.ign"), JSON.stringify(base));
  try {
    const r = await run(IGNITION, ["-platform", "file", "-stage", "fetch", "-log-to-stdout", "-config-cache", "./run/ignition.json", "-state-file", "./run/state", "-neednet", "./run/neednet"], {
      cwd: dir,
      env: { ...process.env, IGNITION_CONFIG_FILE: "base.ign" },
      timeout: 60_000,
    });
    return { ok: true, merged: fs.readFileSync(path.join(dir, "run", "ignition.json"), "utf8"), log: r.stdout };
  } catch (err) {
    return { ok: false, merged: "", log: String((err as { stdout?: string }).stdout ?? err) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the real Ignition fetches a published config through a verified merge URL, and the fetch shows on the host page", async ({ page, request }) => {
  const name = uniqueName("edge-worker");
  const machineId = uniqueMachineId();
  const hostname = uniqueName("ign-host");
  const api = await adminApi();
  const source = JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAAC3Nza e2e@example"] }] } }, null, 2);
  expect((await api.post("/api/v1/ignition/configs", { data: { id: name, format: "ignition", source, message: "first" } })).status()).toBe(201);
  expect((await api.post(`/api/v1/ignition/configs/${name}/publish`, { data: { version: 1 } })).status()).toBe(200);
  const detail = (await (await api.get(`/api/v1/ignition/configs/${name}`)).json()) as { versions: Array<{ version: number; sha512: string }> };
  const sha512 = detail.versions[0]!.sha512;
  await api.dispose();
  await sendReport(request, { machineId, hostname, version: "4081.2.0" });

  const source1 = `${BASE_URL.replace("localhost", "127.0.0.1")}/ignition/configs/${name}/1.ign?uuid=${machineId}`;
  const good = await ignitionFetch({ ignition: { version: "3.3.0", config: { merge: [{ source: source1, verification: { hash: `sha512-${sha512}` } }] } } });
  expect(good.ok, good.log).toBe(true);
  expect(good.merged).toContain("e2e@example");

  const bad = await ignitionFetch({ ignition: { version: "3.3.0", config: { merge: [{ source: source1, verification: { hash: `sha512-${"0".repeat(128)}` } }] } } });
  expect(bad.ok).toBe(false);
  expect(bad.log).toContain("hash verification failed");

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/hosts/${machineId}`);
  const fetches = page.getByRole("region", { name: "Ignition fetches" });
  await expect(fetches.getByRole("link", { name: `${name} v1` }).first()).toBeVisible();
  await expect(fetches).toContainText(`sha512-${sha512.slice(0, 16)}`);
});

test("a templated config holding a secret: the editor warns, an assignment gives the values, and the real Ignition boots from the URL and hash the page shows", async ({ page }) => {
  const name = uniqueName("per-host");
  const api = await adminApi();
  const source = JSON.stringify(
    {
      ignition: { version: "3.3.0" },
      passwd: { users: [{ name: "core", passwordHash: "$6$e2e$hash" }] },
      storage: { files: [{ path: "/etc/hostname", mode: 420, overwrite: true, contents: { source: "data:,{{hostname}}" } }] },
    },
    null,
    2,
  );
  expect((await api.post("/api/v1/ignition/configs", { data: { id: name, format: "ignition", source, message: "first" } })).status()).toBe(201);
  expect((await api.post(`/api/v1/ignition/configs/${name}/publish`, { data: { version: 1 } })).status()).toBe(200);
  await api.dispose();

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  const config = new IgnitionConfigPage(page);
  await config.goto(name);
  await expect(config.note("Holds secrets")).toContainText("password hash");
  await expect(config.note("Uses variables")).toContainText("{{hostname}}");
  // No name+version URL is offered for it: that URL is guessable and the bytes differ per host.
  await expect(page.getByTestId("version-1")).toContainText("holds secrets (password hash): served only through assignment URLs");

  // A missing value is refused when assigning, not discovered by a booting host.
  await config.assign({ name: `${name}-a`, selectors: "mac=52-54-00-E2-E0-01" });
  await expect(config.assignments.getByRole("alert")).toContainText("hostname");
  await config.assign({ name: `${name}-a`, selectors: "mac=52-54-00-E2-E0-01", variables: "hostname=edge-e2e-01" });
  await expect(config.assignments).toContainText("mac=52:54:00:e2:e0:01");
  const shown = await config.served(`${name}-a`);
  expect(shown.hash).toMatch(/^sha512-[0-9a-f]{128}$/);

  const source1 = shown.mergeUrl.replace("localhost", "127.0.0.1");
  const good = await ignitionFetch({ ignition: { version: "3.3.0", config: { merge: [{ source: source1, verification: { hash: shown.hash } }] } } });
  expect(good.ok, good.log).toBe(true);
  expect(good.merged).toContain("data:,edge-e2e-01");
  const boot = await fetch(shown.bootUrl.replace("localhost", "127.0.0.1"));
  expect(boot.status).toBe(200);
  // Guessing the name and version gets nothing.
  expect((await fetch(`${BASE_URL.replace("localhost", "127.0.0.1")}/ignition/configs/${name}/1.ign`)).status).toBe(404);
});

test("an operator edits a config: the error is marked at its line, fixing it saves a version with a diff, and restore brings the old one back", async ({ page }) => {
  const name = uniqueName("editor");
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Ignition" }).click();
  const form = page.getByRole("form", { name: "New config" });
  await form.getByLabel("Config name").fill(name);
  await form.getByRole("button", { name: "Create config" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("Valid Ignition 3.3.0.")).toBeVisible();

  const editor = page.getByRole("textbox", { name: "config source" });
  const replace = async (text: string) => {
    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText(text);
  };
  // A relative file path on line 6: the validator marks that line.
  await replace('{\n  "ignition": { "version": "3.3.0" },\n  "storage": {\n    "files": [\n      {\n        "path": "etc/motd",\n        "contents": { "source": "data:,hello" }\n      }\n    ]\n  }\n}\n');
  const problems = page.getByRole("region", { name: "Problems" });
  await expect(problems).toContainText("error at $.storage.files.0.path, line 6");
  await expect(page.locator(".cm-lintRange-error")).toHaveCount(1);
  await expect(page.locator(".cm-line").nth(5).locator(".cm-lintRange-error")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save version" })).toBeDisabled();

  await replace('{\n  "ignition": { "version": "3.3.0" },\n  "storage": {\n    "files": [\n      {\n        "path": "/etc/motd",\n        "contents": { "source": "data:,hello" }\n      }\n    ]\n  }\n}\n');
  await expect(page.getByText("Valid Ignition 3.3.0.")).toBeVisible();
  await page.getByLabel("Change message").fill("add a motd");
  await page.getByRole("button", { name: "Save version" }).click();
  const diff = page.getByRole("region", { name: "Diff v1 to v2" });
  await expect(diff).toContainText('+        "path": "/etc/motd",');

  await page.getByTestId("version-1").getByRole("button", { name: "Restore" }).click();
  await expect(page.getByTestId("version-3")).toContainText("restored from v1");
  await page.getByTestId("version-3").getByRole("button", { name: "v3" }).click();
  await expect(page.getByTestId("translated")).not.toContainText("/etc/motd");

  // Butane: typed YAML shows its Ignition translation beside it.
  await page.getByLabel("Written as").selectOption("butane");
  await replace("variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/motd\n      mode: 0644\n      contents:\n        inline: hello from butane\n");
  await expect(page.getByTestId("translated")).toContainText('"version": "3.3.0"');
  await expect(page.getByTestId("translated")).toContainText('"mode": 420');
  await expect(page.getByTestId("translated")).toContainText("data:,hello%20from%20butane");
});

test("publishing a config for an approval-required group waits for a second person, then goes live", async ({ browser }) => {
  const { createUser } = await import("./support");
  const operator = await createUser("operator");
  const approver = await createUser("approver");
  const name = uniqueName("berlin-edge");
  const group = uniqueName("edge-grp");
  const api = await adminApi();
  expect((await api.post("/api/v1/groups", { data: { id: group } })).status()).toBe(201);
  expect((await api.patch(`/api/v1/groups/${group}`, { data: { requiresApproval: true, approvalsRequired: 1 } })).status()).toBe(200);
  await api.dispose();

  // The operator writes the config, assigns it to the group and asks to publish it.
  const opPage = await (await browser.newContext()).newPage();
  await new LoginPage(opPage).signIn(operator.email, operator.password);
  await opPage.goto("/configs");
  const form = opPage.getByRole("form", { name: "New config" });
  await form.getByLabel("Config name").fill(name);
  await form.getByRole("button", { name: "Create config" }).click();
  await expect(opPage.getByRole("heading", { level: 1, name })).toBeVisible();
  const assign = opPage.getByRole("form", { name: "New assignment" });
  await assign.getByLabel("Assignment name").fill(`${name}-a`);
  await assign.getByLabel("Selectors (key=value, …)").fill(`group=${group}`);
  await assign.getByRole("button", { name: "Assign" }).click();
  await expect(opPage.getByRole("region", { name: "Assignments" })).toContainText(`group=${group}`);
  await opPage.getByTestId("version-1").getByRole("button", { name: "Publish" }).click();
  await expect(opPage.getByRole("status").filter({ hasText: "awaits 1 approval" })).toBeVisible();
  await expect(opPage.getByText("published: none")).toBeVisible();

  // The requester cannot approve their own request.
  await opPage.getByRole("link", { name: "Approvals" }).click();
  const mine = opPage.getByRole("listitem", { name: `Approval request ${name}` }).first();
  await expect(mine).toContainText("pending");
  await expect(mine.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const direct = await opPage.request.get("/api/v1/approvals?status=pending");
  const requestId = ((await direct.json()) as { items: Array<{ id: string; subjectId: string }> }).items.find((i) => i.subjectId === name)!.id;
  expect((await opPage.request.post(`/api/v1/approvals/${requestId}/approve`, { data: { comment: "self" } })).status()).toBe(403);

  // A second person approves with a comment; the version goes live.
  const apPage = await (await browser.newContext()).newPage();
  await new LoginPage(apPage).signIn(approver.email, approver.password);
  await apPage.getByRole("link", { name: "Approvals" }).click();
  const card = apPage.getByRole("listitem", { name: `Approval request ${name}` }).first();
  await expect(card).toContainText(`requested by ${operator.email}`);
  await card.getByLabel("Comment").fill("diff reviewed, fine for berlin");
  await card.getByRole("button", { name: "Approve" }).click();
  await expect(card).toContainText("approved");
  await expect(card).toContainText("diff reviewed, fine for berlin");
  await opPage.goto(`/configs/${name}`);
  await expect(opPage.getByText("published: v1")).toBeVisible();
});
