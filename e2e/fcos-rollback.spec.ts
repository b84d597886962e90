import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { HostDetailPage } from "./pages/host-detail-page";
import { HostsPage } from "./pages/hosts-page";
import { LoginPage } from "./pages/login-page";
import { adminApi, BASE_URL, uniqueMachineId, uniqueName } from "./support";

const checksum = (seed: string) => Buffer.from(seed.padEnd(32, "x")).toString("hex").slice(0, 64);

/**
 * One Zincati graph poll, as zincati src/identity/mod.rs:133-156 builds it: the booted version
 * and OSTree checksum are all the host reports.
 */
async function zincatiPoll(api: APIRequestContext, host: string, group: string, version: string, sum: string) {
  const q = new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: version, os_checksum: sum, group, node_uuid: host, platform: "metal" });
  const res = await api.get(`${BASE_URL}/v1/graph?${q.toString()}`, { headers: { accept: "application/json" } });
  expect(res.status()).toBe(200);
  return (await res.json()) as { nodes: Array<{ version: string; payload: string }>; edges: Array<[number, number]> };
}

test("roll back FCOS hosts with a bulk pin: each host page says who, why and the rpm-ostree step", async ({ page }) => {
  const api = await adminApi();
  const channel = uniqueName("fcos-e2e");
  const group = uniqueName("fcos-workers");
  const suffix = String(Date.now() % 100000);
  const [older, newer] = [`40.2024${suffix}.3.0`, `41.2025${suffix}.3.0`];
  const [oldSum, newSum] = [checksum(`old-${suffix}`), checksum(`new-${suffix}`)];
  expect((await api.post("/api/v1/channels", { data: { id: channel, osFamily: "fcos" } })).status()).toBe(201);
  const imported = await api.post("/api/v1/releases/import", {
    data: { releases: [[older, oldSum], [newer, newSum]].map(([version, ostreeChecksum]) => ({ osFamily: "fcos", channelId: channel, version, arch: "x86_64", ostreeChecksum })) },
  });
  expect(imported.status()).toBe(201);
  const items = ((await imported.json()) as { items: Array<{ id: string; version: string }> }).items;
  await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: items.find((i) => i.version === newer)!.id } });
  expect((await api.post("/api/v1/groups", { data: { id: group, channelId: channel } })).status()).toBe(201);

  // Three hosts poll on the older release, are led to the newer one, and come back on it.
  const hosts = [uniqueMachineId(), uniqueMachineId(), uniqueMachineId()];
  for (const h of hosts) {
    const g = await zincatiPoll(api, h, group, older, oldSum);
    expect(g.edges).toEqual([[0, 1]]);
    await zincatiPoll(api, h, group, newer, newSum);
  }

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  const list = new HostsPage(page);
  await list.goto(`?group=${group}`);
  await expect(list.table.getByRole("row")).toHaveCount(hosts.length + 1);
  await page.getByRole("button", { name: "Pin matching hosts…" }).click();
  const bulk = page.getByRole("region", { name: "Pin matching hosts" });
  await bulk.getByLabel("Bulk pin version").fill(older);
  await bulk.getByLabel("Bulk pin reason").fill("NFS mounts hang after the kernel update");
  await bulk.getByLabel("roll back (take newer hosts down to this version)").check();
  await bulk.getByRole("button", { name: "Preview" }).click();
  await bulk.getByRole("button", { name: `Roll back ${hosts.length} hosts` }).click();
  await expect(bulk.getByRole("status")).toHaveText(`Rolling back ${hosts.length} hosts to ${older}.`);

  // Zincati polls again: no way on (it never downgrades), and the hold names who and why.
  const after = await zincatiPoll(api, hosts[0]!, group, newer, newSum);
  expect(after.edges).toEqual([]);

  const host = new HostDetailPage(page);
  await host.goto(hosts[0]!);
  await expect(host.previousVersion).toContainText(older);
  await expect(host.guidance).toBeVisible();
  await expect(host.guidance.getByRole("heading")).toHaveText("Rollback waits for the host's operator");
  await expect(host.owner).toHaveText(E2E_ADMIN.email);
  await expect(host.reason).toHaveText("NFS mounts hang after the kernel update");
  // The previous deployment is the wanted one: rpm-ostree boots back into it.
  await expect(host.manualStep).toHaveText("sudo rpm-ostree rollback -r");
  await expect(host.holdReason).toContainText(`rollback to ${older} ordered by ${E2E_ADMIN.email}: NFS mounts hang after the kernel update`);
  await expect(host.holdReason).toContainText("sudo rpm-ostree rollback -r");

  // The host's operator runs it; the next poll shows the host back, and the page says so.
  await zincatiPoll(api, hosts[0]!, group, older, oldSum);
  await expect(host.guidance.getByRole("heading")).toHaveText("Rolled back");
  await expect(host.manualStep).toHaveCount(0);
  await expect(host.holdReason).toHaveText(`held: rolled back to ${older} by ${E2E_ADMIN.email}: NFS mounts hang after the kernel update`);
  await expect(host.previousVersion).toContainText(newer);
  await api.dispose();
});
