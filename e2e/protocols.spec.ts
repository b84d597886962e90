import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { LoginPage } from "./pages/login-page";
import { flatcarChannelWithTarget, uniqueMachineId, uniqueName } from "./support";

const sha1 = Buffer.alloc(20, 7).toString("base64");
const sha256 = Buffer.alloc(32, 9).toString("base64");

function omahaCheck(machineId: string, version: string, track: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
  <os version="Chateau" platform="CoreOS" sp="${version}_x86_64"></os>
  <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="${track}" bootid="{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}" oem="ami" machineid="${machineId}" board="amd64-usr">
    <ping active="1"></ping><updatecheck></updatecheck><event eventtype="3" eventresult="2" previousversion=""></event>
  </app>
</request>`;
}

test("an operator imports releases, targets a channel, and pauses it; a Flatcar host follows", async ({ page, request }) => {
  const channel = uniqueName("flatcar");
  const machineId = uniqueMachineId();
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);

  // A channel, then releases imported from a JSON file.
  await page.getByRole("link", { name: "Groups & channels" }).click();
  const newChannel = page.getByRole("form", { name: "New channel" });
  await newChannel.getByLabel("Channel name").fill(channel);
  await newChannel.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByRole("listitem", { name: `Channel ${channel}` })).toBeVisible();

  await page.getByRole("link", { name: "Releases" }).click();
  const file = {
    releases: ["3975.2.2", "4081.2.0"].map((version) => ({
      osFamily: "flatcar",
      channelId: channel,
      version,
      arch: "amd64",
      payloadUrl: `https://update.example/amd64-usr/${version}/`,
      payloadName: "flatcar_production_update.gz",
      sizeBytes: 1000,
      sha1Base64: sha1,
      sha256Base64: sha256,
    })),
  };
  // Versions must be unique per family: make them unique to this test run.
  const suffix = String(Date.now() % 100000);
  for (const r of file.releases) r.version = `${r.version.split(".")[0]}.${suffix}.${r.version.split(".")[2]}`;
  await page.getByLabel(/Import a JSON file/).setInputFiles({ name: "releases.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
  await expect(page.getByText("Imported 2 releases.")).toBeVisible();
  const [oldVersion, newVersion] = file.releases.map((r) => r.version) as [string, string];

  // Target the newer release.
  await page.getByRole("link", { name: "Groups & channels" }).click();
  const card = page.getByRole("listitem", { name: `Channel ${channel}` });
  await card.getByLabel("Target release").selectOption({ label: newVersion });
  await card.getByRole("button", { name: "Set target" }).click();
  await expect(card).toContainText(`→ ${newVersion}`);

  // The host checks in on the old version and is offered the target.
  const offered = await request.post("/v1/update/", { headers: { "content-type": "text/xml" }, data: omahaCheck(machineId, oldVersion, channel) });
  expect(await offered.text()).toContain(`<manifest version="${newVersion}">`);
  await page.goto(`/hosts/${machineId}`);
  await expect(page.getByTestId("offered-version")).toHaveText(`offered ${newVersion}`);
  await expect(page.getByText("omaha").first()).toBeVisible();

  // Pausing the channel holds the host, and the host page says why.
  await page.getByRole("link", { name: "Groups & channels" }).click();
  await card.getByLabel("Reason").fill("kernel regression on AMD");
  await card.getByRole("button", { name: "Pause" }).click();
  await expect(card).toContainText("paused: kernel regression on AMD");
  await card.getByRole("button", { name: "History" }).click();
  const history = card.getByRole("list", { name: `History of ${channel}` });
  await expect(history).toContainText(`set_target → ${newVersion}`);
  await expect(history).toContainText(`pause · “kernel regression on AMD”`);
  const held = await request.post("/v1/update/", { headers: { "content-type": "text/xml" }, data: omahaCheck(machineId, oldVersion, channel) });
  expect(await held.text()).toContain('<updatecheck status="noupdate">');
  await page.goto(`/hosts/${machineId}`);
  await expect(page.getByTestId("hold-reason")).toHaveText(`held: channel ${channel} paused: kernel regression on AMD`);
});

test("an operator sees who holds a reboot slot and releases a stuck one", async ({ page, request }) => {
  const group = uniqueName("rack");
  const holder = uniqueMachineId();
  const res = await request.post("/v1/pre-reboot", { headers: { "fleet-lock-protocol": "true" }, data: { client_params: { id: holder, group } } });
  expect(res.status()).toBe(200);
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Reboot slots" }).click();
  const section = page.getByRole("region", { name: `Reboot group ${group}` });
  await expect(section).toContainText("1 of 1 slots held");
  await expect(section.getByRole("link", { name: holder })).toBeVisible();
  await section.getByRole("button", { name: "Release" }).click();
  await expect(section).toContainText("0 of 1 slots held");
  const again = await request.post("/v1/pre-reboot", { headers: { "fleet-lock-protocol": "true" }, data: { client_params: { id: uniqueMachineId(), group } } });
  expect(again.status()).toBe(200);
});

