import { describe, expect, it } from "vitest";
import { applierFor, rejecterFor } from "@/db/queries/approval-appliers";
import { vote } from "@/db/queries/approvals";
import { isGateHold } from "@/db/queries/change-gate";
import { SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { actOnRollout, listRollouts, rolloutProgress, runRolloutEngine } from "@/db/queries/rollouts";
import { createUser } from "@/db/queries/users";
import { GroupPolicySchema, type GroupPolicyInput } from "@/lib/rollout/policy-schema";
import { invalidatePolicy } from "@/server/policy-cache";
import { fcosRelease, flatcarRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const TOKEN = "rollout-enrollment-token";
const machine = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(31, "0")}`;

const omahaCheck = (id: string, group: string, version: string, events = "") => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" updaterversion="update_engine-0.4.10"><os platform="CoreOS" sp="${version}_x86_64"></os>
<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="${group}" machineid="${id}" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck>${events}</app></request>`;
const omahaFailure = (id: string, group: string, version: string) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" updaterversion="update_engine-0.4.10"><os platform="CoreOS" sp="${version}_x86_64"></os>
<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="${version}" track="${group}" machineid="${id}" board="amd64-usr"><event eventtype="3" eventresult="0" errorcode="268435466"></event></app></request>`;

function policy(p: Partial<GroupPolicyInput>) {
  return GroupPolicySchema.parse({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: null, requiresApproval: false, ...p });
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe.each(testDatabases())("rollouts on $name", (database) => {
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
  const omaha = async (body: string) => (await fetch(`${t.server.url}/v1/update/`, { method: "POST", body })).text();
  const native = async (body: object) => {
    const res = await fetch(`${t.server.url}/v1/agent/report`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { directive: { type: string; reason?: string; version?: string } }).directive;
  };
  const releaseId = async (version: string) => (await t.server.database.db.query.releases.findFirst({ where: (r, { eq }) => eq(r.version, version) }))!.id;
  const target = async (channel: string, version: string) => {
    await setChannelTarget(db(), SYSTEM_ACTOR, channel, { releaseId: await releaseId(version), rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: `ship ${version}` });
    invalidatePolicy();
  };
  const engine = async (now: Date) => {
    const steps = await runRolloutEngine(db(), now);
    invalidatePolicy();
    return steps;
  };
  const liveRollout = async (groupId: string) => (await listRollouts(db(), { groupId }))[0]!;

  it("Flatcar hosts: phase 1 reaches exactly its share; failures above the threshold pause it with the numbers; resume goes on", async () => {
    await target("stable", "3975.2.2");
    await createGroup(db(), SYSTEM_ACTOR, { id: "fleet-a", description: "", channelId: "stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "fleet-a", {
      policy: policy({
        phases: [
          { name: "canary", target: { percent: 10 }, bakeMinutes: 30, failureThreshold: { maxFailureRate: 0.2, minSample: 5, action: "pause" } },
          { name: "everyone", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null },
        ],
      }),
    });
    const ids = Array.from({ length: 60 }, (_, i) => machine("a", i));
    for (const id of ids) expect(await omaha(omahaCheck(id, "fleet-a", "3975.2.2"))).toContain('status="noupdate"');

    await target("stable", "4081.2.0");
    const rollout = await liveRollout("fleet-a");
    expect(rollout).toMatchObject({ status: "running", version: "4081.2.0", fromVersion: "3975.2.2", fleetSize: 60, phaseIndex: 0 });

    const offered: string[] = [];
    for (const id of ids) if ((await omaha(omahaCheck(id, "fleet-a", "3975.2.2"))).includes('<manifest version="4081.2.0">')) offered.push(id);
    expect(offered).toHaveLength(6); // 10 % of 60, exactly
    const heldHost = ids.find((id) => !offered.includes(id))!;
    expect((await getHost(db(), heldHost))?.holdReason).toBe("The rollout to 4081.2.0 is in phase 1 of 2 (canary), which does not include this host yet.");

    // Three of the six fail, three update: 50 % > 20 % with a sample of 6 ≥ 5.
    for (const id of offered.slice(0, 3)) await omaha(omahaFailure(id, "fleet-a", "3975.2.2"));
    for (const id of offered.slice(3)) await omaha(omahaCheck(id, "fleet-a", "4081.2.0"));
    let progress = await rolloutProgress(db(), rollout.id);
    expect(progress.counts).toMatchObject({ updated: 3, failed: 3, offered: 0 });
    expect(progress.failures).toEqual([expect.objectContaining({ errorCode: "10", example: "PayloadHashMismatchError [nonOfficialServer]", n: 3 })]);

    expect(await engine(minutes(1))).toEqual([{ rolloutId: rollout.id, step: "pause" }]);
    progress = await rolloutProgress(db(), rollout.id);
    expect(progress.rollout).toMatchObject({ status: "paused", stoppedBy: { kind: "threshold", reason: "failure rate 50 % (3 of 6) above 20 % in phase canary" } });
    expect(progress.events.map((e) => e.kind)).toEqual(["created", "started", "paused"]);
    expect(progress.events[2]!.detail).toMatchObject({ rate: 0.5, sample: 6, failed: 3, updated: 3 });
    await omaha(omahaCheck(heldHost, "fleet-a", "3975.2.2"));
    expect((await getHost(db(), heldHost))?.holdReason).toBe("The rollout to 4081.2.0 was paused by its failure threshold: failure rate 50 % (3 of 6) above 20 % in phase canary.");

    // Resume: the phase starts over (bakes again, judges only new results), then advances.
    await actOnRollout(db(), { ...SYSTEM_ACTOR, email: "ops@example.com" }, rollout.id, "resume", { reason: "bad mirror fixed" });
    invalidatePolicy();
    expect(await engine(minutes(10))).toEqual([]); // still baking: 30 minutes from the resume
    expect(await engine(minutes(31))).toEqual([{ rolloutId: rollout.id, step: "advance" }]);
    let reached = 0;
    for (const id of ids) if ((await omaha(omahaCheck(id, "fleet-a", "3975.2.2"))).includes('<manifest version="4081.2.0">')) reached++;
    expect(reached).toBe(60);
  });

  it("native hosts: a threshold that says roll back aborts the rollout and sends the group back", async () => {
    await target("stable", "3975.2.2");
    await createGroup(db(), SYSTEM_ACTOR, { id: "edge-b", description: "", channelId: "stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "edge-b", {
      policy: policy({ phases: [{ name: "half", target: { percent: 50 }, bakeMinutes: 0, failureThreshold: { maxFailureRate: 0.1, minSample: 4, action: "rollback" } }, { name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }] }),
    });
    const report = (id: string, version: string, state = "idle", error?: object) => ({ machineId: id, os: { family: "flatcar", version, arch: "amd64" }, slot: "A", state, group: "edge-b", ...(error ? { error } : {}) });
    const ids = Array.from({ length: 10 }, (_, i) => machine("b", i));
    for (const id of ids) await native(report(id, "3975.2.2"));
    await target("stable", "4081.2.0");
    const rollout = await liveRollout("edge-b");
    const updating: string[] = [];
    for (const id of ids) if ((await native(report(id, "3975.2.2"))).type === "update") updating.push(id);
    expect(updating).toHaveLength(5);
    await native(report(updating[0]!, "3975.2.2", "downloading"));
    expect((await rolloutProgress(db(), rollout.id)).counts).toMatchObject({ downloading: 1, offered: 4 });
    // Booted the new slot, one failed its health check and rolled back, one errored.
    await native({ ...report(updating[0]!, "4081.2.0"), slot: "B", previousVersion: "3975.2.2" });
    await native({ ...report(updating[1]!, "4081.2.0"), slot: "B" });
    await native(report(updating[2]!, "3975.2.2", "rolled_back"));
    await native(report(updating[3]!, "3975.2.2", "error", { code: "payload_verify", message: "sha256 mismatch" }));
    expect(await engine(minutes(1))).toEqual([{ rolloutId: rollout.id, step: "rollback" }]);
    const progress = await rolloutProgress(db(), rollout.id);
    expect(progress.rollout).toMatchObject({ status: "aborted", stoppedBy: { kind: "threshold", reason: "failure rate 50 % (2 of 4) above 10 % in phase half" } });
    expect(progress.events.map((e) => e.kind)).toEqual(["created", "started", "aborted", "rolled_back"]);
    // The updated hosts are sent back to the slot they came from; the others stay put.
    expect(await native({ ...report(updating[0]!, "4081.2.0"), slot: "B", previousVersion: "3975.2.2" })).toMatchObject({ type: "rollback", toVersion: "3975.2.2" });
    expect(await native(report(ids.find((id) => !updating.includes(id))!, "3975.2.2"))).toMatchObject({ type: "none" });
  });

  it("FCOS hosts: the graph leads only the phase's share to the new release until the engine advances", async () => {
    await createGroup(db(), SYSTEM_ACTOR, { id: "fcos-c", description: "", channelId: "fcos-stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "fcos-c", { policy: policy({ phases: [{ name: "first", target: { hosts: 2 }, bakeMinutes: 0, failureThreshold: null }, { name: "rest", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }] }) });
    const ids = Array.from({ length: 8 }, (_, i) => machine("c", i));
    const poll = async (id: string, version: string, sum: string) => {
      const q = new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: version, os_checksum: sum, group: "fcos-c", node_uuid: id, platform: "metal" });
      const g = (await (await fetch(`${t.server.url}/v1/graph?${q.toString()}`)).json()) as { nodes: Array<{ version: string }>; edges: Array<[number, number]> };
      const from = g.nodes.findIndex((n) => n.version === version);
      return g.edges.filter(([a]) => a === from).map(([, b]) => g.nodes[b]!.version);
    };
    for (const id of ids) await poll(id, "40.20240416.3.1", "a1".repeat(32));
    await target("fcos-stable", "40.20240504.3.0");
    const rollout = await liveRollout("fcos-c");
    const led: string[] = [];
    for (const id of ids) if ((await poll(id, "40.20240416.3.1", "a1".repeat(32))).includes("40.20240504.3.0")) led.push(id);
    expect(led).toHaveLength(2);
    expect(await engine(minutes(1))).toEqual([]); // both still updating
    for (const id of led) await poll(id, "40.20240504.3.0", "b2".repeat(32));
    expect(await engine(minutes(2))).toEqual([{ rolloutId: rollout.id, step: "advance" }]);
    let rest = 0;
    for (const id of ids.filter((x) => !led.includes(x))) if ((await poll(id, "40.20240416.3.1", "a1".repeat(32))).includes("40.20240504.3.0")) rest++;
    expect(rest).toBe(6);
    expect((await rolloutProgress(db(), rollout.id)).counts).toMatchObject({ updated: 2, offered: 6 });
  });

  it("an approval-required group waits for someone other than the requester, and any policy edit voids the approval", async () => {
    await target("stable", "3975.2.2");
    const requester = await createUser(db(), SYSTEM_ACTOR, { email: "req@example.com", name: "Requester", password: "requester-password-1", role: "admin" });
    const approver = await createUser(db(), SYSTEM_ACTOR, { email: "appr@example.com", name: "Approver", password: "approver-password-1", role: "approver" });
    const asActor = (u: { id: string; email: string; role: string }): Actor => ({ userId: u.id, email: u.email, role: u.role, via: "session", clientAddr: null });
    await createGroup(db(), SYSTEM_ACTOR, { id: "berlin-edge", description: "", channelId: "stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "berlin-edge", { policy: policy({ requiresApproval: true, approvalsRequired: 1, phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }] }) });
    const id = machine("d", 1);
    await omaha(omahaCheck(id, "berlin-edge", "3975.2.2"));
    await setChannelTarget(db(), asActor(requester), "stable", { releaseId: await releaseId("4081.2.0"), rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "ship" });
    invalidatePolicy();
    let rollout = await liveRollout("berlin-edge");
    expect(rollout.status).toBe("awaiting_approval");
    expect(await omaha(omahaCheck(id, "berlin-edge", "3975.2.2"))).toContain('status="noupdate"');
    expect((await getHost(db(), id))?.holdReason).toBe("The rollout to 4081.2.0 is waiting for approval (0 of 1).");
    await expect(vote(db(), asActor(requester), rollout.approvalRequestId!, "approve", "mine", applierFor, rejecterFor)).rejects.toMatchObject({ code: "forbidden" });

    // The plan changes (a bake time): the pending request is void, a new one binds the new plan.
    const firstRequest = rollout.approvalRequestId!;
    const edit = await updateGroup(db(), asActor(requester), "berlin-edge", { policy: policy({ requiresApproval: true, approvalsRequired: 1, phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 5, failureThreshold: null }] }) });
    // The edit reaches the group's hosts, so it waits for approval itself (db/queries/change-gate.ts).
    if (!isGateHold(edit)) throw new Error("a policy edit of an approval-required group must wait for approval");
    expect(edit.groups).toEqual(["berlin-edge"]);
    expect(await vote(db(), asActor(approver), edit.requestId, "approve", "a bake time is fine", applierFor, rejecterFor)).toEqual({ status: "approved" });
    await expect(vote(db(), asActor(approver), firstRequest, "approve", "ok", applierFor, rejecterFor)).rejects.toMatchObject({ code: "conflict" });
    rollout = await liveRollout("berlin-edge");
    expect(rollout.approvalRequestId).not.toBe(firstRequest);
    expect(await vote(db(), asActor(approver), rollout.approvalRequestId!, "approve", "checked the release notes", applierFor, rejecterFor)).toEqual({ status: "approved" });
    invalidatePolicy();
    expect((await liveRollout("berlin-edge")).status).toBe("running");
    expect(await omaha(omahaCheck(id, "berlin-edge", "3975.2.2"))).toContain('<manifest version="4081.2.0">');
  });

  it("operators pause, advance and abort; impossible moves and stale edits are refused", async () => {
    await target("stable", "3975.2.2");
    await createGroup(db(), SYSTEM_ACTOR, { id: "ops-e", description: "", channelId: "stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "ops-e", { policy: policy({ phases: [{ name: "one", target: { hosts: 1 }, bakeMinutes: 600, failureThreshold: null }, { name: "two", target: { percent: 100 }, bakeMinutes: 600, failureThreshold: null }] }) });
    await target("stable", "4081.2.0");
    const ops: Actor = { ...SYSTEM_ACTOR, email: "ops@example.com" };
    const r = await liveRollout("ops-e");
    await expect(actOnRollout(db(), ops, r.id, "resume", { reason: "x" })).rejects.toMatchObject({ code: "conflict" });
    const paused = await actOnRollout(db(), ops, r.id, "pause", { reason: "change freeze", expectedUpdatedAt: r.updatedAt.toISOString() });
    expect(paused).toMatchObject({ status: "paused", stoppedBy: { kind: "operator", actor: "ops@example.com", reason: "change freeze" } });
    await expect(actOnRollout(db(), ops, r.id, "advance", { reason: "skip", expectedUpdatedAt: r.updatedAt.toISOString() })).rejects.toMatchObject({ code: "conflict" });
    expect(await actOnRollout(db(), ops, r.id, "advance", { reason: "canary looks fine" })).toMatchObject({ status: "running", phaseIndex: 1 });
    expect(await actOnRollout(db(), ops, r.id, "advance", { reason: "ship it" })).toMatchObject({ status: "completed", phaseIndex: 2 });
    await expect(actOnRollout(db(), ops, r.id, "abort", { reason: "too late" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("operators assign hosts to a group by label: the host follows that group's channel and rollout", async () => {
    await target("stable", "3975.2.2");
    await createGroup(db(), SYSTEM_ACTOR, { id: "by-label", description: "", channelId: "stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "by-label", { labelSelector: { site: "lab-7" } });
    invalidatePolicy();
    const id = machine("f", 1);
    const r = (state = "idle") => ({ machineId: id, os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, state, group: "somewhere-else", labels: { site: "lab-7", rack: "3" } });
    await native(r());
    expect(await getHost(db(), id)).toMatchObject({ groupId: "by-label", channelId: "stable" });
    await target("stable", "4081.2.0");
    expect(await native(r())).toMatchObject({ type: "update", version: "4081.2.0" });
    const rollout = await liveRollout("by-label");
    expect((await rolloutProgress(db(), rollout.id)).counts.offered).toBe(1);
  });
});
