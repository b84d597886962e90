import { describe, expect, it } from "vitest";
import { applierFor } from "@/db/queries/approval-appliers";
import { listApprovals, vote } from "@/db/queries/approvals";
import { SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { createChannel, createGroup, listGroups, updateGroup } from "@/db/queries/groups";
import { createAssignment, publishConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { setFleetPolicy } from "@/db/queries/fleet-policy";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { listRollouts } from "@/db/queries/rollouts";
import { createUser } from "@/db/queries/users";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";
import { invalidatePolicy } from "@/server/policy-cache";
import { fcosRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const cfg = (motd: string) => JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: `data:,${motd}` } }] } });
const OLD = "40.20240416.3.1";
const NEW = "40.20240504.3.0";
const OLD_SUM = "a1".repeat(32);

describe.each(testDatabases())("the holes found in the trial stay closed on $name", (database) => {
  const t = useTestServer(database, {
    env: { FLOTILLA_ROLLOUT_TICK_SECONDS: "0" },
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
      await createReleases(db, SYSTEM_ACTOR, [fcosRelease(OLD, OLD_SUM), fcosRelease(NEW, "b2".repeat(32))], "release.import");
      await createGroup(db, SYSTEM_ACTOR, { id: "edge-berlin", description: "", channelId: null });
      await updateGroup(db, SYSTEM_ACTOR, "edge-berlin", { requiresApproval: true, approvalsRequired: 1 });
    },
  });
  const db = () => t.server.database.db;
  const actor = async (email: string, role: "operator" | "approver"): Promise<Actor> => {
    const u = await createUser(db(), SYSTEM_ACTOR, { email, name: email, password: "long-enough-password", role });
    return { userId: u.id, email: u.email, role, via: "session", clientAddr: "10.1.1.1" };
  };
  const ignition = async (group: string) => {
    const res = await fetch(`${t.server.url}/ignition?group=${group}&uuid=4c4c4544-0031-3510-8052-b4c04f333232`);
    return { status: res.status, body: await res.text() };
  };

  it("hole 1: a config published while unassigned, then assigned to an approval-required group, waits for approval and is not served", async () => {
    const op = await actor("op1@example.com", "operator");
    const approver = await actor("ap1@example.com", "approver");
    await saveConfigVersion(db(), op, "late", { format: "ignition", source: cfg("late"), message: "v1", draft: false });
    // Nothing is assigned yet: publishing reaches nobody, so it is immediate.
    expect(await publishConfigVersion(db(), op, "late", 1, "ready")).toEqual({ status: "published", version: 1 });

    const r = await createAssignment(db(), op, { name: "late-berlin", configId: "late", version: null, selectors: { group: "edge-berlin" } });
    expect(r).toMatchObject({ status: "awaiting_approval", approvalsRequired: 1, groups: ["edge-berlin"] });
    expect((await ignition("edge-berlin")).status).toBe(404);
    const pending = (await listApprovals(db(), "pending")).filter((a) => a.subjectType === "change");
    expect(pending).toHaveLength(1);
    expect(pending[0]!.plan).toMatchObject({ change: { kind: "ignition.assign", input: { name: "late-berlin", configId: "late" } }, groups: ["edge-berlin"] });

    await vote(db(), approver, pending[0]!.id, "approve", "checked", applierFor);
    const served = await ignition("edge-berlin");
    expect(served.status).toBe(200);
    expect(served.body).toContain("data:,late");
  });

  it("hole 2: a new channel target gives hosts of a group nobody defined a phased rollout, not the release at once", async () => {
    // The fleet-wide default: 10 % first, then everyone after a bake.
    await setFleetPolicy(db(), SYSTEM_ACTOR, {
      policy: GroupPolicySchema.parse({
        maxConcurrentUpdates: null,
        maxUpdatesPerPeriod: null,
        updateTimeoutMinutes: 60,
        maintenanceWindows: null,
        requiresApproval: false,
        phases: [
          { name: "canary", target: { percent: 10 }, bakeMinutes: 60, failureThreshold: null },
          { name: "everyone", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null },
        ],
      }),
      reason: "fleet default",
    });
    await setChannelTarget(db(), SYSTEM_ACTOR, "fcos-stable", { releaseId: await releaseId(OLD), rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "baseline" });
    invalidatePolicy();
    // Zincati's defaults: group `default`, stream `stable`; nobody created a group `default`.
    const ids = Array.from({ length: 40 }, (_, i) => `d${i.toString(16).padStart(31, "0")}`);
    for (const id of ids) await graph(id);
    expect((await listGroups(db())).undefinedGroups).toEqual([{ id: "default", hosts: 40 }]);

    await setChannelTarget(db(), SYSTEM_ACTOR, "fcos-stable", { releaseId: await releaseId(NEW), rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "ship it" });
    invalidatePolicy();
    const [rollout] = await listRollouts(db(), { groupId: "default" });
    expect(rollout).toMatchObject({ status: "running", version: NEW, fleetSize: 40, phaseIndex: 0 });
    expect(rollout!.plan.phases.map((p) => p.name)).toEqual(["canary", "everyone"]);
    let offered = 0;
    for (const id of ids) if ((await graph(id)).edges.length > 0) offered++;
    expect(offered).toBe(4); // 10 % of 40, not 40
    // The choice: the rollout created the group row (no channel: hosts keep following their stream).
    const defined = (await listGroups(db())).groups.find((g) => g.id === "default");
    expect(defined).toMatchObject({ channelId: null, requiresApproval: false, hosts: 40 });
  });

  const releaseId = async (version: string) => (await db().query.releases.findFirst({ where: (r, { eq }) => eq(r.version, version) }))!.id;
  const graph = async (id: string) => {
    const q = new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: OLD, os_checksum: OLD_SUM, group: "default", node_uuid: id, platform: "metal", rollout_wariness: "0" });
    const res = await fetch(`${t.server.url}/v1/graph?${q.toString()}`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(200);
    return (await res.json()) as { nodes: unknown[]; edges: unknown[] };
  };
});
