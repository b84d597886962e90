import { describe, expect, it } from "vitest";
import { evaluateThreshold, formatPercent } from "./thresholds";
import type { FailureThreshold } from "./policy-schema";

const tenPercent: FailureThreshold = { maxFailureRate: 0.1, minSample: 10, action: "pause" };
const stats = (updated: number, failed: number, rolledBack = 0) => ({ updated, failed, rolledBack });

describe("failure thresholds", () => {
  it("never breaches without a threshold", () => {
    expect(evaluateThreshold(null, stats(0, 100), "canary")).toEqual({ breached: false });
  });

  it("counts rolled-back hosts as failures and says so with the numbers", () => {
    expect(evaluateThreshold(tenPercent, stats(21, 2, 1), "canary")).toEqual({
      breached: true,
      action: "pause",
      rate: 0.125,
      sample: 24,
      reason: "failure rate 12.5 % (3 of 24) above 10 % in phase canary",
    });
  });

  it("passes exactly at the rate", () => {
    expect(evaluateThreshold(tenPercent, stats(9, 1), "canary")).toEqual({ breached: false });
    expect(evaluateThreshold(tenPercent, stats(27, 2, 1), "canary")).toEqual({ breached: false }); // 3/30
    expect(evaluateThreshold({ ...tenPercent, maxFailureRate: 0.07 }, stats(93, 7))).toEqual({ breached: false }); // 7/100
  });

  it("breaches one failure above the rate", () => {
    expect(evaluateThreshold(tenPercent, stats(8, 2))).toMatchObject({ breached: true, rate: 0.2, sample: 10, reason: "failure rate 20 % (2 of 10) above 10 %" });
  });

  it("waits for the minimum sample", () => {
    expect(evaluateThreshold(tenPercent, stats(0, 9), "canary")).toEqual({ breached: false });
    expect(evaluateThreshold(tenPercent, stats(0, 10), "canary")).toMatchObject({ breached: true, rate: 1, sample: 10, reason: "failure rate 100 % (10 of 10) above 10 % in phase canary" });
  });

  it("with a zero rate breaches on the first failure once sampled", () => {
    const zero: FailureThreshold = { maxFailureRate: 0, minSample: 1, action: "rollback" };
    expect(evaluateThreshold(zero, stats(5, 0))).toEqual({ breached: false });
    expect(evaluateThreshold(zero, stats(5, 0, 1), "edge")).toEqual({
      breached: true,
      action: "rollback",
      rate: 1 / 6,
      sample: 6,
      reason: "failure rate 16.67 % (1 of 6) above 0 % in phase edge",
    });
  });

  it("with a rate of 1 never breaches", () => {
    expect(evaluateThreshold({ maxFailureRate: 1, minSample: 1, action: "pause" }, stats(0, 50, 50))).toEqual({ breached: false });
  });

  it("prints enough digits to tell the rate from the limit", () => {
    expect(evaluateThreshold(tenPercent, stats(899_999, 100_001))).toMatchObject({ reason: "failure rate 10.0001 % (100001 of 1000000) above 10 %" });
  });

  it.each([
    [0.125, "12.5"],
    [1 / 3, "33.33"],
    [0.05, "5"],
    [0, "0"],
    [1, "100"],
  ])("formats %s as %s %%", (fraction, text) => {
    expect(formatPercent(fraction)).toBe(text);
  });
});
