import fs from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { HistoryPage } from "./pages/history-page";
import { LoginPage } from "./pages/login-page";
import { sendReport, uniqueMachineId, uniqueName } from "./support";

test("an SRE filters the fleet history, sees only changes, and exports the filtered view as CSV", async ({ page, request }) => {
  const group = uniqueName("audit-edge");
  const hostname = uniqueName("edge-node");
  const other = uniqueName("edge-other");
  const machineId = uniqueMachineId();

  // Enrol, check in again unchanged (not history), start downloading, update, and fail on another host.
  await sendReport(request, { machineId, hostname, version: "3975.2.2", group });
  await sendReport(request, { machineId, hostname, version: "3975.2.2", group });
  await sendReport(request, { machineId, hostname, version: "3975.2.2", group, state: "downloading" });
  await sendReport(request, { machineId, hostname, version: "4081.2.0", previousVersion: "3975.2.2", group });
  await sendReport(request, { machineId: uniqueMachineId(), hostname: other, version: "3975.2.2", group, state: "error", error: { code: "ERR_POSTINSTALL", message: "verity check failed" } });

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  const history = new HistoryPage(page);
  await history.goto();
  await history.filter({ Group: group });
  await expect(page).toHaveURL(new RegExp(`group=${group}`));
  // Three changes for the host (first report, downloading, the update), not four reports.
  await expect(history.rows(hostname)).toHaveCount(3);
  await expect(history.rows(other)).toHaveCount(1);
  await expect(history.rows(hostname).filter({ hasText: "3975.2.2 → 4081.2.0" })).toHaveCount(1);

  await history.filter({}, { Event: "version changed" });
  await expect(history.rows(hostname)).toHaveCount(1);
  await expect(history.rows(other)).toHaveCount(0);

  const download = await history.exportCsv();
  expect(download.suggestedFilename()).toBe("flotilla-history.csv");
  const csv = await fs.readFile((await download.path())!, "utf8");
  const lines = csv.trim().split("\n");
  expect(lines[0]).toBe("id,receivedAt,hostId,groupId,channelId,protocol,kind,change,fromVersion,osVersion,updateState,errorCode,errorMessage");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`,${machineId},${group},`);
  expect(lines[1]).toContain(",update,3975.2.2,4081.2.0,idle,");

  // A bad filter is refused with the field named, not silently ignored.
  const bad = await page.request.get(`/api/v1/history?state=exploded`);
  expect(bad.status()).toBe(400);
  expect(JSON.stringify(await bad.json())).toContain("state");
});
