import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { flatcarRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const TOKEN = "barriers-enrollment-token";

const check = (machine: string, version: string) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="${version}_x86_64"></os>
    <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="stable" machineid="${machine}" board="amd64-usr" delta_okay="false">
        <ping active="1"></ping><updatecheck></updatecheck><event eventtype="3" eventresult="2" previousversion=""></event>
    </app>
</request>`;

// Barriers and dead ends are the catalog's, so Omaha and native hosts obey them as Zincati does
// through the graph (a node below a barrier has its edge only to the barrier; a dead end none).
describe.each(testDatabases())("barriers and dead ends on every protocol, on $name", (database) => {
  const t = useTestServer(database, {
    env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN },
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
      const rels = await createReleases(
        db,
        SYSTEM_ACTOR,
        [
          flatcarRelease("3975.2.2"),
          { ...flatcarRelease("4081.2.0"), barrier: true, barrierReason: "moves the OEM partition" },
          { ...flatcarRelease("4152.2.0"), deadend: true, deadendReason: "breaks the network on Azure" },
          flatcarRelease("4230.2.0"),
        ],
        "release.import",
      );
      await setChannelTarget(db, SYSTEM_ACTOR, "stable", { releaseId: rels[3]!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
    },
  });
  const omaha = async (body: string) => (await fetch(`${t.server.url}/v1/update/`, { method: "POST", headers: { "content-type": "text/xml" }, body })).text();
  const native = async (version: string, machineId: string) => {
    const res = await fetch(`${t.server.url}/v1/agent/report`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ machineId, os: { family: "flatcar", version, arch: "amd64" }, state: "idle", group: "stable" }),
    });
    return ((await res.json()) as { directive: { type: string; version?: string; reason?: string } }).directive;
  };

  it("Omaha: a host below a barrier is offered the barrier, then the target from there", async () => {
    const machine = "b1".repeat(16);
    expect(await omaha(check(machine, "3975.2.2"))).toContain('<manifest version="4081.2.0">');
    expect(await getHost(t.server.database.db, machine)).toMatchObject({ offeredVersion: "4081.2.0" });
    expect(await omaha(check(machine, "4081.2.0"))).toContain('<manifest version="4230.2.0">');
  });

  it("Omaha and native: a host on a dead end is offered nothing and told why", async () => {
    const machine = "b2".repeat(16);
    expect(await omaha(check(machine, "4152.2.0"))).toContain('<updatecheck status="noupdate"></updatecheck>');
    expect(await getHost(t.server.database.db, machine)).toMatchObject({ holdReason: "4152.2.0 is a dead end: breaks the network on Azure. Hosts on it are not updated automatically." });
    expect(await native("4152.2.0", "b3".repeat(16))).toMatchObject({ type: "none", reason: expect.stringMatching(/dead end: breaks the network on Azure/) });
    expect(await native("3975.2.2", "b4".repeat(16))).toMatchObject({ type: "update", version: "4081.2.0" });
  });
});
