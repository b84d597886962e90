import { describe, expect, it } from "vitest";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { listHostFailedVersions, retryFailedVersion } from "@/db/queries/failed-versions";
import { createChannel, createGroup } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { listRollouts, rolloutProgress } from "@/db/queries/rollouts";
import { invalidatePolicy } from "@/server/policy-cache";
import { flatcarRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const TOKEN = "failed-versions-enrollment-token";
const BOOT_1 = "{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}";
const BOOT_2 = "{11111111-2222-3333-4444-555555555555}";

/**
 * Requests as Flatcar's update_engine builds them (flatcar/update_engine
 * src/update_engine/omaha_request_action.cc, GetAppBody/GetAppXml). After an update it stores
 * the version it ran before; when the next check after the reboot still runs that version,
 * GRUB fell back, and the check carries `<event eventtype="3" eventresult="0" errorcode="44">`
 * (lines 107-120: kTypeUpdateComplete, kResultError, kActionCodeRollbackError) — with no
 * previousversion and no word of which version failed. The error code carries flag bits for a
 * non-Flatcar server (action_processor.h:100, kActionCodeTestOmahaUrlFlag = 1 << 28).
 */
function check(machine: string, version: string, bootId: string, event: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="${version}_x86_64"></os>
    <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="fleet" bootid="${bootId}" oem="qemu" oemversion="" alephversion="3975.2.2" machineid="${machine}" machinealias="" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >
        <ping active="1"></ping>
        <updatecheck></updatecheck>
        ${event}
    </app>
</request>`;
}
const eventOnly = (machine: string, version: string, type: number, result: number) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="${version}_x86_64"></os>
    <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="fleet" bootid="${BOOT_1}" machineid="${machine}" board="amd64-usr">
        <event eventtype="${type}" eventresult="${result}"></event>
    </app>
</request>`;
const RUNNING = '<event eventtype="3" eventresult="2" previousversion="0.0.0.0"></event>';
const ROLLBACK = `<event eventtype="3" eventresult="0" errorcode="${(1 << 28) + 44}"></event>`;
const OFFERED = '<manifest version="4081.2.0">';
const NOUPDATE = '<updatecheck status="noupdate"></updatecheck>';

describe.each(testDatabases())("versions that failed on a host, on $name", (database) => {
  const t = useTestServer(database, {
    env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN, FLOTILLA_ROLLOUT_TICK_SECONDS: "0" },
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
      await createGroup(db, SYSTEM_ACTOR, { id: "fleet", description: "", channelId: "stable" });
      const rels = await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2"), flatcarRelease("4081.2.0")], "release.import");
      await setChannelTarget(db, SYSTEM_ACTOR, "stable", { releaseId: rels[1]!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "ship 4081.2.0" });
    },
  });
  const db = () => t.server.database.db;
  const omaha = async (body: string) => {
    const res = await fetch(`${t.server.url}/v1/update/`, { method: "POST", headers: { "content-type": "text/xml" }, body });
    expect(res.status).toBe(200);
    return res.text();
  };
  const native = async (body: object) => {
    const res = await fetch(`${t.server.url}/v1/agent/report`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { directive: { type: string; reason?: string; version?: string } }).directive;
  };

  it("Omaha: after a GRUB fallback (3/0 errorcode 44) the version is never offered to that host again, until an operator retries it", async () => {
    const host = "f0".repeat(16);
    const other = "f9".repeat(16);
    // Offered, downloaded, installed; the reboot into 4081.2.0 fails and GRUB falls back.
    expect(await omaha(check(host, "3975.2.2", BOOT_1, RUNNING))).toContain(OFFERED);
    for (const [type, result] of [[13, 1], [14, 1], [3, 1]] as const) await omaha(eventOnly(host, "3975.2.2", type, result));
    const afterFallback = await omaha(check(host, "3975.2.2", BOOT_2, ROLLBACK));
    expect(afterFallback).toContain(NOUPDATE);
    expect(await getHost(db(), host)).toMatchObject({
      updateState: "rolled_back",
      errorCode: "44",
      offeredVersion: null,
      holdReason: "4081.2.0 failed to boot on this host (it fell back to 3975.2.2); it is not offered again until an operator retries it here.",
    });
    expect(await listHostFailedVersions(db(), host)).toMatchObject([{ version: "4081.2.0", source: "omaha_rollback", errorCode: "44", failures: 1, retriedAt: null }]);

    // Every later check (update_engine sends 3/2 again from the next one on) stays on noupdate.
    expect(await omaha(check(host, "3975.2.2", BOOT_2, RUNNING))).toContain(NOUPDATE);
    expect(await omaha(check(host, "3975.2.2", BOOT_2, ROLLBACK))).toContain(NOUPDATE);
    // Other hosts are still offered it.
    expect(await omaha(check(other, "3975.2.2", BOOT_1, RUNNING))).toContain(OFFERED);

    // It counts in the rollout's failures, with update_engine's code.
    const rollout = (await listRollouts(db(), { groupId: "fleet" }))[0]!;
    const progress = await rolloutProgress(db(), rollout.id);
    expect(progress.counts.rolled_back).toBe(1);
    expect(progress.failures).toMatchObject([{ errorCode: "44", n: 1, hosts: [host] }]);

    // The operator's retry (audited) lifts the block: the next check offers it again.
    await retryFailedVersion(db(), SYSTEM_ACTOR, host, "4081.2.0", "GRUB config fixed");
    invalidatePolicy();
    expect((await listAudit(db(), { action: "host.retry_version", limit: 10 })).items).toMatchObject([{ targetId: host, reason: "GRUB config fixed" }]);
    expect(await omaha(check(host, "3975.2.2", BOOT_2, RUNNING))).toContain(OFFERED);
    await expect(retryFailedVersion(db(), SYSTEM_ACTOR, host, "4081.2.0", null)).rejects.toThrow(/not blocked/);

    // A second failure blocks it again.
    expect(await omaha(check(host, "3975.2.2", BOOT_1, ROLLBACK))).toContain(NOUPDATE);
    expect(await listHostFailedVersions(db(), host)).toMatchObject([{ version: "4081.2.0", failures: 2, retriedAt: null }]);
  });

  it("native agents: a rollback report blocks the version it was offered", async () => {
    const host = "e0".repeat(16);
    const report = (state: string) => ({ machineId: host, hostname: "edge-1", os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, state, group: "fleet" });
    expect(await native(report("idle"))).toMatchObject({ type: "update", version: "4081.2.0" });
    expect(await native(report("rolled_back"))).toMatchObject({ type: "none", reason: expect.stringMatching(/^4081.2.0 failed to boot on this host/) });
    expect(await native(report("idle"))).toMatchObject({ type: "none" });
    expect(await listHostFailedVersions(db(), host)).toMatchObject([{ version: "4081.2.0", source: "native_rollback" }]);
  });
});
