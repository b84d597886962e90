import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { getHost } from "@/db/queries/hosts";
import { bulkPinHosts, removePin, setPin } from "@/db/queries/pins";
import { HostQuerySchema, hostQueryInput } from "@/lib/fleet/host-query";
import { listReleases, recallRelease } from "@/db/queries/releases";
import { invalidatePolicy } from "@/server/policy-cache";
import { seedFlatcarStable } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";
import { applied } from "../helpers/applied";

const TOKEN = "rollback-enrollment-token";
const omahaCheck = (machine: string, version: string, previous = "") => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" updaterversion="update_engine-0.4.10"><os platform="CoreOS" sp="${version}_x86_64"></os>
<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="stable" machineid="${machine}" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck><event eventtype="3" eventresult="2" previousversion="${previous}"></event></app></request>`;

describe.each(testDatabases())("rollbacks on $name", (target) => {
  const t = useTestServer(target, { env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN }, seed: async (db) => void (await seedFlatcarStable(db)) });

  const omaha = async (body: string) => (await fetch(`${t.server.url}/v1/update/`, { method: "POST", body })).text();
  const native = async (body: object) =>
    (await (await fetch(`${t.server.url}/v1/agent/report`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as { directive: Record<string, unknown> };

  it("a Flatcar host rolled back is offered the older payload, then held there with the reason", async () => {
    const machine = "1".repeat(32);
    expect(await omaha(omahaCheck(machine, "4081.2.0", "3975.2.2"))).toContain('<updatecheck status="noupdate">');
    const pin = applied(await setPin(t.database.db, SYSTEM_ACTOR, { scope: "host", targetId: machine, version: "3975.2.2", reason: "NIC driver regression", owner: "ops@example.com", expiresAt: null, allowDowngrade: true }));
    invalidatePolicy();
    const offer = await omaha(omahaCheck(machine, "4081.2.0", "3975.2.2"));
    expect(offer).toContain('<manifest version="3975.2.2">');
    expect(offer).toContain('codebase="https://update.release.example/amd64-usr/3975.2.2/"');
    // After the reboot into the old version: nothing more, and the host page says why.
    expect(await omaha(omahaCheck(machine, "3975.2.2", "4081.2.0"))).toContain('<updatecheck status="noupdate">');
    expect(await getHost(t.database.db, machine)).toMatchObject({ osVersion: "3975.2.2", holdReason: "rolled back to 3975.2.2 by ops@example.com: NIC driver regression" });
    await removePin(t.database.db, SYSTEM_ACTOR, pin.id, "fixed in 4081.2.1");
    invalidatePolicy();
  });

  it("a native A/B host rolled back is told to boot the other slot", async () => {
    const machine = "2".repeat(32);
    const report = { machineId: machine, os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, slot: "B", previousVersion: "3975.2.2", state: "idle", group: "stable-native" };
    expect((await native(report)).directive).toEqual({ type: "none", reason: "the host's group has no channel" });
    await setPin(t.database.db, SYSTEM_ACTOR, { scope: "host", targetId: machine, version: "3975.2.2", reason: "boot loop", owner: "ops@example.com", expiresAt: null, allowDowngrade: true });
    invalidatePolicy();
    // No channel, no rollback source: the host has to follow a channel for payloads.
    expect((await native(report)).directive).toMatchObject({ type: "none" });
    expect((await native({ ...report, group: "stable" })).directive).toEqual({ type: "rollback", toVersion: "3975.2.2", toSlot: "A" });
    expect((await native({ ...report, group: "stable", slot: "A", version: "3975.2.2", os: { ...report.os, version: "3975.2.2" }, previousVersion: "4081.2.0" })).directive).toEqual({
      type: "none",
      reason: "rolled back to 3975.2.2 by ops@example.com: boot loop",
    });
  });

  it("a native host below the target is told to update, with the payload", async () => {
    const d = (await native({ machineId: "3".repeat(32), os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, slot: "A", state: "idle", group: "stable" })).directive;
    expect(d).toMatchObject({ type: "update", version: "4081.2.0", payloadUrl: "https://update.release.example/amd64-usr/4081.2.0/", payloadName: "flatcar_production_update.gz" });
  });

  it("a selection of hosts (by filter) is rolled back at once: each is offered the older payload", async () => {
    const selected = ["6".repeat(32), "7".repeat(31) + "0"];
    const labels = { rack: "r42" };
    for (const id of selected) await native({ machineId: id, os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, slot: "B", previousVersion: "3975.2.2", state: "idle", group: "stable", labels });
    const other = "8".repeat(32);
    await native({ machineId: other, os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, slot: "B", previousVersion: "3975.2.2", state: "idle", group: "stable" });
    const filter = HostQuerySchema.parse(hostQueryInput(new URLSearchParams("label=rack%3Dr42")));
    expect(await bulkPinHosts(t.database.db, SYSTEM_ACTOR, filter, { version: "3975.2.2", reason: "rack r42 kernel panic", owner: "ops@example.com", expiresAt: null, allowDowngrade: true }, false)).toMatchObject({ matched: 2, pinned: 2 });
    invalidatePolicy();
    for (const id of selected) {
      expect((await native({ machineId: id, os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, slot: "B", previousVersion: "3975.2.2", state: "idle", group: "stable", labels })).directive).toEqual({ type: "rollback", toVersion: "3975.2.2", toSlot: "A" });
    }
    expect((await native({ machineId: other, os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, slot: "B", previousVersion: "3975.2.2", state: "idle", group: "stable" })).directive).toMatchObject({ type: "none" });
  });

  it("a recalled release is never offered again and hosts on it go back to the last good one", async () => {
    const onNew = "4".repeat(32);
    const onOld = "5".repeat(32);
    const bad = (await listReleases(t.database.db)).find((r) => r.version === "4081.2.0" && r.arch === "amd64")!;
    expect(await recallRelease(t.database.db, SYSTEM_ACTOR, bad.id, "corrupts /var")).toMatchObject({ recalled: 2 }); // amd64 and arm64
    invalidatePolicy();
    expect(await omaha(omahaCheck(onNew, "4081.2.0", "3975.2.2"))).toContain('<manifest version="3975.2.2">');
    expect(await omaha(omahaCheck(onOld, "3975.2.2"))).toContain('<updatecheck status="noupdate">');
    expect(await getHost(t.database.db, onOld)).toMatchObject({ holdReason: "4081.2.0 was recalled: corrupts /var" });
    await expect(recallRelease(t.database.db, SYSTEM_ACTOR, bad.id, "again")).rejects.toMatchObject({ code: "conflict" });
  });
});
