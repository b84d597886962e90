import { describe, expect, it } from "vitest";
import type { Phase, PhaseTarget } from "./policy-schema";
import { exactCutoff, exactPhaseCutoffs, fnv1a32, hostRank, phaseAllows, phaseCutoffs, phaseHostCounts, phaseReady, phaseTargetCount, withinCutoff } from "./phases";

const phase = (name: string, target: PhaseTarget, extra: Partial<Phase> = {}): Phase => ({ name, target, bakeMinutes: 0, failureThreshold: null, ...extra });
const classic = [phase("1%", { percent: 1 }), phase("10%", { percent: 10 }), phase("50%", { percent: 50 }), phase("all", { percent: 100 })];

describe("host rank", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("FNV-1a of %j is the published value", (s, h) => {
    expect(fnv1a32(s)).toBe(h);
  });

  it("is stable, in [0, 1), and differs per rollout", () => {
    const r = hostRank("4f1c2a9e0b7d4c3e8a6f5d2c1b0a9e8f", "rollout-1");
    expect(r).toBe(hostRank("4f1c2a9e0b7d4c3e8a6f5d2c1b0a9e8f", "rollout-1"));
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
    expect(hostRank("4f1c2a9e0b7d4c3e8a6f5d2c1b0a9e8f", "rollout-2")).not.toBe(r);
    expect(hostRank("ab", "c")).not.toBe(hostRank("b", "ca"));
  });

  it("spreads sequential host ids evenly", () => {
    const ranks = Array.from({ length: 10_000 }, (_, i) => hostRank(`host-${String(i).padStart(5, "0")}`, "r1"));
    const deciles = Array.from({ length: 10 }, (_, d) => ranks.filter((r) => r >= d / 10 && r < (d + 1) / 10).length);
    for (const n of deciles) expect(Math.abs(n - 1000)).toBeLessThan(100);
  });
});

describe("phase shares", () => {
  it.each([
    [{ percent: 10 }, 30, 3],
    [{ percent: 1 }, 50, 1],
    [{ percent: 32.2 }, 1000, 322],
    [{ percent: 0.5 }, 1000, 5],
    [{ percent: 100 }, 7, 7],
    [{ hosts: 5 }, 3, 3],
    [{ hosts: 5 }, 1000, 5],
    [{ percent: 50 }, 0, 0],
  ] as const)("%j of %i hosts is %i", (target, fleet, count) => {
    expect(phaseTargetCount(target, fleet)).toBe(count);
  });

  it("computes cumulative cutoffs for 1 → 10 → 50 → 100 %", () => {
    expect(phaseHostCounts(classic, 200)).toEqual([2, 20, 100, 200]);
    expect(phaseCutoffs(classic, 200)).toEqual([0.01, 0.1, 0.5, 1]);
  });

  it("never lets a mixed list shrink: a percentage below an earlier host count keeps the count", () => {
    const mixed = [phase("canary", { hosts: 5 }), phase("1%", { percent: 1 }), phase("all", { percent: 100 })];
    expect(phaseHostCounts(mixed, 200)).toEqual([5, 5, 200]);
    expect(phaseCutoffs(mixed, 200)).toEqual([0.025, 0.025, 1]);
  });

  it("caps a host count larger than the fleet at everyone", () => {
    const big = [phase("canary", { hosts: 50 })];
    expect(phaseCutoffs(big, 20)).toEqual([1]);
    expect(phaseAllows(big, 0, 20, 0.999999)).toBe(true);
  });

  it("excludes a host exactly at the cutoff and includes one just below", () => {
    const tenth = [phase("10%", { percent: 10 }), phase("all", { percent: 100 })];
    expect(phaseAllows(tenth, 0, 10, 0.1)).toBe(false);
    expect(phaseAllows(tenth, 0, 10, 0.09999999)).toBe(true);
    expect(phaseAllows(tenth, 0, 10, 0)).toBe(true);
  });

  it("lets every rank in at 100 %", () => {
    expect(phaseAllows(classic, 3, 200, 0.9999999999)).toBe(true);
  });

  it("lets everyone in once the rollout is past its last phase, nobody before it starts", () => {
    const partial = [phase("half", { percent: 50 })];
    expect(phaseAllows(partial, 0, 100, 0.6)).toBe(false);
    expect(phaseAllows(partial, 1, 100, 0.6)).toBe(true);
    expect(phaseAllows(partial, -1, 100, 0)).toBe(false);
  });

  it("keeps a host reached by an earlier phase in every later one", () => {
    const cutoffs = phaseCutoffs(classic, 1000);
    for (const rank of [0, 0.005, 0.0099, 0.05, 0.3, 0.7]) {
      const first = cutoffs.findIndex((c) => rank < c);
      for (let i = first; i < cutoffs.length; i++) expect(withinCutoff(cutoffs, i, rank)).toBe(true);
    }
  });

  it("computes an exact cutoff from the members' ranks", () => {
    const ranks = [0.5, 0.1, 0.9, 0.3];
    expect(exactCutoff(ranks, 2)).toBe(0.5);
    expect(exactCutoff(ranks, 0)).toBe(0);
    expect(exactCutoff(ranks, 4)).toBe(1);
    expect(ranks.filter((r) => r < exactCutoff(ranks, 2))).toEqual([0.1, 0.3]);
  });

  it("reaches exactly the phase's host count with exact cutoffs", () => {
    const ranks = Array.from({ length: 1000 }, (_, i) => hostRank(`machine-${i}`, "rollout-7"));
    const phases = [phase("canary", { hosts: 3 }), ...classic];
    const cutoffs = exactPhaseCutoffs(phases, ranks);
    expect(cutoffs.map((_, i) => ranks.filter((r) => withinCutoff(cutoffs, i, r)).length)).toEqual([3, 10, 100, 500, 1000]);
  });
});

