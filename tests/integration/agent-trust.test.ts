import { describe, expect, it } from "vitest";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { listRollouts, runRolloutEngine } from "@/db/queries/rollouts";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";
import { invalidatePolicy } from "@/server/policy-cache";
import { fcosRelease, flatcarRelease } from "../helpers/catalog";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

/*
 * The trust model (ARCHITECTURE.md "Trust model"): Omaha, the Cincinnati graph and FleetLock are
 * open to anyone who can reach them, so what they may change is bounded. These tests are the
 * attacks from issue 18 replayed against a running server.
 */

const TOKEN = "trust-enrollment-token";
const APP = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";

const omahaCheck = (id: string, group: string, version: string, extra = "") => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" updaterversion="update_engine-0.4.10"><os platform="CoreOS" sp="${version}_x86_64"></os>
<app appid="${APP}" version="${version}" track="${group}" machineid="${id}" machinealias="forged" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck>${extra}</app></request>`;
// update_engine's failure event: 3/0 with an error code (flag 1<<28 + code 10).
const omahaFailure = (id: string, group: string, version: string) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" updaterversion="update_engine-0.4.10"><os platform="CoreOS" sp="${version}_x86_64"></os>
<app appid="${APP}" version="${version}" track="${group}" machineid="${id}" board="amd64-usr"><event eventtype="3" eventresult="0" errorcode="268435466"></event></app></request>`;

