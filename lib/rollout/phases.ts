import type { Phase, PhaseTarget } from "./policy-schema";
import { evaluateThreshold, type OutcomeStats, type ThresholdResult } from "./thresholds";

/**
 * Which hosts a phase reaches. Every host gets a rank in [0, 1) per rollout, a hash of the
 * rollout and host ids: stable across processes and restarts, different per rollout (so the
 * same hosts are not always the canaries), and needing no stored order. A phase reaches the
 * hosts whose rank is below its cutoff; cutoffs only grow, so a host once reached stays
 * reached when the rollout advances. Phase index `phases.length` means completed: everyone.
 */

/** FNV-1a, 32 bits, over the UTF-8 bytes. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** MurmurHash3's finalizer: FNV-1a alone leaves ids that differ in the last character close together. */
function mix32(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function hostRank(hostId: string, rolloutId: string): number {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  return mix32(fnv1a32(`${rolloutId}\u0000${hostId}`)) / 2 ** 32;
}

/**
 * Hosts a phase's own target stands for in a group of `fleetSize`: a percentage rounds up (1 %
 * of 50 hosts is 1 host, never 0), a host count is capped at the group.
 */
export function phaseTargetCount(target: PhaseTarget, fleetSize: number): number {
  const size = Math.max(0, Math.floor(fleetSize));
  if (size === 0) return 0;
  if ("hosts" in target) return Math.min(target.hosts, size);
  // The epsilon keeps 32.2 % of 1000 at 322 despite 32.2 * 1000 / 100 = 322.00000000000006.
  return Math.min(size, Math.ceil((target.percent * size) / 100 - 1e-9));
}

/** Hosts each phase reaches, cumulative: a phase reaches at least what the phases before it did. */
export function phaseHostCounts(phases: readonly Phase[], fleetSize: number): number[] {
  let reached = 0;
  return phases.map((p) => (reached = Math.max(reached, phaseTargetCount(p.target, fleetSize))));
}

/**
 * Rank cutoffs from the group's size: a host is in phase i when its rank is below cutoffs[i].
 * The share is right on average (rank is a uniform hash); for the exact number of hosts use
 * `exactPhaseCutoffs` with the ranks of the group's members.
 */
export function phaseCutoffs(phases: readonly Phase[], fleetSize: number): number[] {
  if (fleetSize <= 0) return phases.map(() => 1);
  return phaseHostCounts(phases, fleetSize).map((n) => Math.min(1, n / fleetSize));
}

/** The cutoff that lets exactly `count` of these ranks in (fewer only if two ranks collide). */
export function exactCutoff(ranks: readonly number[], count: number): number {
  if (count <= 0) return 0;
  if (count >= ranks.length) return 1;
  return [...ranks].sort((a, b) => a - b)[count] ?? 1;
}

export function exactPhaseCutoffs(phases: readonly Phase[], ranks: readonly number[]): number[] {
  const sorted = [...ranks].sort((a, b) => a - b);
  return phaseHostCounts(phases, sorted.length).map((n) => (n >= sorted.length ? 1 : (sorted[n] ?? 1)));
}

/** Whether a host of rank `rank` is reached at phase `index` (>= cutoffs.length: completed, everyone). */
export function withinCutoff(cutoffs: readonly number[], index: number, rank: number): boolean {
  if (index < 0) return false;
  if (index >= cutoffs.length) return true;
  return rank < (cutoffs[index] ?? 1);
}

export function phaseAllows(phases: readonly Phase[], currentPhaseIndex: number, fleetSize: number, hostRank: number): boolean {
  return withinCutoff(phaseCutoffs(phases, fleetSize), currentPhaseIndex, hostRank);
}

/** What the current phase has seen: results since the rollout started, hosts mid-update, and hosts in its share. */
export interface PhaseStats extends OutcomeStats {
  inProgress: number;
  /** Hosts of the group inside this phase's share (`withinCutoff` true). */
  eligible: number;
}

export type PhaseReadiness =
  | { ready: true }
  | { ready: false; reason: "threshold_breached"; breach: Extract<ThresholdResult, { breached: true }> }
  | { ready: false; reason: "baking"; readyAt: Date }
  | { ready: false; reason: "updates_in_progress"; inProgress: number }
  | { ready: false; reason: "awaiting_sample"; sample: number; needed: number };

/**
 * May the rollout move past this phase? Not while its threshold is breached; not before
 * `bakeMinutes` have passed since the phase started (exactly then it may); not while hosts
 * are still updating (a stuck host is failed by the update timeout, so this ends); and, with a
 * threshold, not before it has a sample to judge: `minSample` results, or every host of a
 * share smaller than that. Such a small share is judged on all of it, so a phase of 5 hosts
 * with `minSample` 10 cannot pass with 5 failures; the engine acts on that breach like any other.
 */
export function phaseReady(phase: Phase, phaseStartedAt: Date, now: Date, stats: PhaseStats): PhaseReadiness {
  const t = phase.failureThreshold;
  const verdict = evaluateThreshold(t, stats, phase.name);
  if (verdict.breached) return { ready: false, reason: "threshold_breached", breach: verdict };
  const readyAt = phaseStartedAt.getTime() + phase.bakeMinutes * 60_000;
  if (now.getTime() < readyAt) return { ready: false, reason: "baking", readyAt: new Date(readyAt) };
  if (stats.inProgress > 0) return { ready: false, reason: "updates_in_progress", inProgress: stats.inProgress };
  if (t) {
    const sample = stats.updated + stats.failed + stats.rolledBack;
    const needed = Math.min(t.minSample, Math.max(0, stats.eligible));
    if (sample < needed) return { ready: false, reason: "awaiting_sample", sample, needed };
    if (needed < t.minSample && needed > 0) {
      const small = evaluateThreshold({ ...t, minSample: needed }, stats, phase.name);
      if (small.breached) return { ready: false, reason: "threshold_breached", breach: small };
    }
  }
  return { ready: true };
}
