import type { GroupPolicy, MaintenanceWindows, Phase, RateLimit } from "./policy-schema";
import { phaseHostCounts, phaseReady, type PhaseReadiness, type PhaseStats } from "./phases";
import type { StoppedBy } from "./hold-reasons";

/**
 * A rollout's life: awaiting_approval → running (phase by phase) ⇄ paused → completed, or
 * aborted / rejected / superseded. "Approved" is an event, not a resting state: an approved
 * rollout starts running at once (its windows and limits still gate each host).
 */
export const ROLLOUT_STATUS_VALUES = ["awaiting_approval", "running", "paused", "completed", "aborted", "rejected", "superseded"] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUS_VALUES)[number];
export const LIVE_ROLLOUT_STATUSES: readonly RolloutStatus[] = ["awaiting_approval", "running", "paused"];

/**
 * What a recall does to the live rollouts of the recalled release. "end" (the default) aborts
 * them: a recalled release is never offered again, so a rollout of it can only mislead (a
 * "running" rollout with an ETA) and a pending approval for it must not be granted. "pause"
 * keeps running rollouts paused (for an operator who wants to look before ending them); a
 * paused rollout of a recalled release cannot be resumed. Rollouts still awaiting approval are
 * ended under both policies: there is nothing to pause.
 */
export const RECALL_ROLLOUT_POLICIES = ["end", "pause"] as const;
export type RecallRolloutPolicy = (typeof RECALL_ROLLOUT_POLICIES)[number];
export const DEFAULT_RECALL_ROLLOUT_POLICY: RecallRolloutPolicy = "end";

/** How far one host got; the last three are results, the others are in progress. */
export const ROLLOUT_HOST_STATE_VALUES = ["offered", "downloading", "staged", "rebooting", "updated", "failed", "rolled_back"] as const;
export type RolloutHostState = (typeof ROLLOUT_HOST_STATE_VALUES)[number];
export const FINISHED_HOST_STATES: readonly RolloutHostState[] = ["updated", "failed", "rolled_back"];

/** Error code recorded for a host that made no progress within the update timeout. */
export const STUCK_ERROR_CODE = "update_timeout";

/** Exactly what a rollout will do; approvals bind its hash, so any edit needs a new approval. */
export interface RolloutPlan {
  groupId: string;
  channelId: string | null;
  version: string;
  fromVersion: string | null;
  phases: Phase[];
  maintenanceWindows: MaintenanceWindows | null;
  maxConcurrentUpdates: number | null;
  maxUpdatesPerPeriod: RateLimit | null;
  updateTimeoutMinutes: number;
  approvalsRequired: number | null;
}

export function planFor(input: { groupId: string; channelId: string | null; version: string; fromVersion: string | null }, policy: GroupPolicy): RolloutPlan {
  return {
    ...input,
    phases: policy.phases,
    maintenanceWindows: policy.maintenanceWindows,
    maxConcurrentUpdates: policy.maxConcurrentUpdates,
    maxUpdatesPerPeriod: policy.maxUpdatesPerPeriod,
    updateTimeoutMinutes: policy.updateTimeoutMinutes,
    approvalsRequired: policy.requiresApproval ? policy.approvalsRequired : null,
  };
}

/** Hosts of a rollout per state. */
export type StateCounts = Record<RolloutHostState, number>;

export function emptyCounts(): StateCounts {
  return { offered: 0, downloading: 0, staged: 0, rebooting: 0, updated: 0, failed: 0, rolled_back: 0 };
}

export function phaseStats(counts: StateCounts, eligible: number): PhaseStats {
  return {
    updated: counts.updated,
    failed: counts.failed,
    rolledBack: counts.rolled_back,
    inProgress: counts.offered + counts.downloading + counts.staged + counts.rebooting,
    eligible,
  };
}

/** The engine's view of a running rollout, kept on the row for the progress page. */
export interface RolloutEvaluation {
  at: string;
  phaseIndex: number;
  readiness: JsonReadiness;
}
/** Why a phase waits, as the engine sees it: the phase's own rules, or hosts of its share without a result yet. */
export type EngineReadiness = PhaseReadiness | { ready: false; reason: "awaiting_hosts"; finished: number; expected: number; until: Date };

export type JsonReadiness =
  | Exclude<EngineReadiness, { reason: "baking" } | { reason: "awaiting_hosts" }>
  | { ready: false; reason: "baking"; readyAt: string }
  | { ready: false; reason: "awaiting_hosts"; finished: number; expected: number; until: string };

export type RolloutStep =
  | { kind: "wait"; readiness: EngineReadiness }
  | { kind: "advance"; to: number }
  | { kind: "complete" }
  | { kind: "stop"; action: "pause" | "rollback"; stoppedBy: Extract<StoppedBy, { kind: "threshold" }>; rate: number; sample: number };