const policy = (p: object) => GroupPolicySchema.parse({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: null, requiresApproval: false, ...p });
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe.each(testDatabases())("agent trust on $name", (database) => {
  const t = useTestServer(database, {
    env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN, FLOTILLA_ROLLOUT_TICK_SECONDS: "0" },
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
      await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2"), flatcarRelease("4081.2.0")], "release.import");
      await createReleases(db, SYSTEM_ACTOR, [fcosRelease("40.20240416.3.1", "a1".repeat(32)), fcosRelease("40.20240504.3.0", "b2".repeat(32))], "release.import");
    },
  });
  const db = () => t.server.database.db;
  const omaha = async (body: string, path = "/v1/update/") => {
    const res = await fetch(`${t.server.url}${path}`, { method: "POST", headers: { "content-type": "text/xml" }, body });
    return { status: res.status, text: await res.text() };
  };
  const native = async (body: object) => {
    const res = await fetch(`${t.server.url}/v1/agent/report`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  const target = async (channel: string, version: string) => {
    const rel = await db().query.releases.findFirst({ where: (r, { and, eq }) => and(eq(r.version, version), eq(r.arch, "amd64")) });
    await setChannelTarget(db(), SYSTEM_ACTOR, channel, { releaseId: rel!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: `ship ${version}` });
    invalidatePolicy();
  };

  it("ten invented machine ids, one check and one failure each, do not abort a running rollout", async () => {
    await target("stable", "3975.2.2");
    await createGroup(db(), SYSTEM_ACTOR, { id: "fleet-t", description: "", channelId: "stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "fleet-t", {
      policy: policy({ phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: { maxFailureRate: 0.2, minSample: 5, action: "rollback" } }] }),
    });
    const known = Array.from({ length: 20 }, () => randomMachineId());
    for (const id of known) expect((await omaha(omahaCheck(id, "fleet-t", "3975.2.2"))).text).toContain('status="noupdate"');
    await target("stable", "4081.2.0");
    const rollout = (await listRollouts(db(), { groupId: "fleet-t" }))[0]!;
    expect(rollout).toMatchObject({ status: "running", fleetSize: 20 });

    // The attack: ten machine ids nobody has seen, each asking once and failing once.
    for (let i = 0; i < 10; i++) {
      const id = randomMachineId();
      await omaha(omahaCheck(id, "fleet-t", "3975.2.2"));
      await omaha(omahaFailure(id, "fleet-t", "3975.2.2"));
    }
    const steps = await runRolloutEngine(db(), minutes(1));
    invalidatePolicy();
    expect(steps).toEqual([]);
    expect((await listRollouts(db(), { groupId: "fleet-t" }))[0]).toMatchObject({ id: rollout.id, status: "running" });

    // Known hosts failing still stop it: the threshold is not switched off, only fed by the fleet it judges.
    for (const id of known.slice(0, 10)) expect((await omaha(omahaCheck(id, "fleet-t", "3975.2.2"))).text).toContain('<manifest version="4081.2.0">');
    for (const id of known.slice(0, 5)) await omaha(omahaFailure(id, "fleet-t", "3975.2.2"));
    for (const id of known.slice(5, 10)) await omaha(omahaCheck(id, "fleet-t", "4081.2.0"));
    expect(await runRolloutEngine(db(), minutes(2))).toEqual([{ rolloutId: rollout.id, step: "rollback" }]);
    invalidatePolicy();
  });

  it("Omaha, graph and FleetLock requests naming a host enrolled with a token do not rewrite it", async () => {
    const id = randomMachineId();
    await native({ machineId: id, hostname: "edge-1", os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, slot: "A", state: "idle", group: "edge", labels: { site: "berlin" } });
    const before = await getHost(db(), id);
    expect(before).toMatchObject({ hostname: "edge-1", groupId: "edge", osFamily: "flatcar", osVersion: "3975.2.2", updateState: "idle", labels: { site: "berlin" }, protocol: "native" });

    // Omaha: braces and upper case still name the same host. update_engine must get a plain
    // noupdate (any error status becomes its error 34), and nothing of the host changes.
    const forged = await omaha(omahaCheck(`{${id.toUpperCase()}}`, "evil", "1.0.0", '<event eventtype="3" eventresult="0" errorcode="268435466"></event>'));
    expect(forged.status).toBe(200);
    expect(forged.text).toContain('<updatecheck status="noupdate">');
    // The graph: a JSON error in Cincinnati's dialect.
    const graph = await fetch(`${t.server.url}/v1/graph?${new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: "40.20240416.3.1", os_checksum: "a1".repeat(32), group: "evil", node_uuid: id })}`);
    expect(graph.status).toBe(403);
    expect(await graph.json()).toMatchObject({ kind: "host_enrolled_with_token" });
    // FleetLock: no reboot slot (it would move the host to rebooting).
    const lock = await fetch(`${t.server.url}/v1/pre-reboot`, { method: "POST", headers: { "fleet-lock-protocol": "true" }, body: JSON.stringify({ client_params: { id, group: "evil" } }) });
    expect(lock.status).toBe(403);
    expect(await lock.json()).toMatchObject({ kind: "host_enrolled_with_token" });

    const after = await getHost(db(), id);
    expect(after).toMatchObject({ hostname: "edge-1", groupId: "edge", osFamily: "flatcar", osVersion: "3975.2.2", updateState: "idle", labels: { site: "berlin" }, protocol: "native", reportCount: before!.reportCount });
    // Its own agent still reports as before.
    await native({ machineId: id, hostname: "edge-1b", os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, slot: "A", state: "idle", group: "edge", labels: { site: "berlin" } });
    expect((await getHost(db(), id))?.hostname).toBe("edge-1b");
  });
});

