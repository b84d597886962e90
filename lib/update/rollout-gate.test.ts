import { describe, expect, it } from "vitest";
import { decideUpdate } from "./decide";
import { hostRank } from "../rollout/phases";
import { channel, release } from "./test-fixtures";
import { channelArchKey, type PolicySnapshot, type ReleaseInfo, type RolloutInfo } from "./policy";

const old = release({ version: "3975.2.2" });
const next = release({ version: "4081.2.0" });

function snapshot(rollout: Partial<RolloutInfo> | null, approvalsRequired: number | null = null): PolicySnapshot {
  const rels: ReleaseInfo[] = [old, next];
  return {
    groups: new Map([["g1", { id: "g1", channelId: "stable", maintenanceWindows: null, limits: null, approvalsRequired }]]),
    groupPins: new Map(),
    hostPins: new Map(),
    channels: new Map([["stable", channel({ targetReleaseId: next.id })]]),
    releases: new Map(rels.map((r) => [r.id, r])),
    releasesByChannelArch: new Map([[channelArchKey("stable", "amd64"), rels]]),
    rollouts: rollout
      ? new Map([
          [
            "g1",
            {
              id: "r1",
              groupId: "g1",
              channelId: "stable",
              version: "4081.2.0",
              status: "running",
              phaseIndex: 0,
              phaseNames: ["canary", "rest"],
              cutoffs: [0.5, 1],
              stoppedBy: null,
              approvals: 0,
              approvalsRequired: 1,
              rejectedBy: null,
              ...rollout,
            },
          ],
        ])
      : new Map(),
  };
}

const decide = (p: PolicySnapshot, id = "h1") => decideUpdate(p, p.channels.get("stable")!, { id, groupId: "g1", version: "3975.2.2", arch: "amd64" });

describe("the update decision under a rollout", () => {
  it("lets through exactly the hosts whose rank is below the phase's cutoff, and says which phase holds the others", () => {
    const ids = Array.from({ length: 200 }, (_, i) => `host-${i}`);
    const p = snapshot({ cutoffs: [0.25, 1] });
    for (const id of ids) {
      const d = decide(p, id);
      if (hostRank(id, "r1") < 0.25) expect(d).toEqual({ kind: "offer", release: next, pinned: false, rollback: false, rollout: { id: "r1", phaseIndex: 0 } });
      else expect(d).toEqual({ kind: "hold", reason: "phase_not_reached", detail: "The rollout to 4081.2.0 is in phase 1 of 2 (canary), which does not include this host yet." });
    }
    // The boundary itself: a rank equal to the cutoff is outside (cutoffs are exclusive).
    const edge = ids[0]!;
    expect(decide(snapshot({ cutoffs: [hostRank(edge, "r1"), 1] }), edge)).toMatchObject({ kind: "hold", reason: "phase_not_reached" });
    expect(decide(snapshot({ cutoffs: [hostRank(edge, "r1") + 1e-12, 1] }), edge)).toMatchObject({ kind: "offer" });
    // The last phase index reached and beyond: everyone, tagged with the phase.
    expect(decide(snapshot({ phaseIndex: 1 }), "anyone")).toMatchObject({ kind: "offer", rollout: { id: "r1", phaseIndex: 1 } });
    expect(decide(snapshot({ status: "completed", phaseIndex: 2 }), "anyone")).toMatchObject({ kind: "offer", rollout: { id: "r1", phaseIndex: 2 } });
  });

  it.each([
    [{ status: "awaiting_approval", approvals: 1, approvalsRequired: 2 }, "awaiting_approval", "The rollout to 4081.2.0 is waiting for approval (1 of 2)."],
    [{ status: "rejected", rejectedBy: { actor: "ana@example.com", comment: "not during the audit" } }, "approval_rejected", "The rollout to 4081.2.0 was rejected by ana@example.com: not during the audit."],
    [{ status: "paused", stoppedBy: { kind: "threshold", reason: "failure rate 30 % (3 of 10) above 20 % in phase canary" } }, "rollout_paused", "The rollout to 4081.2.0 was paused by its failure threshold: failure rate 30 % (3 of 10) above 20 % in phase canary."],
    [{ status: "paused", stoppedBy: { kind: "operator", actor: "ops@example.com", reason: "change freeze" } }, "rollout_paused", "The rollout to 4081.2.0 was paused by ops@example.com: change freeze."],
    [{ status: "aborted", stoppedBy: { kind: "operator", actor: "ops@example.com", reason: "wrong release" } }, "rollout_aborted", "The rollout to 4081.2.0 was aborted by ops@example.com: wrong release."],
  ] as const)("%o holds with %s", (state, reason, detail) => {
    expect(decide(snapshot(state as Partial<RolloutInfo>))).toEqual({ kind: "hold", reason, detail });
  });

  it("an agent mid-update finishes it when the rollout or the channel is paused; one that has not started is held", () => {
    const p = snapshot({ status: "paused", stoppedBy: { kind: "operator", actor: "ops", reason: "freeze" } });
    const host = { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" };
    expect(decideUpdate(p, p.channels.get("stable")!, { ...host, updateState: "downloading" })).toMatchObject({ kind: "offer", release: next, rollout: { id: "r1" } });
    expect(decideUpdate(p, p.channels.get("stable")!, { ...host, updateState: "idle" })).toMatchObject({ kind: "hold", reason: "rollout_paused" });
    const paused = snapshot(null);
    paused.channels.set("stable", channel({ targetReleaseId: next.id, paused: true, pausedReason: "incident" }));
    expect(decideUpdate(paused, paused.channels.get("stable")!, { ...host, updateState: "staged" })).toMatchObject({ kind: "offer", release: next });
    expect(decideUpdate(paused, paused.channels.get("stable")!, host)).toMatchObject({ kind: "hold", reason: "paused" });
  });

  it("an approval-required group without a rollout for the release gets nothing", () => {
    expect(decide(snapshot(null, 2))).toEqual({ kind: "hold", reason: "awaiting_approval", detail: "The rollout to 4081.2.0 is waiting for approval (0 of 2)." });
    expect(decide(snapshot(null, null))).toMatchObject({ kind: "offer", release: next });
    expect(decide(snapshot({ version: "3975.2.2", status: "completed" }, 1))).toMatchObject({ kind: "hold", reason: "up_to_date" });
  });

  it("the rollout's release is what the group moves to, even when the channel's target differs", () => {
    const p = snapshot({ version: "4081.2.0", status: "running", cutoffs: [1, 1] });
    p.channels.set("stable", channel({ targetReleaseId: old.id }));
    expect(decide(p)).toMatchObject({ kind: "offer", release: next });
  });

  it("pins and a paused channel come before the rollout", () => {
    const p = snapshot({ cutoffs: [1, 1] });
    p.hostPins.set("h1", { id: "p", scope: "host", targetId: "h1", version: "3975.2.2", reason: "freeze", owner: "ops", expiresAt: null, allowDowngrade: false });
    expect(decide(p)).toMatchObject({ kind: "hold", reason: "pinned" });
    const paused = snapshot({ cutoffs: [1, 1] });
    paused.channels.set("stable", channel({ targetReleaseId: next.id, paused: true, pausedReason: "incident" }));
    expect(decide(paused)).toMatchObject({ kind: "hold", reason: "paused" });
  });
});
