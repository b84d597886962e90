import { formatInZone } from "./local-time";
import type { LimitDecision } from "./limits";
import type { WindowState } from "./windows";

/**
 * Why a host is not offered an update, as stored on the host and shown on its page. A superset
 * of `HoldReason` in lib/update/decide.ts. Listed in the order a decision is suggested to check
 * them: the first that applies is the one the host shows (a paused channel explains more than
 * a closed window that would also hold the host).
 */
export const HOLD_REASONS = [
  "no_channel",
  "unknown_arch",
  "recalled",
  "paused",
  "pinned",
  "rolled_back",
  "no_target",
  "up_to_date",
  "newer_than_target",
  "no_payload_for_arch",
  "failed_here",
  "deadend",
  "approval_rejected",
  "rollout_aborted",
  "awaiting_approval",
  "rollout_paused",
  "phase_not_reached",
  "blackout",
  "outside_window",
  "rate_limit",
  "concurrency_limit",
] as const;
export type HoldReasonCode = (typeof HOLD_REASONS)[number];

export function isHoldReason(s: string): s is HoldReasonCode {
  return (HOLD_REASONS as readonly string[]).includes(s);
}

/** Who stopped a rollout: a person with their reason, or a failure threshold with its numbers. */
export type StoppedBy =
  | { kind: "operator"; actor: string; reason: string }
  | { kind: "threshold"; reason: string }
  /** The rollout's release was recalled (by `actor`, for `reason`): it can never be offered again. */
  | { kind: "recall"; actor: string; reason: string; version: string };

/** Who stopped a rollout, in words: "ops@x (recall of 4081.2.0)", "its failure threshold". */
export function stoppedByWho(by: StoppedBy): string {
  switch (by.kind) {
    case "operator":
      return by.actor;
    case "threshold":
      return "its failure threshold";
    case "recall":
      return `${by.actor} (recall of ${by.version})`;
  }
}

/** A hold with what its text needs; JSON-safe apart from the `Date` fields. */
export type Hold =
  | { reason: "no_channel" }
  /** The request named no architecture Flotilla knows, or contradicting ones. */
  | { reason: "unknown_arch"; problem: string }
  /** `running`: the host runs the recalled release and no older good one is known; else the wanted release is recalled. */
  | { reason: "recalled"; version: string; recallReason: string | null; running: boolean }
  | { reason: "paused"; channelId: string; pausedReason: string | null }
  | { reason: "pinned"; scope: "group" | "host"; version: string; owner: string; pinReason: string; expiresAt: Date | null }
  | { reason: "rolled_back"; version: string; owner: string; rollbackReason: string }
  | { reason: "no_target"; channelId: string }
  | { reason: "up_to_date"; version: string }
  | { reason: "newer_than_target"; version: string; target: string }
  | { reason: "no_payload_for_arch"; version: string; arch: string }
  /** `version` failed to boot on this host (which fell back to `running`). */
  | { reason: "failed_here"; version: string; running: string }
  /** The host runs a dead-end release: no automatic way on. */
  | { reason: "deadend"; version: string; deadendReason: string | null }
  | { reason: "approval_rejected"; version: string; actor: string; comment: string }
  | { reason: "rollout_aborted"; version: string; by: StoppedBy }
  | { reason: "awaiting_approval"; version: string; approvals: number; required: number }
  | { reason: "rollout_paused"; version: string; by: StoppedBy }
  | { reason: "phase_not_reached"; version: string; phaseIndex: number; phaseName: string; phaseCount: number }
  | { reason: "blackout"; date: string; timeZone: string; nextOpen: Date | null }
  | { reason: "outside_window"; timeZone: string; nextOpen: Date | null }
  | { reason: "rate_limit"; limit: number; started: number; periodMinutes: number }
  | { reason: "concurrency_limit"; limit: number; inProgress: number };

/** Short labels for badges and filters. */
export const HOLD_LABELS: Record<HoldReasonCode, string> = {
  no_channel: "No channel",
  unknown_arch: "Unknown architecture",
  recalled: "Recalled",
  paused: "Channel paused",
  pinned: "Pinned",
  rolled_back: "Rolled back",
  no_target: "No target",
  up_to_date: "Up to date",
  newer_than_target: "Newer than target",
  no_payload_for_arch: "No payload",
  failed_here: "Failed on this host",
  deadend: "Dead end",
  approval_rejected: "Rejected",
  rollout_aborted: "Rollout aborted",
  awaiting_approval: "Awaiting approval",
  rollout_paused: "Rollout paused",
  phase_not_reached: "Later phase",
  blackout: "Blackout date",
  outside_window: "Outside window",
  rate_limit: "Rate limit",
  concurrency_limit: "Concurrency limit",
};