test("an operator pins a host from its page; the host is held at that version and the pin is listed", async ({ page, request }) => {
  const machineId = uniqueMachineId();
  const { channel, older: v1, newer: v2 } = await flatcarChannelWithTarget("pinch", "2");
  await request.post("/v1/update/", { headers: { "content-type": "text/xml" }, data: omahaCheck(machineId, v1, channel) });

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/hosts/${machineId}`);
  await expect(page.getByTestId("offered-version")).toHaveText(`offered ${v2}`);
  const form = page.getByRole("form", { name: "Pin this host" });
  await form.getByLabel("Pin to version").fill(v1);
  await form.getByLabel("Reason").fill("vendor NIC driver");
  await form.getByRole("button", { name: "Pin" }).click();
  await expect(form.getByText(`Pinned to ${v1}.`)).toBeVisible();

  const held = await request.post("/v1/update/", { headers: { "content-type": "text/xml" }, data: omahaCheck(machineId, v1, channel) });
  expect(await held.text()).toContain('<updatecheck status="noupdate">');
  await expect(page.getByTestId("hold-reason")).toHaveText(`held: host pinned to ${v1} by ${E2E_ADMIN.email}: vendor NIC driver`);

  await page.getByRole("link", { name: "Pins" }).click();
  const row = page.getByRole("row").filter({ hasText: machineId });
  await expect(row).toContainText(v1);
  await expect(row).toContainText("vendor NIC driver");
});

test("an operator rolls a host back and sees it return to the old version", async ({ page, request }) => {
  const machineId = uniqueMachineId();
  const { channel, older: v1, newer: v2 } = await flatcarChannelWithTarget("rbch", "3");

  // The host already runs the new version, updated from the old one.
  const check = (version: string, previous: string) =>
    request.post("/v1/update/", { headers: { "content-type": "text/xml" }, data: omahaCheck(machineId, version, channel).replace('previousversion=""', `previousversion="${previous}"`) });
  await check(v2, v1);
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/hosts/${machineId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const rb = page.getByRole("region", { name: "Rollback" });
  await rb.getByLabel("Rollback reason").fill("kernel panics on our NICs");
  await rb.getByRole("button", { name: `Roll back to ${v1}` }).click();
  await expect(rb.getByRole("status")).toContainText(`Rollback to ${v1} ordered.`);

  // update_engine is offered the older payload, installs it and reboots into it.
  expect(await (await check(v2, v1)).text()).toContain(`<manifest version="${v1}">`);
  await check(v1, v2);
  await expect(page.getByText(`flatcar ${v1}`)).toBeVisible();
  await expect(page.getByTestId("hold-reason")).toHaveText(`held: rolled back to ${v1} by ${E2E_ADMIN.email}: kernel panics on our NICs`);
  await expect(page.getByRole("region", { name: "Update history" })).toContainText(`version ${v2} → ${v1}`);
});

test("a group's rollout policy is checked field by field in the form and on the server", async ({ page }) => {
  const group = uniqueName("pol");
  const { adminApi } = await import("./support");
  const api = await adminApi();
  expect((await api.post("/api/v1/groups", { data: { id: group } })).status()).toBe(201);
  const bad = await api.patch(`/api/v1/groups/${group}`, { data: { policy: { maxConcurrentUpdates: 0, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: { timeZone: "Mars/Olympus", windows: [{ days: ["sat"], start: "02:00", durationMinutes: 120 }], blackoutDates: [] }, phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }], requiresApproval: false } } });
  expect(bad.status()).toBe(400);
  const fields = ((await bad.json()) as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
  expect(fields).toEqual(expect.arrayContaining(["policy.maxConcurrentUpdates", "policy.maintenanceWindows.timeZone"]));
  await api.dispose();

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("link", { name: "Groups & channels" }).click();
  const row = page.getByRole("row").filter({ hasText: group });
  await row.getByRole("button", { name: "Set policy" }).click();
  const editor = page.getByLabel(`Policy of ${group}`);
  const text = (await editor.inputValue()).replace('"maintenanceWindows": null', '"maintenanceWindows": { "timeZone": "Europe/Nowhere", "windows": [{ "days": ["sat"], "start": "02:00", "durationMinutes": 120 }], "blackoutDates": [] }');
  await editor.fill(text);
  await expect(row.getByText(/maintenanceWindows\.timeZone: unknown time zone/)).toBeVisible();
  await expect(row.getByRole("button", { name: "Save policy" })).toBeDisabled();
  await editor.fill(text.replace("Europe/Nowhere", "Europe/Berlin"));
  await row.getByRole("button", { name: "Save policy" }).click();
  await expect(row.getByRole("button", { name: "Edit policy" })).toBeVisible();
});

test("an operator pins every host a filter matches, after a preview", async ({ page, request }) => {
  const group = uniqueName("bulk");
  const { sendReport } = await import("./support");
  for (let i = 0; i < 3; i++) await sendReport(request, { machineId: uniqueMachineId(), hostname: `${group}-${i}`, version: "4081.2.0", group });
  const { older: version } = await flatcarChannelWithTarget("bulkch", "9");

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/hosts?group=${group}`);
  await page.getByRole("button", { name: "Pin matching hosts…" }).click();
  const panel = page.getByRole("region", { name: "Pin matching hosts" });
  await panel.getByLabel("Bulk pin version").fill(version);
  await panel.getByLabel("Bulk pin reason").fill("freeze for the audit");
  await panel.getByRole("button", { name: "Preview" }).click();
  await panel.getByRole("button", { name: "Pin 3 hosts" }).click();
  await expect(panel.getByRole("status")).toHaveText(`Pinned 3 hosts to ${version}.`);
  await page.getByRole("link", { name: "Pins" }).click();
  await expect(page.getByRole("row").filter({ hasText: "freeze for the audit" })).toHaveCount(3);
});
