import { expect, test, type APIRequestContext } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { adminApi, BASE_URL, createUser, flatcarReleaseFixture, uniqueMachineId, uniqueName } from "./support";
import { E2E_ENROLLMENT_TOKEN } from "../playwright.config";

/** A native agent's report; answers the directive Flotilla gave. */
async function report(api: APIRequestContext, machineId: string, group: string, version: string): Promise<{ type: string; version?: string }> {
  const res = await api.post(`${BASE_URL}/v1/agent/report`, {
    headers: { authorization: `Bearer ${E2E_ENROLLMENT_TOKEN}` },
    data: { machineId, hostname: `edge-${machineId.slice(0, 6)}`, os: { family: "flatcar", version, arch: "amd64" }, slot: "A", state: "idle", group },
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { directive: { type: string; version?: string } }).directive;
}

test("a rollout to an approval-required group waits for a second person, then moves through its phases as hosts update", async ({ browser, request }) => {
  const operator = await createUser("operator");
  const approver = await createUser("approver");
  const channel = uniqueName("edge-ch");
  const group = uniqueName("berlin-edge");
  const suffix = String(Date.now() % 100000);
  const [older, newer] = [`3975.${suffix}.9`, `4081.${suffix}.9`];

  // Arrange: a channel on the older release, a four-eyes group with a one-host canary phase.
  const api = await adminApi();
  expect((await api.post("/api/v1/channels", { data: { id: channel, osFamily: "flatcar" } })).status()).toBe(201);
  const imported = (await (await api.post("/api/v1/releases/import", { data: { releases: [older, newer].map((v) => flatcarReleaseFixture(channel, v)) } })).json()) as { items: Array<{ id: string; version: string }> };
  const idOf = (v: string) => imported.items.find((i) => i.version === v)!.id;
  expect((await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: idOf(older) } })).status()).toBe(200);
  expect((await api.post("/api/v1/groups", { data: { id: group, channelId: channel } })).status()).toBe(201);
  const policy = {
    maxConcurrentUpdates: null,
    maxUpdatesPerPeriod: null,
    updateTimeoutMinutes: 60,
    maintenanceWindows: null,
    requiresApproval: true,
    approvalsRequired: 1,
    phases: [
      { name: "canary", target: { hosts: 1 }, bakeMinutes: 0, failureThreshold: { maxFailureRate: 0.5, minSample: 1, action: "pause" } },
      { name: "everyone", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null },
    ],
  };
  expect((await api.patch(`/api/v1/groups/${group}`, { data: { policy } })).status()).toBe(200);
  const hosts = [uniqueMachineId(), uniqueMachineId(), uniqueMachineId()];
  for (const h of hosts) expect((await report(request, h, group, older)).type).toBe("none");
  expect((await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: idOf(newer), reason: "quarterly update" } })).status()).toBe(200);
  await api.dispose();

  // The operator starts the rollout by hand; it waits for approval and the hosts are held.
  const opPage = await (await browser.newContext()).newPage();
  await new LoginPage(opPage).signIn(operator.email, operator.password);
  await opPage.getByRole("link", { name: "Rollouts" }).click();
  const form = opPage.getByRole("form", { name: "New rollout" });
  await form.getByLabel("Group").selectOption(group);
  await form.getByLabel("Reason").fill("kernel CVE fix");
  await form.getByRole("button", { name: "Start rollout to the channel target" }).click();
  await expect(opPage.getByRole("heading", { level: 1, name: `Rollout of ${newer} to ${group}` })).toBeVisible();
  await expect(opPage.getByRole("region", { name: "Rollout summary" })).toContainText("awaiting approval");
  expect(await report(request, hosts[0]!, group, older)).toMatchObject({ type: "none", reason: `The rollout to ${newer} is waiting for approval (0 of 1).` });

  // The requester cannot approve it, in the UI or through the API.
  await opPage.getByRole("link", { name: "Approvals" }).first().click();
  const card = opPage.getByRole("listitem", { name: /Approval request/ }).filter({ hasText: `Rollout of ${newer} to group ${group}` }).filter({ hasText: "pending" });
  await expect(card).toContainText("You requested this change");
  await expect(card.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const pending = (await (await opPage.request.get("/api/v1/approvals?status=pending")).json()) as { items: Array<{ id: string; subjectType: string; plan: { groupId?: string } }> };
  const requestId = pending.items.find((i) => i.subjectType === "rollout" && i.plan.groupId === group)!.id;
  expect((await opPage.request.post(`/api/v1/approvals/${requestId}/approve`, { data: { comment: "self" } })).status()).toBe(403);

  // A second person approves; the rollout runs its canary phase: exactly one host is offered.
  const apPage = await (await browser.newContext()).newPage();
  await new LoginPage(apPage).signIn(approver.email, approver.password);
  await apPage.goto("/approvals");
  const toApprove = apPage.getByRole("listitem", { name: /Approval request/ }).filter({ hasText: `Rollout of ${newer} to group ${group}` }).filter({ hasText: "pending" });
  await toApprove.getByLabel("Comment").fill("release notes checked");
  await toApprove.getByRole("button", { name: "Approve" }).click();
  await expect(toApprove).toHaveCount(0);
  await apPage.goto("/rollouts");
  await apPage.getByRole("link", { name: `${group} → ${newer}` }).first().click();
  const summary = apPage.getByRole("region", { name: "Rollout summary" });
  await expect(summary).toContainText("running");
  await expect(summary).toContainText("phase 1 of 2 (canary)");
  await expect(summary).toContainText(`Approved by ${approver.email}`);

  const directives = await Promise.all(hosts.map((h) => report(request, h, group, older)));
  const canary = hosts.filter((_, i) => directives[i]!.type === "update");
  expect(canary).toHaveLength(1);
  await expect(apPage.getByLabel("Offered hosts")).toHaveText("1");

  // The canary updates; the engine advances to everyone; the rest update; the rollout completes.
  await report(request, canary[0]!, group, newer);
  await expect(apPage.getByLabel("Updated hosts")).toHaveText("1");
  await expect(summary).toContainText("phase 2 of 2 (everyone)");
  for (const h of hosts.filter((x) => x !== canary[0])) expect((await report(request, h, group, older)).type).toBe("update");
  for (const h of hosts.filter((x) => x !== canary[0])) await report(request, h, group, newer);
  await expect(apPage.getByLabel("Updated hosts")).toHaveText("3");
  await expect(summary).toContainText("completed");
  const timeline = apPage.getByRole("region", { name: "Rollout timeline" });
  for (const text of ["approval requested", "approved", "started on 3 hosts", "advanced to phase everyone", "completed"]) await expect(timeline).toContainText(text);
});

