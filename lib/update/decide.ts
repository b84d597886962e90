import { compareVersions } from "./version";
import { holdFromWindow, holdText, type Hold } from "../rollout/hold-reasons";
import { isInWindow } from "../rollout/windows";
import { hostRank, withinCutoff } from "../rollout/phases";
import { activePin, channelArchKey, releaseFor, releaseInChannel, type ChannelInfo, type PolicySnapshot, type ReleaseInfo, type RolloutInfo } from "./policy";

export type HoldReason =
  | "no_channel"
  | "unknown_arch"
  | "failed_here"
  | "deadend"
  | "paused"
  | "no_target"
  | "up_to_date"
  | "no_payload_for_arch"
  | "newer_than_target"
  | "pinned"
  | "rolled_back"
  | "recalled"
  | "outside_window"
  | "blackout"
  | "concurrency_limit"
  | "rate_limit"
  | "approval_rejected"
  | "rollout_aborted"
  | "awaiting_approval"
  | "rollout_paused"
  | "phase_not_reached";

/** An offer made by a rollout: the host joins it at this phase (phases.length once completed). */
export interface RolloutRef {
  id: string;
  phaseIndex: number;
}

export type UpdateDecision =
  | { kind: "offer"; release: ReleaseInfo; pinned: boolean; rollback: boolean; rollout?: RolloutRef; barrier?: { target: string; reason: string | null } }
  | { kind: "hold"; reason: HoldReason; detail: string };

export interface HostFacts {
  id: string;
  groupId: string;
  version: string;
  arch: string;
  /** Set when the host's architecture cannot be trusted (unknown, contradictory): nothing is offered. */
  archProblem?: string | null;
  /** Versions that failed to boot on this host and were not retried by an operator. */
  failedVersions?: ReadonlySet<string>;
  /** What the agent says it is doing, where its protocol tells (native agents). */
  updateState?: string;
}

const MID_UPDATE = new Set(["downloading", "downloaded", "staged", "rebooting"]);

/** An agent in the middle of installing an update is let finish it when a channel or rollout is paused. */
function isMidUpdate(host: HostFacts): boolean {
  return host.updateState !== undefined && MID_UPDATE.has(host.updateState);
}

/**
 * What to offer a host on its channel. A paused channel offers nothing; a pin (the host's,
 * else its group's) replaces the channel target; a host already on or past what it should run
 * is left alone — downgrades happen only for a rollback (a pin that allows downgrade), never
 * because of a target or an ordinary pin.
 */
export function decideUpdate(p: PolicySnapshot, channel: ChannelInfo | null, host: HostFacts, now = new Date()): UpdateDecision {
  if (!channel) return { kind: "hold", reason: "no_channel", detail: "the host's group has no channel" };
  // Never guess: a payload for another architecture fails every install on the host.
  if (host.archProblem) return held({ reason: "unknown_arch", problem: host.archProblem });
  if (channel.paused && !isMidUpdate(host)) return { kind: "hold", reason: "paused", detail: `channel ${channel.id} paused${channel.pausedReason ? `: ${channel.pausedReason}` : ""}` };
  // A host on a recalled release goes back to the newest good release below it.
  const running = releaseFor(p, channel, host.version, host.arch);
  if (running?.recalled) {
    const good = lastGoodBelow(p, channel, host.version, host.arch);
    if (good) return { kind: "offer", release: good, pinned: false, rollback: true };
    return { kind: "hold", reason: "recalled", detail: `${host.version} was recalled (${running.recalled}) and no older good release is known` };
  }
  const pin = activePin(p, host.id, host.groupId, now);
  let wanted: string;
  let rollback = false;
  let rollout: RolloutInfo | undefined;
  if (pin) {
    wanted = pin.version;
    const cmp = compareVersions(host.version, wanted);
    if (cmp === 0 && pin.allowDowngrade) return { kind: "hold", reason: "rolled_back", detail: `rolled back to ${pin.version} by ${pin.owner}: ${pin.reason}` };
    if (cmp === 0 || (cmp > 0 && !pin.allowDowngrade)) {
      return { kind: "hold", reason: "pinned", detail: `${pin.scope} pinned to ${pin.version} by ${pin.owner}: ${pin.reason}` };
    }
    rollback = cmp > 0;
  } else {
    // The group's rollout names what it moves to; without one, the channel's target.
    rollout = p.rollouts.get(host.groupId);
    if (rollout && rollout.channelId !== null && rollout.channelId !== channel.id) rollout = undefined;
    const target = channel.targetReleaseId ? p.releases.get(channel.targetReleaseId) : undefined;
    if (!rollout && !target) return { kind: "hold", reason: "no_target", detail: `channel ${channel.id} has no target release` };
    wanted = rollout ? rollout.version : target!.version;
    const cmp = compareVersions(host.version, wanted);
    if (cmp === 0) return { kind: "hold", reason: "up_to_date", detail: `on the target ${wanted}` };
    if (cmp > 0) return { kind: "hold", reason: "newer_than_target", detail: `running ${host.version}, newer than the target ${wanted}` };
  }
  // A dead end has no way on (as in the Cincinnati graph); only an operator's rollback leaves it.
  if (!rollback && running?.deadend) return held({ reason: "deadend", version: host.version, deadendReason: running.deadendReason });
  const release = releaseFor(p, channel, wanted, host.arch);
  if (!release) return { kind: "hold", reason: "no_payload_for_arch", detail: `no ${host.arch} payload for ${wanted}` };
  if (release.recalled) return { kind: "hold", reason: "recalled", detail: `${wanted} was recalled: ${release.recalled}` };
  // A barrier between the host and its goal is as far as it goes this time, whatever the
  // protocol: the next check, from the barrier, goes on.
  const barrier = rollback ? null : firstBarrierBetween(p, channel, host.version, wanted, host.arch);
  const offered = barrier ?? release;
  if (barrier?.recalled) return { kind: "hold", reason: "recalled", detail: `the barrier ${barrier.version} on the way to ${wanted} was recalled: ${barrier.recalled}` };
  // update_engine installs whatever it is offered: a version that fell back here would be
  // installed and fall back again on every check. Only an operator's retry lifts this.
  if (host.failedVersions?.has(offered.version)) return held({ reason: "failed_here", version: offered.version, running: host.version });
  let ref: RolloutRef | undefined;
  if (!pin) {
    // The rollout gates the move toward its release; the barrier step itself joins no rollout
    // (the host would count as updated on reaching the barrier).
    const gate = rolloutGate(p, host, wanted, rollout);
    if (gate.kind === "hold") return gate;
    if (!barrier) ref = gate.ref;
  }
  // Updates start only inside the group's maintenance windows; rollbacks are not held back.
  if (!rollback) {
    const closed = windowHold(p, host.groupId, now);
    if (closed) return closed;
  }
  return { kind: "offer", release: offered, pinned: pin !== null, rollback, ...(ref ? { rollout: ref } : {}), ...(barrier ? { barrier: { target: wanted, reason: barrier.barrierReason } } : {}) };
}

