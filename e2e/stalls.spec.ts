import { expect, test, type APIRequestContext } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { PinsPage } from "./pages/pins-page";
import { RolloutPage } from "./pages/rollout-page";
import { adminApi, BASE_URL, createUser, flatcarReleaseFixture, uniqueMachineId, uniqueName } from "./support";
import { E2E_ENROLLMENT_TOKEN } from "../playwright.config";

// Issue 19: every stall says why. The viewer sits in a zone far from UTC (with a half-hour
// offset), so a time shown in UTC, or in the server's zone, cannot pass for the viewer's.
test.use({ timezoneId: "Asia/Kolkata", locale: "en-US" });
const VIEWER_ZONE = /GMT\+5:30/;

async function report(api: APIRequestContext, machineId: string, group: string, version: string): Promise<{ type: string; reason?: string }> {
  const res = await api.post(`${BASE_URL}/v1/agent/report`, {
    headers: { authorization: `Bearer ${E2E_ENROLLMENT_TOKEN}` },
    data: { machineId, hostname: `stall-${machineId.slice(0, 6)}`, os: { family: "flatcar", version, arch: "amd64" }, slot: "A", state: "idle", group },
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { directive: { type: string; reason?: string } }).directive;
}

/** A channel on `older` with a group of hosts reporting it, then targeted at `newer`: a live rollout. */
async function liveRollout(request: APIRequestContext, patch: string, hostCount: number, phases?: unknown[]) {
  const channel = uniqueName("stall-ch");
  const group = uniqueName("stall-grp");
  const suffix = String(Date.now() % 100000);
  const [older, newer] = [`3975.${suffix}.${patch}`, `4081.${suffix}.${patch}`];
  const api = await adminApi();
  expect((await api.post("/api/v1/channels", { data: { id: channel, osFamily: "flatcar" } })).status()).toBe(201);
  const imported = (await (await api.post("/api/v1/releases/import", { data: { releases: [older, newer].map((v) => flatcarReleaseFixture(channel, v)) } })).json()) as { items: Array<{ id: string; version: string }> };
  const idOf = (v: string) => imported.items.find((i) => i.version === v)!.id;
  await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: idOf(older) } });
  expect((await api.post("/api/v1/groups", { data: { id: group, channelId: channel } })).status()).toBe(201);
  if (phases) {
    const policy = { maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: null, requiresApproval: false, approvalsRequired: 1, phases };
    expect((await api.patch(`/api/v1/groups/${group}`, { data: { policy } })).status()).toBe(200);
  }
  const hosts = Array.from({ length: hostCount }, () => uniqueMachineId());
  for (const h of hosts) await report(request, h, group, older);
  expect((await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: idOf(newer), reason: "monthly update" } })).status()).toBe(200);
  await api.dispose();
  return { channel, group, older, newer, hosts };
}

test("recalling a release ends its live rollout with the recall's reason, on the page and in its timeline", async ({ page, request }) => {
  const { group, older, newer, hosts } = await liveRollout(request, "1", 2);
  const operator = await createUser("operator");
  await new LoginPage(page).signIn(operator.email, operator.password);
  const rollout = new RolloutPage(page);
  await rollout.open(group, newer);
  await expect(rollout.summary).toContainText("running");

  // Recall from the release catalog, with a reason.
  await page.goto("/releases");
  const row = page.getByRole("row").filter({ hasText: newer });
  await row.getByRole("button", { name: "Recall" }).click();
  await row.getByLabel(`Recall reason for ${newer}`).fill("corrupts /var on first boot");
  await row.getByRole("button", { name: `Recall ${newer}` }).click();
  await expect(page.getByRole("row").filter({ hasText: newer })).toContainText("recalled: corrupts /var on first boot");

  // The rollout ended with the recall's reason; its timeline says so, in the viewer's zone.
  await rollout.open(group, newer);
  await expect(rollout.summary).toContainText("aborted");
  await expect(rollout.summary.getByRole("status")).toHaveText(`Ended by ${operator.email} (recall of ${newer}): corrupts /var on first boot`);
  await expect(rollout.timeline).toContainText(`ended: ${newer} was recalled: corrupts /var on first boot`);
  await rollout.expectViewerZoneWithUtcOnHover(rollout.timeline, VIEWER_ZONE);
  await expect(rollout.summary).not.toContainText("ETA");
  // And the hosts are not offered the recalled release.
  expect((await report(request, hosts[0]!, group, older)).type).toBe("none");
});

test("pinning a group mid-rollout: the rollout names the pin, the hosts it holds and who set it, and why there is no ETA", async ({ page, request }) => {
  const { group, older, newer } = await liveRollout(request, "2", 3, [
    { name: "canary", target: { hosts: 1 }, bakeMinutes: 0, failureThreshold: null },
    { name: "everyone", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null },
  ]);
  const operator = await createUser("operator");
  await new LoginPage(page).signIn(operator.email, operator.password);
  const rollout = new RolloutPage(page);
  await rollout.open(group, newer);
  await expect(rollout.summary).toContainText("phase 1 of 2 (canary)");
  await expect(rollout.blockers).toHaveCount(0);

  // The pin form answers with whom the pin reaches.
  const pins = new PinsPage(page);
  await pins.goto();
  await pins.pinGroup(group, older, "storage driver regression");
  await expect(pins.form.getByRole("status")).toContainText(`Pinned to ${older}.Reaches 3 hosts · flatcar: 3 (0 will move).`);
  // A pin to a group nobody defined and no host asks for is refused.
  await pins.pinGroup(uniqueName("typo-grp"), older, "typo");
  await expect(pins.form).toContainText("exists and no host asks for it");

  await rollout.open(group, newer);
  const pin = rollout.blocker("Pin");
  await expect(pin).toContainText(`Group ${group} is pinned to ${older}: storage driver regression.`);
  await expect(pin).toContainText("Holds 3 hosts");
  await expect(pin).toContainText(`set by ${operator.email}`);
  await expect(rollout.summary).toContainText(`ETA: cannot be estimated: Group ${group} is pinned to ${older}`);
  // The rollout list keeps its columns apart, and its times follow the same convention.
  await page.goto("/rollouts");
  const listRow = page.getByRole("row").filter({ hasText: `${group} → ${newer}` });
  const cells = listRow.getByRole("cell");
  await expect(cells.nth(4)).toHaveText("0");
  await expect(cells.nth(5)).toContainText(/ago by /);
  await rollout.expectViewerZoneWithUtcOnHover(listRow, VIEWER_ZONE);
});
