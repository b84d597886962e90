import { describe, expect, it } from "vitest";
import { emptyCounts, estimateCompletion, hostStepFromReport, nextStep, readinessText, toJsonReadiness, type StateCounts } from "./rollout";
import type { Phase } from "./policy-schema";

const t0 = new Date("2026-11-27T10:00:00Z");
const at = (min: number) => new Date(t0.getTime() + min * 60_000);
const counts = (c: Partial<StateCounts>): StateCounts => ({ ...emptyCounts(), ...c });
const phases: Phase[] = [
  { name: "canary", target: { percent: 10 }, bakeMinutes: 60, failureThreshold: { maxFailureRate: 0.2, minSample: 5, action: "pause" } },
  { name: "wide", target: { percent: 50 }, bakeMinutes: 30, failureThreshold: { maxFailureRate: 0.1, minSample: 10, action: "rollback" } },
  { name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null },
];

describe("the rollout engine's step", () => {
  it("waits while the phase bakes, then advances exactly when the bake time is over", () => {
    expect(nextStep(phases, 0, t0, at(59), counts({ updated: 10 }), 100)).toMatchObject({ kind: "wait", readiness: { reason: "baking" } });
    expect(nextStep(phases, 0, t0, at(60), counts({ updated: 10 }), 100)).toEqual({ kind: "advance", to: 1 });
  });

  it("waits for hosts still updating and for a sample big enough to judge", () => {
    expect(nextStep(phases, 0, t0, at(61), counts({ updated: 8, downloading: 2 }), 100)).toMatchObject({ kind: "wait", readiness: { reason: "updates_in_progress", inProgress: 2 } });
    expect(nextStep(phases, 0, t0, at(61), counts({ updated: 4 }), 100)).toMatchObject({ kind: "wait", readiness: { reason: "awaiting_sample", sample: 4, needed: 5 } });
  });

  it("stops on a breached threshold with its action and numbers; exactly at the limit passes", () => {
    expect(nextStep(phases, 0, t0, at(5), counts({ updated: 7, failed: 3 }), 100)).toEqual({
      kind: "stop",
      action: "pause",
      stoppedBy: { kind: "threshold", reason: "failure rate 30 % (3 of 10) above 20 % in phase canary" },
      rate: 0.3,
      sample: 10,
    });
    expect(nextStep(phases, 0, t0, at(61), counts({ updated: 8, failed: 2 }), 100)).toEqual({ kind: "advance", to: 1 });
    expect(nextStep(phases, 1, t0, at(1), counts({ updated: 9, rolled_back: 2 }), 100)).toMatchObject({ kind: "stop", action: "rollback", rate: 2 / 11 });
  });

  it("judges a phase on its own share: results of earlier phases do not count towards its sample", () => {
    // Phase 2 reaches 50 of 100; 10 were judged in phase 1, so 40 remain and 10 are needed.
    expect(nextStep(phases, 1, t0, at(31), counts({ updated: 9 }), 100, 10)).toMatchObject({ kind: "wait", readiness: { reason: "awaiting_sample", needed: 10 } });
    // A phase whose hosts all finished earlier has nothing left to wait for.
    expect(nextStep(phases, 1, t0, at(31), counts({}), 20, 10)).toEqual({ kind: "advance", to: 2 });
  });

  it("waits for every host of the share to have a result, but not past the update timeout", () => {
    // 10 % of 100 = 10 hosts; 4 have updated, none is in progress (the others have not checked in).
    expect(nextStep(phases, 0, t0, at(61), counts({ updated: 6 }), 100, 0, 90)).toMatchObject({
      kind: "wait",
      readiness: { reason: "awaiting_hosts", finished: 6, expected: 10, until: at(90) },
    });
    expect(nextStep(phases, 0, t0, at(90), counts({ updated: 6 }), 100, 0, 90)).toEqual({ kind: "advance", to: 1 });
    const one: Phase[] = [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }];
    // A one-phase rollout is not complete the moment it starts: its hosts have to update first.
    expect(nextStep(one, 0, t0, t0, counts({}), 3, 0, 60)).toMatchObject({ kind: "wait", readiness: { reason: "awaiting_hosts", finished: 0, expected: 3 } });
    expect(nextStep(one, 0, t0, at(1), counts({ updated: 3 }), 3, 0, 60)).toEqual({ kind: "complete" });
    const step = nextStep(one, 0, t0, t0, counts({ updated: 1 }), 3, 0, 60);
    if (step.kind === "wait") expect(readinessText(toJsonReadiness(step.readiness), "all")).toBe("Phase all waits for its hosts: 1 of 3 have a result; hosts that have not updated by 2026-11-27 11:00 UTC are not waited for.");
  });

  it("completes after the last phase, and a rollout already past its phases is complete", () => {
    expect(nextStep(phases, 2, t0, t0, counts({ updated: 100 }), 100)).toEqual({ kind: "complete" });
    expect(nextStep(phases, 3, t0, t0, counts({}), 100)).toEqual({ kind: "complete" });
  });

  it("explains a wait in one sentence", () => {
    const step = nextStep(phases, 0, t0, at(1), counts({ updated: 1 }), 100);
    expect(step.kind).toBe("wait");
    if (step.kind !== "wait") return;
    expect(readinessText(toJsonReadiness(step.readiness), "canary")).toBe("Phase canary is baking until 2026-11-27 11:00 UTC.");
    expect(readinessText({ ready: false, reason: "awaiting_sample", sample: 2, needed: 5 }, "canary")).toBe("Phase canary waits for results: 2 of 5 needed to judge the failure rate.");
    expect(readinessText({ ready: false, reason: "updates_in_progress", inProgress: 1 }, "wide")).toBe("Phase wide waits for 1 host still updating.");
  });
});

describe("completion estimate", () => {
  it("adds the bake left to the hosts left at the pace so far", () => {
    // 10 hosts in 10 minutes → 1/minute; 90 left → 90 min; bake left: 60-10 + 30 + 0 = 80 min.
    const eta = estimateCompletion({ now: at(10), phases, phaseIndex: 0, phaseStartedAt: t0, fleetSize: 100, finished: 10, startedAt: t0 });
    expect(eta?.toISOString()).toBe(at(10 + 90 + 80).toISOString());
    expect(estimateCompletion({ now: at(10), phases, phaseIndex: 0, phaseStartedAt: t0, fleetSize: 100, finished: 0, startedAt: t0 })).toBeNull();
  });
});

describe("a host's step from its report", () => {
  it.each([
    [{ version: "2.0", state: "idle" }, "updated"],
    [{ version: "1.0", state: "error" }, "failed"],
    [{ version: "1.0", state: "rolled_back" }, "rolled_back"],
    [{ version: "1.0", state: "downloading" }, "downloading"],
    [{ version: "1.0", state: "downloaded" }, "downloading"],
    [{ version: "1.0", state: "staged" }, "staged"],
    [{ version: "1.0", state: "rebooting" }, "rebooting"],
    [{ version: "1.0", state: "idle" }, null],
  ] as const)("%o → %s", (report, step) => {
    expect(hostStepFromReport("2.0", report)).toBe(step);
  });
});