const withReason = (text: string | null) => (text ? `: ${text}` : "");

/** "hour", "6 hours", "90 minutes" — for "in the last …". */
export function formatPeriod(minutes: number): string {
  if (minutes === 60) return "hour";
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return minutes === 1 ? "minute" : `${minutes} minutes`;
}

function nextOpenText(nextOpen: Date | null, timeZone: string): string {
  return nextOpen ? `next opens ${formatInZone(nextOpen, timeZone)}` : "no window opens in the next 14 days";
}

function stoppedText(verb: string, version: string, by: StoppedBy): string {
  return by.kind === "recall"
    ? `The rollout to ${version} was ${verb} because ${by.version} was recalled by ${by.actor}: ${by.reason}.`
    : `The rollout to ${version} was ${verb} by ${stoppedByWho(by)}: ${by.reason}.`;
}

/** The sentence on the host page. */
export function holdText(h: Hold): string {
  switch (h.reason) {
    case "no_channel":
      return "Not on a channel: the host's group has no channel.";
    case "unknown_arch":
      return `No payload is offered: ${h.problem}.`;
    case "recalled":
      return h.running
        ? `This host runs ${h.version}, which was recalled${withReason(h.recallReason)}; no older good release is known to go back to.`
        : `Release ${h.version} was recalled${withReason(h.recallReason)}. It is never offered.`;
    case "paused":
      return `Channel ${h.channelId} is paused${withReason(h.pausedReason)}.`;
    case "pinned": {
      const who = h.scope === "host" ? "This host is" : "Its group is";
      const until = h.expiresAt ? ` until ${formatInZone(h.expiresAt, "UTC")}` : "";
      return `${who} pinned to ${h.version}${until} by ${h.owner}: ${h.pinReason}.`;
    }
    case "rolled_back":
      return `Rolled back to ${h.version} by ${h.owner}: ${h.rollbackReason}. It stays there until the rollback is lifted.`;
    case "no_target":
      return `Channel ${h.channelId} has no target release.`;
    case "up_to_date":
      return `Up to date on ${h.version}.`;
    case "newer_than_target":
      return `Running ${h.version}, newer than the target ${h.target}; going back is an explicit rollback.`;
    case "no_payload_for_arch":
      return `No ${h.arch} payload for ${h.version}.`;
    case "failed_here":
      return `${h.version} failed to boot on this host (it fell back to ${h.running}); it is not offered again until an operator retries it here.`;
    case "deadend":
      return `${h.version} is a dead end${withReason(h.deadendReason)}. Hosts on it are not updated automatically.`;
    case "approval_rejected":
      return `The rollout to ${h.version} was rejected by ${h.actor}: ${h.comment}.`;
    case "rollout_aborted":
      return stoppedText("aborted", h.version, h.by);
    case "awaiting_approval":
      return `The rollout to ${h.version} is waiting for approval (${h.approvals} of ${h.required}).`;
    case "rollout_paused":
      return stoppedText("paused", h.version, h.by);
    case "phase_not_reached":
      return `The rollout to ${h.version} is in phase ${h.phaseIndex + 1} of ${h.phaseCount} (${h.phaseName}), which does not include this host yet.`;
    case "blackout":
      return `${h.date} is a blackout date in ${h.timeZone}; ${nextOpenText(h.nextOpen, h.timeZone)}.`;
    case "outside_window":
      return `Outside the maintenance window; ${nextOpenText(h.nextOpen, h.timeZone)}.`;
    case "rate_limit":
      return `Rate limit: ${h.started} of ${h.limit} updates started in the last ${formatPeriod(h.periodMinutes)}.`;
    case "concurrency_limit":
      return `Concurrency limit: ${h.inProgress} of ${h.limit} updates in progress in this group.`;
  }
}

/** The hold for a closed window, or null when it is open. */
export function holdFromWindow(state: WindowState, timeZone: string): Hold | null {
  if (state.open) return null;
  const nextOpen = state.nextOpen ?? null;
  return state.reason === "blackout" ? { reason: "blackout", date: state.blackoutDate, timeZone, nextOpen } : { reason: "outside_window", timeZone, nextOpen };
}

/** The hold for a reached limit, or null when one more may start. */
export function holdFromLimit(d: LimitDecision): Hold | null {
  if (d.allowed) return null;
  return d.reason === "rate_limit"
    ? { reason: "rate_limit", limit: d.limit, started: d.started, periodMinutes: d.periodMinutes }
    : { reason: "concurrency_limit", limit: d.limit, inProgress: d.inProgress };
}
