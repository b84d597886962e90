import type { GroupPolicy } from "./policy-schema";

export type RateLimits = Pick<GroupPolicy, "maxConcurrentUpdates" | "maxUpdatesPerPeriod">;

/**
 * Counts for the group at the moment a host asks to start. `startedInPeriod` is the number of
 * updates started in the sliding period that ends now (`periodMinutes` back); the caller
 * counts them from the database so several processes share one limit.
 */
export interface LimitCounts {
  inProgress: number;
  startedInPeriod: number;
}

export type LimitDecision =
  | { allowed: true }
  | { allowed: false; reason: "rate_limit"; limit: number; started: number; periodMinutes: number }
  | { allowed: false; reason: "concurrency_limit"; limit: number; inProgress: number };

/**
 * May one more host start updating? Asked only before a new start: a host already updating
 * is not limited again. A limit is reached when the count equals it (8 of 8 in progress
 * holds the 9th). When both are reached the rate limit is reported, as it is the one that
 * keeps holding after running updates finish.
 */
export function rateLimitAllows(limits: RateLimits, counts: LimitCounts): LimitDecision {
  const period = limits.maxUpdatesPerPeriod;
  if (period && counts.startedInPeriod >= period.count) {
    return { allowed: false, reason: "rate_limit", limit: period.count, started: counts.startedInPeriod, periodMinutes: period.periodMinutes };
  }
  const max = limits.maxConcurrentUpdates;
  if (max !== null && counts.inProgress >= max) {
    return { allowed: false, reason: "concurrency_limit", limit: max, inProgress: counts.inProgress };
  }
  return { allowed: true };
}