describe.each(testDatabases())("open agent protocols behind the fleet path secret and the new-host cap on $name", (database) => {
  const SECRET = "fleet-secret-0123456789abcdef";
  const t = useTestServer(database, {
    env: { FLOTILLA_AGENT_PATH_TOKEN: SECRET, FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE: "3", FLOTILLA_ROLLOUT_TICK_SECONDS: "0" },
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
      await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2")], "release.import");
      await createReleases(db, SYSTEM_ACTOR, [fcosRelease("40.20240416.3.1", "a1".repeat(32))], "release.import");
    },
  });
  const db = () => t.server.database.db;
  const graphQuery = (id: string) => new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: "40.20240416.3.1", os_checksum: "a1".repeat(32), group: "default", node_uuid: id });

  it("serves Omaha, the graph and FleetLock only under /fleet/<secret>/, as update_engine and Zincati build their URLs", async () => {
    const id = randomMachineId();
    const post = (path: string) => fetch(`${t.server.url}${path}`, { method: "POST", headers: { "content-type": "text/xml" }, body: omahaCheck(id, "stable", "3975.2.2") });
    for (const path of ["/v1/update/", "/v1/update", "/fleet/wrong-secret-0123456789/v1/update/", `/v1/update/${SECRET}`]) expect((await post(path)).status, path).toBe(404);
    expect(await getHost(db(), id)).toBeNull();
    // update_engine posts to SERVER as written in update.conf.
    const ok = await post(`/fleet/${SECRET}/v1/update/`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<updatecheck status="noupdate">');
    expect(await getHost(db(), id)).toMatchObject({ protocol: "omaha" });
    // Zincati joins "v1/graph" to base_url (zincati src/cincinnati/client.rs:145, Url::join), so
    // base_url = "https://…/fleet/<secret>/" with its trailing slash becomes this path.
    const node = randomMachineId();
    expect((await fetch(`${t.server.url}/v1/graph?${graphQuery(node)}`)).status).toBe(404);
    expect((await fetch(`${t.server.url}/fleet/${SECRET}/v1/graph?${graphQuery(node)}`)).status).toBe(200);
    const lock = (path: string) => fetch(`${t.server.url}${path}`, { method: "POST", headers: { "fleet-lock-protocol": "true" }, body: JSON.stringify({ client_params: { id: node, group: "default" } }) });
    expect((await lock("/v1/pre-reboot")).status).toBe(404);
    expect((await lock(`/fleet/${SECRET}/v1/pre-reboot`)).status).toBe(200);
    expect((await lock(`/fleet/${SECRET}/v1/steady-state`)).status).toBe(200);
    // One base URL serves every kind of host, probes included (the simulator's --url).
    expect((await fetch(`${t.server.url}/fleet/${SECRET}/healthz`)).status).toBe(200);
    // The secret never becomes a metric label.
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).not.toContain(SECRET);
  });

  it("enrolls at most the cap of new hosts per minute: the excess gets noupdate / a JSON error, a counter, a log line and an audit row", async () => {
    // The first test enrolled two; one more fits this minute.
    const ids = Array.from({ length: 4 }, () => randomMachineId());
    const texts: string[] = [];
    for (const id of ids) {
      const res = await fetch(`${t.server.url}/fleet/${SECRET}/v1/update/`, { method: "POST", body: omahaCheck(id, "stable", "3975.2.2") });
      expect(res.status).toBe(200);
      texts.push(await res.text());
    }
    expect(texts.every((x) => x.includes('<updatecheck status="noupdate">'))).toBe(true);
    expect(await getHost(db(), ids[0]!)).not.toBeNull();
    for (const id of ids.slice(1)) expect(await getHost(db(), id)).toBeNull();
    // A known host is not new: it keeps reporting.
    const again = await fetch(`${t.server.url}/fleet/${SECRET}/v1/update/`, { method: "POST", body: omahaCheck(ids[0]!, "stable", "3975.2.2", '<event eventtype="3" eventresult="2" previousversion=""></event>') });
    expect(again.status).toBe(200);
    expect((await getHost(db(), ids[0]!))?.reportCount).toBe(2);
    const graph = await fetch(`${t.server.url}/fleet/${SECRET}/v1/graph?${graphQuery(randomMachineId())}`);
    expect(graph.status).toBe(429);
    expect(await graph.json()).toMatchObject({ kind: "new_host_cap" });

    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).toMatch(/flotilla_agent_refused_total\{protocol="omaha",reason="new_host_cap"\} 3/);
    expect(metrics).toMatch(/flotilla_agent_refused_total\{protocol="cincinnati",reason="new_host_cap"\} 1/);
    // One audit row per reason per minute, naming what was refused.
    await expect.poll(async () => (await listAudit(db(), { action: "agent.refused", limit: 10 })).items.length).toBe(1);
    const [row] = (await listAudit(db(), { action: "agent.refused", limit: 10 })).items;
    expect(row).toMatchObject({ actorEmail: "system", after: { reason: "new_host_cap", requests: 1, hosts: [ids[1]] } });
  });
});
