import type { MaintenanceWindows } from "../rollout/policy-schema";
import { holdFromWindow, holdText, type StoppedBy } from "../rollout/hold-reasons";
import { isInWindow } from "../rollout/windows";

/**
 * Why a new reboot slot is refused, or null: the group's maintenance window is closed, or its
 * rollout is paused (an update installed before the pause may not reboot into it now). The
 * words go into the FleetLock error `value`, which Zincati logs as "<context>: <value>"
 * (coreos/zincati src/fleet_lock/mod.rs:87).
 */
export function rebootRefusal(input: { windows: MaintenanceWindows | null; pausedRollout: { version: string; stoppedBy: StoppedBy | null } | null; now: Date }): string | null {
  if (input.pausedRollout) {
    const by = input.pausedRollout.stoppedBy;
    const why = by ? (by.kind === "operator" ? `by ${by.actor}: ${by.reason}` : `by its failure threshold: ${by.reason}`) : "";
    return `reboot refused: the rollout to ${input.pausedRollout.version} is paused${why ? ` ${why}` : ""}`;
  }
  if (input.windows) {
    const hold = holdFromWindow(isInWindow(input.windows, input.now), input.windows.timeZone);
    if (hold) return `reboot refused: ${holdText(hold)}`;
  }
  return null;
}