describe("phase readiness", () => {
  const start = new Date("2026-01-13T10:00:00Z");
  const canary = phase("canary", { percent: 5 }, { bakeMinutes: 60, failureThreshold: { maxFailureRate: 0.1, minSample: 10, action: "pause" } });
  const s = (updated: number, failed: number, inProgress = 0, eligible = 20) => ({ updated, failed, rolledBack: 0, inProgress, eligible });

  it("bakes until exactly bakeMinutes after the start", () => {
    expect(phaseReady(canary, start, new Date("2026-01-13T10:59:59.999Z"), s(10, 0))).toEqual({ ready: false, reason: "baking", readyAt: new Date("2026-01-13T11:00:00Z") });
    expect(phaseReady(canary, start, new Date("2026-01-13T11:00:00Z"), s(10, 0))).toEqual({ ready: true });
  });

  it("reports a breach before the bake time is over", () => {
    expect(phaseReady(canary, start, new Date("2026-01-13T10:01:00Z"), s(8, 2))).toEqual({
      ready: false,
      reason: "threshold_breached",
      breach: { breached: true, action: "pause", rate: 0.2, sample: 10, reason: "failure rate 20 % (2 of 10) above 10 % in phase canary" },
    });
  });

  it("waits for updates still in progress", () => {
    expect(phaseReady(canary, start, new Date("2026-01-13T12:00:00Z"), s(10, 0, 2))).toEqual({ ready: false, reason: "updates_in_progress", inProgress: 2 });
  });

  it("waits for the minimum sample", () => {
    expect(phaseReady(canary, start, new Date("2026-01-13T12:00:00Z"), s(9, 0))).toEqual({ ready: false, reason: "awaiting_sample", sample: 9, needed: 10 });
  });

  it("judges a share smaller than the minimum sample on all its hosts", () => {
    const at = new Date("2026-01-13T12:00:00Z");
    expect(phaseReady(canary, start, at, s(4, 0, 0, 5))).toEqual({ ready: false, reason: "awaiting_sample", sample: 4, needed: 5 });
    expect(phaseReady(canary, start, at, s(5, 0, 0, 5))).toEqual({ ready: true });
    expect(phaseReady(canary, start, at, s(4, 1, 0, 5))).toMatchObject({ ready: false, reason: "threshold_breached", breach: { reason: "failure rate 20 % (1 of 5) above 10 % in phase canary" } });
  });

  it("advances an empty share after the bake time", () => {
    expect(phaseReady(canary, start, new Date("2026-01-13T11:00:00Z"), s(0, 0, 0, 0))).toEqual({ ready: true });
  });

  it("advances a phase without threshold or bake at once", () => {
    expect(phaseReady(phase("all", { percent: 100 }), start, start, s(0, 0))).toEqual({ ready: true });
  });
});
