import { describe, expect, it } from "vitest";
import type { HoldReason } from "../update/decide";
import { formatPeriod, HOLD_LABELS, HOLD_REASONS, holdFromLimit, holdFromWindow, holdText, isHoldReason, type Hold, type HoldReasonCode } from "./hold-reasons";
import { rateLimitAllows } from "./limits";
import { MaintenanceWindowsSchema } from "./policy-schema";
import { isInWindow } from "./windows";

/** One example per reason; the Record type makes a new reason without an example a compile error. */
const examples: Record<HoldReasonCode, [Hold, string]> = {
  no_channel: [{ reason: "no_channel" }, "Not on a channel: the host's group has no channel."],
  recalled: [{ reason: "recalled", version: "4081.2.0", recallReason: "kernel panic on boot", running: false }, "Release 4081.2.0 was recalled: kernel panic on boot. It is never offered."],
  paused: [{ reason: "paused", channelId: "stable", pausedReason: "bad kernel" }, "Channel stable is paused: bad kernel."],
  pinned: [
    { reason: "pinned", scope: "host", version: "3975.2.2", owner: "ana", pinReason: "driver test", expiresAt: new Date("2026-04-01T12:00:00Z") },
    "This host is pinned to 3975.2.2 until Wed 2026-04-01 12:00 UTC by ana: driver test.",
  ],
  rolled_back: [
    { reason: "rolled_back", version: "3975.2.2", owner: "ana", rollbackReason: "NIC driver regression" },
    "Rolled back to 3975.2.2 by ana: NIC driver regression. It stays there until the rollback is lifted.",
  ],
  no_target: [{ reason: "no_target", channelId: "beta" }, "Channel beta has no target release."],
  up_to_date: [{ reason: "up_to_date", version: "4081.2.0" }, "Up to date on 4081.2.0."],
  newer_than_target: [{ reason: "newer_than_target", version: "4152.0.0", target: "4081.2.0" }, "Running 4152.0.0, newer than the target 4081.2.0; going back is an explicit rollback."],
  no_payload_for_arch: [{ reason: "no_payload_for_arch", version: "4081.2.0", arch: "arm64" }, "No arm64 payload for 4081.2.0."],
  failed_here: [{ reason: "failed_here", version: "4081.2.0", running: "3975.2.2" }, "4081.2.0 failed to boot on this host (it fell back to 3975.2.2); it is not offered again until an operator retries it here."],
  deadend: [{ reason: "deadend", version: "4152.2.0", deadendReason: "breaks the network on Azure" }, "4152.2.0 is a dead end: breaks the network on Azure. Hosts on it are not updated automatically."],
  unknown_arch: [{ reason: "unknown_arch", problem: "unknown architecture: os@arch x86" }, "No payload is offered: unknown architecture: os@arch x86."],
  approval_rejected: [{ reason: "approval_rejected", version: "4081.2.0", actor: "bo", comment: "wrong window" }, "The rollout to 4081.2.0 was rejected by bo: wrong window."],
  rollout_aborted: [
    { reason: "rollout_aborted", version: "4081.2.0", by: { kind: "threshold", reason: "failure rate 12.5 % (3 of 24) above 10 % in phase canary" } },
    "The rollout to 4081.2.0 was aborted by its failure threshold: failure rate 12.5 % (3 of 24) above 10 % in phase canary.",
  ],
  awaiting_approval: [{ reason: "awaiting_approval", version: "4081.2.0", approvals: 1, required: 2 }, "The rollout to 4081.2.0 is waiting for approval (1 of 2)."],
  rollout_paused: [
    { reason: "rollout_paused", version: "4081.2.0", by: { kind: "operator", actor: "ana", reason: "checking NIC firmware" } },
    "The rollout to 4081.2.0 was paused by ana: checking NIC firmware.",
  ],
  phase_not_reached: [
    { reason: "phase_not_reached", version: "4081.2.0", phaseIndex: 0, phaseName: "canary", phaseCount: 4 },
    "The rollout to 4081.2.0 is in phase 1 of 4 (canary), which does not include this host yet.",
  ],
  blackout: [
    { reason: "blackout", date: "2026-12-24", timeZone: "Europe/Berlin", nextOpen: new Date("2026-12-26T21:00:00Z") },
    "2026-12-24 is a blackout date in Europe/Berlin; next opens Sat 2026-12-26 22:00 Europe/Berlin.",
  ],
  outside_window: [
    { reason: "outside_window", timeZone: "America/New_York", nextOpen: new Date("2026-11-01T05:30:00Z") },
    "Outside the maintenance window; next opens Sun 2026-11-01 01:30 America/New_York.",
  ],
  rate_limit: [{ reason: "rate_limit", limit: 20, started: 20, periodMinutes: 60 }, "Rate limit: 20 of 20 updates started in the last hour."],
  concurrency_limit: [{ reason: "concurrency_limit", limit: 8, inProgress: 8 }, "Concurrency limit: 8 of 8 updates in progress in this group."],
};

