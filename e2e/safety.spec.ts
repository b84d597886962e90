import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { adminApi, createUser, flatcarReleaseFixture, sendReport, uniqueMachineId, uniqueName } from "./support";

test("pinning an approval-required group waits for approval, and the approver sees its blast radius", async ({ browser, request }) => {
  const operator = await createUser("operator");
  const approver = await createUser("approver");
  const channel = uniqueName("safe-ch");
  const group = uniqueName("four-eyes");
  const version = `3975.${String(Date.now() % 100000)}.7`;

  // Arrange: a release in the catalog, an approval-required group with three hosts on it.
  const api = await adminApi();
  expect((await api.post("/api/v1/channels", { data: { id: channel, osFamily: "flatcar" } })).status()).toBe(201);
  expect((await api.post("/api/v1/releases/import", { data: { releases: [flatcarReleaseFixture(channel, version)] } })).status()).toBe(201);
  expect((await api.post("/api/v1/groups", { data: { id: group, channelId: channel } })).status()).toBe(201);
  expect((await api.patch(`/api/v1/groups/${group}`, { data: { requiresApproval: true, approvalsRequired: 1 } })).status()).toBe(200);
  await api.dispose();
  for (let i = 0; i < 3; i++) await sendReport(request, { machineId: uniqueMachineId(), hostname: uniqueName("safe-host"), version, group });

  // The operator pins the group: the form previews it, and the pin waits for a second person.
  const opPage = await (await browser.newContext()).newPage();
  await new LoginPage(opPage).signIn(operator.email, operator.password);
  await opPage.goto("/pins");
  const form = opPage.getByRole("form", { name: "New pin" });
  await form.getByLabel("Scope").selectOption("group");
  await form.getByLabel("Group or machine id").fill(group);
  await form.getByLabel("Pin to version").fill(version);
  await form.getByLabel("Reason").fill("hold for the NIC fix");
  await expect(form.getByRole("region", { name: "Preview" })).toContainText("3 hosts in scope");
  await form.getByRole("button", { name: "Pin" }).click();
  await expect(form.getByRole("status")).toContainText(`Waits for 1 approval: it reaches ${group}.`);

  // The approver sees the preview bound to the request, then approves.
  const apPage = await (await browser.newContext()).newPage();
  await new LoginPage(apPage).signIn(approver.email, approver.password);
  await apPage.goto("/approvals");
  const card = apPage.getByRole("listitem", { name: `Approval request pin.set:group:${group}` }).filter({ hasText: "pending" });
  const radius = card.getByRole("region", { name: "Blast radius once approved" });
  await expect(radius).toContainText("3 hosts in scope");
  await expect(radius.getByRole("row").filter({ hasText: "held: pinned" })).toContainText("3");
  await card.getByLabel("Comment").fill("three hosts, as expected");
  await card.getByRole("button", { name: "Approve" }).click();
  await expect(apPage.getByRole("listitem", { name: `Approval request pin.set:group:${group}` }).first()).toContainText("approved");
  await opPage.goto("/pins");
  await expect(opPage.getByRole("row").filter({ hasText: group })).toContainText(version);
});
