import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { listAudit } from "@/db/queries/audit";
import { expireRebootSlots, listRebootSlots } from "@/db/queries/fleetlock";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { actOnRollout, listRollouts } from "@/db/queries/rollouts";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";
import { fcosRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

// Zincati posts {client_params: {id, group}} with `fleet-lock-protocol: true`
// (coreos/zincati src/fleet_lock/mod.rs) and logs a refusal as "<context>: <value>" (mod.rs:87).
const lock = (base: string, path: "pre-reboot" | "steady-state", id: string, group: string) =>
  fetch(`${base}/v1/${path}`, { method: "POST", headers: { "content-type": "application/json", "fleet-lock-protocol": "true" }, body: JSON.stringify({ client_params: { id, group } }) });

const policy = (p: Record<string, unknown>) =>
  GroupPolicySchema.parse({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: null, requiresApproval: false, phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }], ...p });

describe.each(testDatabases())("FleetLock knows the group's window and rollout on $name", (target) => {
  const t = useTestServer(target, {
    env: { FLOTILLA_ROLLOUT_TICK_SECONDS: "0", FLOTILLA_FLEETLOCK_SLOT_TTL_MINUTES: "30" },
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
      await createReleases(db, SYSTEM_ACTOR, [fcosRelease("40.20240416.3.1", "a1".repeat(32)), fcosRelease("40.20240504.3.0", "b2".repeat(32))], "release.import");
    },
  });
  const db = () => t.server.database.db;

  it("a reboot slot is refused outside the group's maintenance window, with the reason in the error value", async () => {
    // A window that is never open now: one minute a week, on a day that is not today (UTC).
    const today = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][new Date().getUTCDay()]!;
    const other = today === "mon" ? "tue" : "mon";
    await createGroup(db(), SYSTEM_ACTOR, { id: "night-owls", description: "", channelId: "fcos-stable" });
    await updateGroup(db(), SYSTEM_ACTOR, "night-owls", { policy: policy({ maintenanceWindows: { timeZone: "UTC", windows: [{ days: [other], start: "03:00", durationMinutes: 60 }], blackoutDates: [] } }) });
    const res = await lock(t.server.url, "pre-reboot", "node-w1", "night-owls");
    expect(res.status).toBe(409);
    const body = (await res.json()) as { kind: string; value: string };
    expect(body.kind).toBe("failed_lock");
    expect(body.value).toMatch(/^reboot refused: Outside the maintenance window; /);
    expect((await listRebootSlots(db())).find((s) => s.id === "night-owls")?.holders).toEqual([]);
  });

  it("a reboot slot is refused while the group's rollout is paused, and granted again once it runs", async () => {
    await createGroup(db(), SYSTEM_ACTOR, { id: "workers", description: "", channelId: "fcos-stable" });
    const rel = async (v: string) => (await db().query.releases.findFirst({ where: (r, { eq }) => eq(r.version, v) }))!.id;
    await setChannelTarget(db(), SYSTEM_ACTOR, "fcos-stable", { releaseId: await rel("40.20240504.3.0"), rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "ship" });
    const [r] = await listRollouts(db(), { groupId: "workers", live: true });
    const ops = { ...SYSTEM_ACTOR, email: "ops@example.com" };
    await actOnRollout(db(), ops, r!.id, "pause", { reason: "kernel panic on two nodes" });
    const res = await lock(t.server.url, "pre-reboot", "node-p1", "workers");
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ kind: "failed_lock", value: "reboot refused: the rollout to 40.20240504.3.0 is paused by ops@example.com: kernel panic on two nodes" });
    await actOnRollout(db(), ops, r!.id, "resume", { reason: "fixed" });
    expect((await lock(t.server.url, "pre-reboot", "node-p1", "workers")).status).toBe(200);
    await lock(t.server.url, "steady-state", "node-p1", "workers");
  });

  it("a slot held past the TTL is freed, with an audit entry, and the next host gets it", async () => {
    expect((await lock(t.server.url, "pre-reboot", "node-dead", "ttl-group")).status).toBe(200);
    expect((await lock(t.server.url, "pre-reboot", "node-next", "ttl-group")).status).toBe(409);
    // 31 minutes later the engine's sweep frees it (the lazy check in pre-reboot does the same).
    expect(await expireRebootSlots(db(), 30, undefined, new Date(Date.now() + 31 * 60_000))).toBe(1);
    const audit = await listAudit(db(), { action: "fleetlock.expire", limit: 5 });
    expect(audit.items[0]).toMatchObject({ targetId: "ttl-group", actorEmail: "system", before: { holder: "node-dead" }, reason: "reboot slot held longer than 30 minutes: freed" });
    expect((await lock(t.server.url, "pre-reboot", "node-next", "ttl-group")).status).toBe(200);
  });
});