describe("hold reasons", () => {
  it("lists each reason once, with a label", () => {
    expect(new Set(HOLD_REASONS).size).toBe(HOLD_REASONS.length);
    expect(Object.keys(examples).sort()).toEqual([...HOLD_REASONS].sort());
    for (const r of HOLD_REASONS) expect(HOLD_LABELS[r].length).toBeGreaterThan(0);
  });

  it.each(Object.entries(examples))("%s reads as the operator sees it", (code, [hold, text]) => {
    expect(hold.reason).toBe(code);
    expect(holdText(hold)).toBe(text);
  });

  it("covers every reason the update decision already gives", () => {
    const decided: Record<HoldReason, true> = { no_channel: true, unknown_arch: true, failed_here: true, deadend: true, paused: true, no_target: true, up_to_date: true, no_payload_for_arch: true, newer_than_target: true, pinned: true, rolled_back: true, recalled: true, outside_window: true, blackout: true, concurrency_limit: true, rate_limit: true, approval_rejected: true, rollout_aborted: true, awaiting_approval: true, rollout_paused: true, phase_not_reached: true };
    for (const r of Object.keys(decided)) expect(isHoldReason(r)).toBe(true);
    expect(isHoldReason("bogus")).toBe(false);
  });

  it.each([
    [{ reason: "paused", channelId: "stable", pausedReason: null } as Hold, "Channel stable is paused."],
    [{ reason: "recalled", version: "1.2.3", recallReason: null, running: false } as Hold, "Release 1.2.3 was recalled. It is never offered."],
    [{ reason: "recalled", version: "1.2.3", recallReason: "corrupts /var", running: true } as Hold, "This host runs 1.2.3, which was recalled: corrupts /var; no older good release is known to go back to."],
    [{ reason: "pinned", scope: "group", version: "1.2.3", owner: "ops", pinReason: "freeze", expiresAt: null } as Hold, "Its group is pinned to 1.2.3 by ops: freeze."],
    [{ reason: "outside_window", timeZone: "Europe/Berlin", nextOpen: null } as Hold, "Outside the maintenance window; no window opens in the next 14 days."],
    [{ reason: "rollout_aborted", version: "1.2.3", by: { kind: "operator", actor: "ana", reason: "wrong release" } } as Hold, "The rollout to 1.2.3 was aborted by ana: wrong release."],
    [{ reason: "rollout_paused", version: "1.2.3", by: { kind: "threshold", reason: "failure rate 20 % (2 of 10) above 10 % in phase canary" } } as Hold, "The rollout to 1.2.3 was paused by its failure threshold: failure rate 20 % (2 of 10) above 10 % in phase canary."],
  ])("variant %#", (hold, text) => {
    expect(holdText(hold)).toBe(text);
  });

  it.each([
    [60, "hour"],
    [360, "6 hours"],
    [90, "90 minutes"],
    [1, "minute"],
  ])("period %i reads %s", (minutes, text) => {
    expect(formatPeriod(minutes)).toBe(text);
  });

  it("turns a closed window into a hold", () => {
    const mw = MaintenanceWindowsSchema.parse({ timeZone: "Europe/Berlin", windows: [{ days: ["sun"], start: "23:00", durationMinutes: 120 }], blackoutDates: ["2026-01-20"] });
    expect(holdFromWindow(isInWindow(mw, new Date("2026-01-18T22:30:00Z")), mw.timeZone)).toBeNull();
    const outside = holdFromWindow(isInWindow(mw, new Date("2026-01-19T12:00:00Z")), mw.timeZone);
    expect(outside).toEqual({ reason: "outside_window", timeZone: "Europe/Berlin", nextOpen: new Date("2026-01-25T22:00:00Z") });
    expect(outside && holdText(outside)).toBe("Outside the maintenance window; next opens Sun 2026-01-25 23:00 Europe/Berlin.");
    const dark = holdFromWindow(isInWindow(mw, new Date("2026-01-20T12:00:00Z")), mw.timeZone);
    expect(dark && holdText(dark)).toBe("2026-01-20 is a blackout date in Europe/Berlin; next opens Sun 2026-01-25 23:00 Europe/Berlin.");
  });

  it("turns a reached limit into a hold", () => {
    const limits = { maxConcurrentUpdates: 8, maxUpdatesPerPeriod: { count: 20, periodMinutes: 360 } };
    expect(holdFromLimit(rateLimitAllows(limits, { inProgress: 0, startedInPeriod: 0 }))).toBeNull();
    const rate = holdFromLimit(rateLimitAllows(limits, { inProgress: 0, startedInPeriod: 20 }));
    expect(rate && holdText(rate)).toBe("Rate limit: 20 of 20 updates started in the last 6 hours.");
    const running = holdFromLimit(rateLimitAllows(limits, { inProgress: 8, startedInPeriod: 3 }));
    expect(running).toEqual({ reason: "concurrency_limit", limit: 8, inProgress: 8 });
  });
});