test("an operator pauses a running rollout with a reason; its hosts are held saying so; resume lets them through", async ({ page, request }) => {
  const channel = uniqueName("ops-ch");
  const group = uniqueName("ops-grp");
  const suffix = String(Date.now() % 100000);
  const [older, newer] = [`3975.${suffix}.8`, `4081.${suffix}.8`];
  const api = await adminApi();
  await api.post("/api/v1/channels", { data: { id: channel, osFamily: "flatcar" } });
  const imported = (await (await api.post("/api/v1/releases/import", { data: { releases: [older, newer].map((v) => flatcarReleaseFixture(channel, v)) } })).json()) as { items: Array<{ id: string; version: string }> };
  await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: imported.items.find((i) => i.version === older)!.id } });
  await api.post("/api/v1/groups", { data: { id: group, channelId: channel } });
  const host = uniqueMachineId();
  await report(request, host, group, older);
  await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: imported.items.find((i) => i.version === newer)!.id, reason: "roll" } });
  await api.dispose();

  const operator = await createUser("operator");
  await new LoginPage(page).signIn(operator.email, operator.password);
  await page.goto("/rollouts");
  await page.getByRole("link", { name: `${group} → ${newer}` }).click();
  await expect(page.getByRole("region", { name: "Rollout summary" })).toContainText("running");
  const actions = page.getByRole("region", { name: "Rollout actions" });
  await actions.getByLabel("Reason").fill("waiting for the storage team");
  await actions.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByRole("status")).toHaveText(`Paused by ${operator.email}: waiting for the storage team`);
  expect(await report(request, host, group, older)).toMatchObject({ type: "none", reason: `The rollout to ${newer} was paused by ${operator.email}: waiting for the storage team.` });
  await page.goto(`/hosts/${host}`);
  await expect(page.getByText(`The rollout to ${newer} was paused by ${operator.email}: waiting for the storage team.`)).toBeVisible();
  await page.goBack();
  await actions.getByLabel("Reason").fill("storage is fine");
  await actions.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("region", { name: "Rollout summary" })).toContainText("running");
  expect((await report(request, host, group, older)).type).toBe("update");
});
