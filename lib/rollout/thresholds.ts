import type { FailureThreshold } from "./policy-schema";

/** Finished updates of a rollout (or phase) so far; hosts still updating are not a result yet. */
export interface OutcomeStats {
  updated: number;
  failed: number;
  rolledBack: number;
}

export type ThresholdResult =
  | { breached: false }
  | { breached: true; action: FailureThreshold["action"]; rate: number; sample: number; reason: string };

/**
 * A phase's failure threshold against what happened so far. The rate is
 * (failed + rolled back) / (updated + failed + rolled back) and counts only once that sample
 * reaches `minSample`; it breaches when strictly above `maxFailureRate` (exactly at it passes).
 * The reason carries the numbers: `failure rate 12.5 % (3 of 24) above 10 % in phase canary`.
 */
export function evaluateThreshold(threshold: FailureThreshold | null, stats: OutcomeStats, phaseName?: string): ThresholdResult {
  if (!threshold) return { breached: false };
  const bad = stats.failed + stats.rolledBack;
  const sample = stats.updated + bad;
  if (sample < threshold.minSample || sample === 0) return { breached: false };
  // Division of whole numbers rounds once, so n/d compares equal to a limit written as the
  // same fraction (3/30 === 0.1); multiplying the limit by the sample would not.
  const rate = bad / sample;
  if (rate <= threshold.maxFailureRate) return { breached: false };
  const limit = formatPercent(threshold.maxFailureRate);
  let shown = formatPercent(rate);
  // Never print "10 % above 10 %": show enough digits to tell the two apart.
  for (let digits = 3; shown === limit && digits <= 6; digits++) shown = formatPercent(rate, digits);
  const where = phaseName ? ` in phase ${phaseName}` : "";
  return {
    breached: true,
    action: threshold.action,
    rate,
    sample,
    reason: `failure rate ${shown} % (${bad} of ${sample}) above ${limit} %${where}`,
  };
}

/** 0.125 → "12.5"; at most `digits` decimals, no trailing zeros, no locale. */
export function formatPercent(fraction: number, digits = 2): string {
  return String(Number((fraction * 100).toFixed(digits)));
}