/**
 * What the engine does with a running rollout now: stop it when the current phase's failure
 * threshold is breached (pause, or roll back), move to the next phase once the current one is
 * ready (baked, settled, sampled), complete after the last, otherwise wait. `counts` holds the
 * hosts still updating and the results since the phase started: each phase is judged on its own.
 */
export function nextStep(
  phases: readonly Phase[],
  phaseIndex: number,
  phaseStartedAt: Date,
  now: Date,
  counts: StateCounts,
  fleetSize: number,
  /** Hosts whose results were judged before this phase started (earlier phases, or before a resume). */
  finishedBefore = 0,
  /** The group's update timeout: how long a phase waits for hosts of its share that have not shown up. */
  updateTimeoutMinutes = 60,
): RolloutStep {
  const phase = phases[phaseIndex];
  if (!phase) return { kind: "complete" };
  const eligible = Math.max(0, (phaseHostCounts(phases, fleetSize)[phaseIndex] ?? fleetSize) - finishedBefore);
  const readiness = phaseReady(phase, phaseStartedAt, now, phaseStats(counts, eligible));
  if (readiness.ready) {
    // Every host of the share should have its result before the next share is reached; hosts
    // that do not check in within the update timeout (offline, decommissioned) are not waited for.
    const finished = counts.updated + counts.failed + counts.rolled_back;
    const until = new Date(phaseStartedAt.getTime() + updateTimeoutMinutes * 60_000);
    if (finished < eligible && now < until) return { kind: "wait", readiness: { ready: false, reason: "awaiting_hosts", finished, expected: eligible, until } };
    return phaseIndex + 1 >= phases.length ? { kind: "complete" } : { kind: "advance", to: phaseIndex + 1 };
  }
  if (readiness.reason === "threshold_breached") {
    const b = readiness.breach;
    return { kind: "stop", action: b.action, stoppedBy: { kind: "threshold", reason: b.reason }, rate: b.rate, sample: b.sample };
  }
  return { kind: "wait", readiness };
}

export function toJsonReadiness(r: EngineReadiness): JsonReadiness {
  if (r.ready) return r;
  if (r.reason === "baking") return { ready: false, reason: "baking", readyAt: r.readyAt.toISOString() };
  if (r.reason === "awaiting_hosts") return { ...r, until: r.until.toISOString() };
  return r;
}

const utcMinute = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

/** One sentence for the progress page on why a running rollout is where it is; `at` formats its times (the page passes the viewer's zone). */
export function readinessText(r: JsonReadiness, phaseName: string, at: (iso: string) => string = utcMinute): string {
  if (r.ready) return `Phase ${phaseName} is ready to advance.`;
  switch (r.reason) {
    case "baking":
      return `Phase ${phaseName} is baking until ${at(r.readyAt)}.`;
    case "awaiting_hosts":
      return `Phase ${phaseName} waits for its hosts: ${r.finished} of ${r.expected} have a result; hosts that have not updated by ${at(r.until)} are not waited for.`;
    case "updates_in_progress":
      return `Phase ${phaseName} waits for ${r.inProgress} host${r.inProgress === 1 ? "" : "s"} still updating.`;
    case "awaiting_sample":
      return `Phase ${phaseName} waits for results: ${r.sample} of ${r.needed} needed to judge the failure rate.`;
    case "threshold_breached":
      return r.breach.reason;
  }
}

/**
 * Estimated completion: what remains of the bake times, plus the hosts left at the pace
 * updates finished so far. Null when nothing has finished yet (no pace to go by).
 */
export function estimateCompletion(input: {
  now: Date;
  phases: readonly Phase[];
  phaseIndex: number;
  phaseStartedAt: Date | null;
  fleetSize: number;
  finished: number;
  startedAt: Date | null;
}): Date | null {
  const { now, phases, phaseIndex, phaseStartedAt, fleetSize, finished, startedAt } = input;
  if (!startedAt || finished <= 0) return null;
  const elapsed = Math.max(1, now.getTime() - startedAt.getTime());
  const perMs = finished / elapsed;
  const remainingHosts = Math.max(0, fleetSize - finished);
  let bakeMs = 0;
  phases.forEach((p, i) => {
    if (i < phaseIndex) return;
    const total = p.bakeMinutes * 60_000;
    if (i === phaseIndex && phaseStartedAt) bakeMs += Math.max(0, total - (now.getTime() - phaseStartedAt.getTime()));
    else bakeMs += total;
  });
  return new Date(now.getTime() + bakeMs + remainingHosts / perMs);
}

/** Host step from what a host reported, for the rollout's record of it; null: no change. */
export function hostStepFromReport(target: string, report: { version: string; state: string }): RolloutHostState | null {
  if (report.version === target) return "updated";
  switch (report.state) {
    case "error":
      return "failed";
    case "rolled_back":
      return "rolled_back";
    case "downloading":
    case "downloaded":
      return "downloading";
    case "staged":
      return "staged";
    case "rebooting":
      return "rebooting";
    default:
      return null;
  }
}
