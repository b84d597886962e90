import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { HostsPage } from "./pages/hosts-page";
import { LoginPage } from "./pages/login-page";
import { sendReport, uniqueMachineId, uniqueName } from "./support";

test("an operator sees a reporting host appear live, filters, opens it, reads its history and signs out", async ({ page, request }) => {
  const group = uniqueName("edge");
  const hostname = uniqueName("edge-berlin");
  const other = uniqueName("edge-munich");
  const machineId = uniqueMachineId();

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  const hosts = new HostsPage(page);
  await hosts.goto(`?group=${group}`);
  await expect(page.getByText("No hosts match these filters.")).toBeVisible();

  // The agent reports while the page is open: the host shows up without a reload.
  await sendReport(request, { machineId, hostname, version: "3975.2.2", group, labels: { site: "berlin" } });
  await sendReport(request, { machineId: uniqueMachineId(), hostname: other, version: "4081.2.0", group, labels: { site: "munich" } });
  await expect(hosts.row(hostname)).toBeVisible({ timeout: 5_000 });
  await expect(hosts.row(other)).toBeVisible({ timeout: 5_000 });

  // Filter by label, then by version.
  await hosts.filter({ Label: "site=berlin" });
  await expect(hosts.row(hostname)).toBeVisible();
  await expect(hosts.row(other)).toHaveCount(0);
  await expect(page).toHaveURL(/label=site%3Dberlin/);
  await hosts.filter({ Label: "", Version: "4081.2.0" });
  await expect(hosts.row(other)).toBeVisible();
  await expect(hosts.row(hostname)).toHaveCount(0);
  await hosts.filter({ Version: "", Search: hostname });
  await expect(hosts.row(hostname)).toBeVisible();

  await hosts.open(hostname);
  await expect(page.getByText("3975.2.2").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "site=berlin" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Health checks" }).getByText("kubelet")).toBeVisible();
  const history = page.getByRole("region", { name: "Update history" });
  await expect(history.getByTestId("history-entry")).toHaveCount(1);

  // The host updates and reboots into the new version: the history grows live.
  await sendReport(request, { machineId, hostname, version: "3975.2.2", group, state: "downloading" });
  await sendReport(request, { machineId, hostname, version: "4081.2.0", group, previousVersion: "3975.2.2" });
  await expect(history.getByTestId("history-entry")).toHaveCount(3, { timeout: 5_000 });
  await expect(history.getByText("version 3975.2.2 → 4081.2.0")).toBeVisible();
  await expect(history.getByText("state idle → downloading")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/login/);
});

test("the overview counts hosts by version, state and group", async ({ page, request }) => {
  const group = uniqueName("overview");
  const failing = uniqueName("failing");
  await sendReport(request, { machineId: uniqueMachineId(), hostname: failing, version: "4081.2.0", group, state: "error", error: { code: "34", message: "OmahaResponseInvalid" } });
  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page.getByRole("heading", { name: "Fleet overview" })).toBeVisible();
  await expect(page.getByRole("region", { name: "By group" }).getByRole("link", { name: group })).toBeVisible();
  await expect(page.getByRole("region", { name: "Hosts in error" }).getByRole("link", { name: failing })).toBeVisible();
  await page.getByRole("region", { name: "By group" }).getByRole("link", { name: group }).click();
  await expect(page).toHaveURL(new RegExp(`group=${group}`));
  await expect(page.getByRole("link", { name: failing, exact: true })).toBeVisible();
});
