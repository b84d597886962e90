import { describe, expect, it } from "vitest";
import { etaWithBlockers, rolloutBlockers, type Blocker, type BlockerInputs } from "./blockers";

const now = new Date("2026-03-02T10:00:00Z");
const base: BlockerInputs = {
  now,
  rollout: { status: "running", version: "4081.2.0", groupId: "web", stoppedBy: null, maintenanceWindows: null, maxConcurrentUpdates: null, maxUpdatesPerPeriod: null },
  waiting: { n: 5, sample: ["a", "b"] },
  approval: null,
  recall: null,
  channel: { id: "stable", paused: false, pausedReason: null, pausedBy: null },
  policyBy: "ops@example.com",
  pins: [],
  slots: { inProgress: 0, startedInPeriod: 0 },
  fleetLock: [],
  offline: { n: 0, sample: [] },
};
const b = (over: Partial<Blocker>): Blocker => ({ kind: "pin", text: "t", hosts: 5, sample: [], setBy: "x", until: null, blocksAll: true, ...over });

describe("rollout blockers", () => {
  it("a recalled release and a paused channel hold every waiting host", () => {
    const out = rolloutBlockers({ ...base, recall: { reason: "corrupts /var" }, channel: { id: "stable", paused: true, pausedReason: "incident", pausedBy: "lead@example.com" } });
    expect(out.map((x) => [x.kind, x.hosts, x.blocksAll, x.setBy])).toEqual([
      ["recalled", 5, true, "release recall"],
      ["channel_paused", 5, true, "lead@example.com"],
    ]);
  });

  it("a finished rollout has no blockers", () => {
    expect(rolloutBlockers({ ...base, rollout: { ...base.rollout, status: "completed" }, recall: { reason: "x" } })).toEqual([]);
  });

  it("limits name the policy and who set it", () => {
    const out = rolloutBlockers({ ...base, rollout: { ...base.rollout, maxConcurrentUpdates: 2 }, slots: { inProgress: 2, startedInPeriod: 2 } });
    expect(out).toMatchObject([{ kind: "concurrency_limit", setBy: "group web policy (set by ops@example.com)", blocksAll: false }]);
  });
});

describe("ETA with blockers", () => {
  const pace = new Date("2026-03-02T12:00:00Z");
  it("cannot be estimated while something that holds everything ends only by someone's action", () => {
    expect(etaWithBlockers("running", pace, [b({ text: "Group web is pinned", setBy: "net@example.com" })], now)).toEqual({ at: null, note: "cannot be estimated: Group web is pinned (net@example.com)" });
  });
  it("waits for a window that opens by itself", () => {
    const eta = etaWithBlockers("running", pace, [b({ kind: "window", until: "2026-03-02T13:00:00.000Z" })], now);
    expect(eta).toEqual({ at: "2026-03-02T15:00:00.000Z", note: "includes the wait until the maintenance window opens" });
  });
  it("says which hosts it does not wait for", () => {
    expect(etaWithBlockers("running", pace, [b({ kind: "offline", hosts: 2, blocksAll: false })], now).note).toBe("hosts held by offline (2) are not waited for past the update timeout");
  });
  it("a finished rollout has none", () => {
    expect(etaWithBlockers("aborted", null, [], now)).toEqual({ at: null, note: "the rollout is aborted" });
  });
});
