import { describe, expect, it } from "vitest";
import { rateLimitAllows } from "./limits";

const both = { maxConcurrentUpdates: 8, maxUpdatesPerPeriod: { count: 20, periodMinutes: 60 } };

describe("rate and concurrency limits", () => {
  it("allows anything without limits", () => {
    expect(rateLimitAllows({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: null }, { inProgress: 1_000_000, startedInPeriod: 1_000_000 })).toEqual({ allowed: true });
  });

  it("allows the last slot below each limit", () => {
    expect(rateLimitAllows(both, { inProgress: 7, startedInPeriod: 19 })).toEqual({ allowed: true });
  });

  it("holds when the running updates equal the limit", () => {
    expect(rateLimitAllows(both, { inProgress: 8, startedInPeriod: 0 })).toEqual({ allowed: false, reason: "concurrency_limit", limit: 8, inProgress: 8 });
  });

  it("holds when the updates started in the period equal the count", () => {
    expect(rateLimitAllows(both, { inProgress: 0, startedInPeriod: 20 })).toEqual({ allowed: false, reason: "rate_limit", limit: 20, started: 20, periodMinutes: 60 });
  });

  it("reports the rate limit when both are reached", () => {
    expect(rateLimitAllows(both, { inProgress: 9, startedInPeriod: 21 })).toMatchObject({ allowed: false, reason: "rate_limit" });
  });

  it("applies one limit when the other is off", () => {
    expect(rateLimitAllows({ maxConcurrentUpdates: 1, maxUpdatesPerPeriod: null }, { inProgress: 0, startedInPeriod: 500 })).toEqual({ allowed: true });
    expect(rateLimitAllows({ maxConcurrentUpdates: 1, maxUpdatesPerPeriod: null }, { inProgress: 1, startedInPeriod: 0 })).toMatchObject({ allowed: false, reason: "concurrency_limit" });
    expect(rateLimitAllows({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: { count: 1, periodMinutes: 5 } }, { inProgress: 50, startedInPeriod: 0 })).toEqual({ allowed: true });
    expect(rateLimitAllows({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: { count: 1, periodMinutes: 5 } }, { inProgress: 0, startedInPeriod: 1 })).toMatchObject({ allowed: false, reason: "rate_limit" });
  });
});
