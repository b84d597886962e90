import { describe, expect, it } from "vitest";
import type { PolicySnapshot } from "./policy";
import { proposedSnapshot, PreviewTally, type PreviewContext, type Proposal } from "./preview";
import { channel, release } from "./test-fixtures";

const old = release({ version: "3975.2.2" });
const next = release({ version: "4081.2.0" });

function snapshot(): PolicySnapshot {
  return {
    groups: new Map([
      ["canary", { id: "canary", channelId: "stable", maintenanceWindows: null, limits: null, approvalsRequired: null }],
      ["edge", { id: "edge", channelId: "stable", maintenanceWindows: null, limits: null, approvalsRequired: 2 }],
    ]),
    groupPins: new Map(),
    hostPins: new Map(),
    channels: new Map([["stable", channel({ targetReleaseId: old.id })]]),
    releases: new Map([old, next].map((r) => [r.id, r])),
    releasesByChannelArch: new Map([["stable\u0000amd64", [old, next]]]),
    rollouts: new Map(),
  };
}

const ctx: PreviewContext = {
  groupPhases: new Map([["canary", [{ name: "ten", target: { percent: 10 }, bakeMinutes: 0, failureThreshold: null }, { name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }]]]),
  defaultPhases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }],
  groupSizes: new Map([["canary", 1000], ["edge", 100], ["nobody-defined", 50]]),
};

const host = (i: number, groupId: string) => ({ id: i.toString(16).padStart(32, "0"), groupId, version: "3975.2.2", arch: "amd64", hostname: `n${i}`, channelId: "stable", labels: {} });

function run(proposal: Proposal, c: PreviewContext = ctx) {
  const now = snapshot();
  const tally = new PreviewTally(now, proposedSnapshot(now, proposal, c), proposal, new Date());
  let i = 0;
  for (const [g, n] of c.groupSizes) for (let k = 0; k < n; k++) tally.add(host(i++, g));
  return tally.result(i, [], new Date());
}

describe("blast-radius preview (the real decision over a proposed snapshot)", () => {
  it("a new target: each group's first phase, approval groups held, undefined groups by the default phases", () => {
    const r = run({ kind: "target", channelId: "stable", releaseId: next.id });
    const count = (k: string) => r.outcomes.find((o) => o.key === k)?.count ?? 0;
    expect(count("hold:awaiting_approval")).toBe(100);
    expect(count("offer:4081.2.0")).toBeGreaterThan(50 + 60);
    expect(count("offer:4081.2.0")).toBeLessThan(50 + 140);
    expect(count("hold:phase_not_reached") + count("offer:4081.2.0")).toBe(1050);
    expect(r.changed).toBe(1150);
    expect(r.exact).toBe(true);
  });

  it("as approved, the approval group's rollout runs; the snapshot it started from is untouched", () => {
    const before = snapshot();
    const r = run({ kind: "target", channelId: "stable", releaseId: next.id, groupId: "edge" }, { ...ctx, asApproved: true });
    expect(r.outcomes.find((o) => o.key === "hold:awaiting_approval")).toBeUndefined();
    expect(proposedSnapshot(before, { kind: "recall", releaseId: old.id }, ctx).releases.get(old.id)?.recalled).toBe("proposed recall");
    expect(before.releases.get(old.id)?.recalled).toBeNull();
  });

  it("scales a sample to the hosts in scope", () => {
    const now = snapshot();
    const p: Proposal = { kind: "pin", scope: "group", targetId: "canary", version: "3975.2.2", allowDowngrade: false };
    const tally = new PreviewTally(now, proposedSnapshot(now, p, ctx), p, new Date());
    for (let i = 0; i < 100; i++) tally.add(host(i, "canary"));
    expect(tally.result(1000, [], new Date())).toMatchObject({ hosts: 1000, examined: 100, exact: false, outcomes: [{ key: "hold:pinned", count: 1000 }] });
  });
});
