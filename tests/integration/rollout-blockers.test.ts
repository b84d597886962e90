import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolloutBlockersOf } from "@/db/queries/rollout-blockers";
import { actOnRollout, listRollouts } from "@/db/queries/rollouts";
import { setChannelPaused } from "@/db/queries/releases";
import { setPin } from "@/db/queries/pins";
import { fleetLockGroups, fleetLockHolders, updateSlots } from "@/db/schema/fleet";
import { rolloutHosts } from "@/db/schema/rollouts";
import { testDatabases } from "../helpers/databases";
import { addHosts, groupWithPolicy, machine, OPERATOR, seedTwoFamilies, targetVersion } from "../helpers/stalls-fleet";

const hhmm = (d: Date) => d.toISOString().slice(11, 16);
const ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

// Issue 19: every reason a rollout cannot move is named with the hosts it holds and who set it,
// and the ETA allows for it.
describe.each(testDatabases())("rollout blockers on $name", (database) => {
  let handle: Awaited<ReturnType<typeof database.open>>;
  const db = () => handle.db;
  const now = new Date();
  const rolloutOf = async (groupId: string) => (await listRollouts(db(), { groupId }))[0]!;
  const blockersOf = async (groupId: string) => rolloutBlockersOf(db(), await rolloutOf(groupId), 0, now);

  beforeAll(async () => {
    handle = await database.open();
    await seedTwoFamilies(db());
    await targetVersion(db(), "stable", "3975.2.2");
    await groupWithPolicy(db(), "pinned", "stable");
    await groupWithPolicy(db(), "windowed", "stable", { maintenanceWindows: { timeZone: "UTC", windows: [{ days: [...ALL_DAYS], start: hhmm(new Date(now.getTime() + 3 * 3600_000)), durationMinutes: 30 }], blackoutDates: [] } });
    await groupWithPolicy(db(), "limited", "stable", { maxConcurrentUpdates: 1 });
    await groupWithPolicy(db(), "rated", "stable", { maxUpdatesPerPeriod: { count: 1, periodMinutes: 60 } });
    await groupWithPolicy(db(), "locked", "stable");
    await groupWithPolicy(db(), "remote", "stable");
    await groupWithPolicy(db(), "approved", "stable", { requiresApproval: true, approvalsRequired: 2 });
    await groupWithPolicy(db(), "quiet", "stable");
    for (const [i, g] of ["pinned", "windowed", "limited", "rated", "locked", "remote", "approved", "quiet"].entries()) {
      await addHosts(db(), g, 5, { prefix: `${i}a`, version: "3975.2.2" });
    }
    // Already on a newer version: never "waiting" for this rollout.
    await addHosts(db(), "pinned", 3, { prefix: "9a", version: "4152.2.2" });
    await addHosts(db(), "remote", 2, { prefix: "5b", version: "3975.2.2", lastSeenAt: new Date(now.getTime() - 3 * 3600_000) });
    await targetVersion(db(), "stable", "4081.2.0", OPERATOR);
  });
  afterAll(async () => handle.dispose());

  it("a rollout nothing holds has no blocker", async () => {
    const { blockers, eta } = await blockersOf("quiet");
    expect(blockers).toEqual([]);
    expect(eta).toEqual({ at: null, note: "cannot be estimated until the first hosts finish" });
  });

  it("names a group pin with the hosts it holds and who set it; the ETA says it cannot be estimated and why", async () => {
    await setPin(db(), OPERATOR, { scope: "group", targetId: "pinned", version: "3975.2.2", reason: "NIC driver regression", owner: "net-team@example.com", expiresAt: null });
    const { blockers, eta } = await blockersOf("pinned");
    expect(blockers).toEqual([
      {
        kind: "pin",
        text: "Group pinned is pinned to 3975.2.2: NIC driver regression. A pin replaces the rollout for the hosts it covers.",
        hosts: 5,
        sample: Array.from({ length: 5 }, (_, i) => machine("0a", i)),
        setBy: "net-team@example.com",
        until: null,
        blocksAll: true,
      },
    ]);
    expect(eta.at).toBeNull();
    expect(eta.note).toBe("cannot be estimated: Group pinned is pinned to 3975.2.2: NIC driver regression. A pin replaces the rollout for the hosts it covers. (net-team@example.com)");
  });

  it("names host pins apart, with their count", async () => {
    await setPin(db(), OPERATOR, { scope: "host", targetId: machine("7a", 0), version: "3975.2.2", reason: "customer demo", owner: "sales@example.com", expiresAt: new Date(now.getTime() + 86_400_000) });
    const { blockers } = await blockersOf("quiet");
    expect(blockers).toMatchObject([{ kind: "pin", hosts: 1, sample: [machine("7a", 0)], setBy: "sales@example.com", blocksAll: false, text: expect.stringMatching(/^1 host is pinned to 3975.2.2: customer demo/) }]);
  });

  it("names a closed maintenance window with when it opens; the ETA waits for it", async () => {
    const r = await rolloutOf("windowed");
    const { blockers, eta } = await rolloutBlockersOf(db(), r, 0, now);
    expect(blockers).toMatchObject([{ kind: "window", hosts: 5, setBy: "group windowed policy (set by system)", blocksAll: true, text: expect.stringContaining("Outside the maintenance window") }]);
    const opens = new Date(blockers[0]!.until!).getTime();
    expect(opens).toBeGreaterThan(now.getTime() + 2.9 * 3600_000);
    expect(opens).toBeLessThan(now.getTime() + 3.1 * 3600_000);
    expect(eta.at).toBeNull(); // no pace yet
    // With a pace (one host finished), the ETA includes the wait for the window.
    const paced = await rolloutBlockersOf(db(), { ...r, startedAt: new Date(now.getTime() - 60_000) }, 1, now);
    expect(new Date(paced.eta.at!).getTime()).toBeGreaterThanOrEqual(opens);
    expect(paced.eta.note).toContain("the maintenance window opens");
  });

  it("names a reached concurrency limit and a reached rate limit", async () => {
    await db().insert(updateSlots).values({ groupId: "limited", hostId: machine("2a", 0), version: "4081.2.0", grantedAt: new Date(now.getTime() - 60_000) });
    await db().insert(updateSlots).values({ groupId: "rated", hostId: machine("3a", 0), version: "4081.2.0", grantedAt: new Date(now.getTime() - 10 * 60_000), completedAt: new Date(now.getTime() - 5 * 60_000) });
    expect((await blockersOf("limited")).blockers).toMatchObject([{ kind: "concurrency_limit", text: "Concurrency limit: 1 of 1 updates in progress in this group.", hosts: 5, blocksAll: false }]);
    expect((await blockersOf("rated")).blockers).toMatchObject([{ kind: "rate_limit", text: "Rate limit: 1 of 1 updates started in the last hour.", hosts: 5 }]);
  });

  it("names FleetLock slots all held, with the holders and the hosts waiting to reboot", async () => {
    const r = await rolloutOf("locked");
    await db().insert(fleetLockGroups).values({ id: "locked", totalSlots: 1 });
    await db().insert(fleetLockHolders).values({ groupId: "locked", holderId: machine("4a", 0) });
    await db().insert(rolloutHosts).values([
      { rolloutId: r.id, hostId: machine("4a", 0), version: "4081.2.0", phaseIndex: 0, state: "rebooting" },
      { rolloutId: r.id, hostId: machine("4a", 1), version: "4081.2.0", phaseIndex: 0, state: "staged" },
      { rolloutId: r.id, hostId: machine("4a", 2), version: "4081.2.0", phaseIndex: 0, state: "staged" },
    ]);
    expect((await blockersOf("locked")).blockers).toMatchObject([
      { kind: "fleetlock", hosts: 2, sample: [machine("4a", 1), machine("4a", 2)], setBy: `held by ${machine("4a", 0)}`, text: "FleetLock group locked: all 1 reboot slot held; 2 hosts wait to reboot into 4081.2.0." },
    ]);
  });

  it("names hosts that are offline", async () => {
    expect((await blockersOf("remote")).blockers).toMatchObject([{ kind: "offline", hosts: 2, sample: [machine("5b", 0), machine("5b", 1)], blocksAll: false }]);
  });

  it("names a pending approval with its count and requester", async () => {
    const { blockers, eta } = await blockersOf("approved");
    expect(blockers).toMatchObject([{ kind: "approval", text: "Waiting for approval: 0 of 2; no host is offered 4081.2.0 before.", hosts: 5, setBy: "requested by ops@example.com", blocksAll: true }]);
    expect(eta.note).toMatch(/^cannot be estimated: Waiting for approval/);
  });

  it("names a paused rollout and a paused channel, with who paused them", async () => {
    const quiet = await rolloutOf("quiet");
    await actOnRollout(db(), OPERATOR, quiet.id, "pause", { reason: "looking at the canaries" });
    expect((await blockersOf("quiet")).blockers[0]).toMatchObject({ kind: "rollout_paused", text: "The rollout is paused: looking at the canaries.", setBy: "ops@example.com", hosts: 5 });
    await setChannelPaused(db(), { ...OPERATOR, email: "lead@example.com" }, "stable", true, "incident 4711");
    expect((await blockersOf("pinned")).blockers.map((b) => b.kind)).toEqual(["channel_paused", "pin"]);
    expect((await blockersOf("pinned")).blockers[0]).toMatchObject({ text: "Channel stable is paused: incident 4711.", setBy: "lead@example.com", hosts: 5 });
    await setChannelPaused(db(), OPERATOR, "stable", false, "over");
  });
});