/** The oldest barrier release of the channel (and arch) strictly between `from` and `to`. */
function firstBarrierBetween(p: PolicySnapshot, channel: ChannelInfo, from: string, to: string, arch: string): ReleaseInfo | null {
  for (const r of p.releasesByChannelArch.get(channelArchKey(channel.id, arch)) ?? []) {
    if (r.barrier && compareVersions(r.version, from) > 0 && compareVersions(r.version, to) < 0) return r;
  }
  return null;
}

type HoldDecision = Extract<UpdateDecision, { kind: "hold" }>;

function held(hold: Hold): HoldDecision {
  return { kind: "hold", reason: hold.reason as HoldReason, detail: holdText(hold) };
}

/**
 * A rollout lets a host through only while it runs and the current phase's share includes the
 * host (or once it completed). A group that needs approval gets nothing new without an
 * approved rollout for exactly that release.
 */
function rolloutGate(p: PolicySnapshot, host: HostFacts, version: string, rollout: RolloutInfo | undefined): { kind: "pass"; ref?: RolloutRef } | HoldDecision {
  if (!rollout || rollout.version !== version) {
    const required = p.groups.get(host.groupId)?.approvalsRequired;
    return required ? held({ reason: "awaiting_approval", version, approvals: 0, required }) : { kind: "pass" };
  }
  switch (rollout.status) {
    case "awaiting_approval":
      return held({ reason: "awaiting_approval", version, approvals: rollout.approvals, required: rollout.approvalsRequired });
    case "rejected":
      return held({ reason: "approval_rejected", version, actor: rollout.rejectedBy?.actor ?? "an approver", comment: rollout.rejectedBy?.comment ?? "no comment" });
    case "aborted":
    case "superseded":
      return held({ reason: "rollout_aborted", version, by: rollout.stoppedBy ?? { kind: "operator", actor: "an operator", reason: "aborted" } });
    case "paused":
      if (isMidUpdate(host)) return { kind: "pass", ref: { id: rollout.id, phaseIndex: rollout.phaseIndex } };
      return held({ reason: "rollout_paused", version, by: rollout.stoppedBy ?? { kind: "operator", actor: "an operator", reason: "paused" } });
    case "completed":
      return { kind: "pass", ref: { id: rollout.id, phaseIndex: rollout.phaseNames.length } };
    case "running": {
      if (!withinCutoff(rollout.cutoffs, rollout.phaseIndex, hostRank(host.id, rollout.id))) {
        return held({
          reason: "phase_not_reached",
          version,
          phaseIndex: rollout.phaseIndex,
          phaseName: rollout.phaseNames[rollout.phaseIndex] ?? "",
          phaseCount: rollout.phaseNames.length,
        });
      }
      return { kind: "pass", ref: { id: rollout.id, phaseIndex: rollout.phaseIndex } };
    }
  }
}

/** The newest release of the channel's family for an arch that is older than `version` and not recalled. */
function lastGoodBelow(p: PolicySnapshot, channel: ChannelInfo, version: string, arch: string): ReleaseInfo | null {
  let best: ReleaseInfo | null = null;
  for (const r of p.releases.values()) {
    if (r.osFamily !== channel.osFamily || r.arch !== arch || r.recalled) continue;
    if (!releaseInChannel(r, channel.id) && r.channelId !== null) continue;
    if (compareVersions(r.version, version) >= 0) continue;
    if (!best || compareVersions(r.version, best.version) > 0) best = r;
  }
  return best;
}

function windowHold(p: PolicySnapshot, groupId: string, now: Date): UpdateDecision | null {
  const mw = p.groups.get(groupId)?.maintenanceWindows;
  if (!mw) return null;
  const minute = Math.floor(now.getTime() / 60_000);
  p.windowMemo ??= new Map();
  let memo = p.windowMemo.get(groupId);
  if (!memo || memo.minute !== minute) {
    memo = { minute, state: isInWindow(mw, now) };
    p.windowMemo.set(groupId, memo);
  }
  const hold = holdFromWindow(memo.state, mw.timeZone);
  return hold ? { kind: "hold", reason: hold.reason === "blackout" ? "blackout" : "outside_window", detail: holdText(hold) } : null;
}
