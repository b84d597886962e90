import { compareVersions } from "./version";
import { activePin, releaseFor, type ChannelInfo, type PolicySnapshot, type ReleaseInfo } from "./policy";

export type HoldReason = "no_channel" | "paused" | "no_target" | "up_to_date" | "no_payload_for_arch" | "newer_than_target" | "pinned" | "rolled_back";

export type UpdateDecision = { kind: "offer"; release: ReleaseInfo; pinned: boolean; rollback: boolean } | { kind: "hold"; reason: HoldReason; detail: string };

export interface HostFacts {
  id: string;
  groupId: string;
  version: string;
  arch: string;
}

/**
 * What to offer a host on its channel. A paused channel offers nothing; a pin (the host's,
 * else its group's) replaces the channel target; a host already on or past what it should run
 * is left alone — downgrades happen only for a rollback (a pin that allows downgrade), never
 * because of a target or an ordinary pin.
 */
export function decideUpdate(p: PolicySnapshot, channel: ChannelInfo | null, host: HostFacts, now = new Date()): UpdateDecision {
  if (!channel) return { kind: "hold", reason: "no_channel", detail: "the host's group has no channel" };
  if (channel.paused) return { kind: "hold", reason: "paused", detail: `channel ${channel.id} paused${channel.pausedReason ? `: ${channel.pausedReason}` : ""}` };
  const pin = activePin(p, host.id, host.groupId, now);
  let wanted: string;
  let rollback = false;
  if (pin) {
    wanted = pin.version;
    const cmp = compareVersions(host.version, wanted);
    if (cmp === 0 && pin.allowDowngrade) return { kind: "hold", reason: "rolled_back", detail: `rolled back to ${pin.version} by ${pin.owner}: ${pin.reason}` };
    if (cmp === 0 || (cmp > 0 && !pin.allowDowngrade)) {
      return { kind: "hold", reason: "pinned", detail: `${pin.scope} pinned to ${pin.version} by ${pin.owner}: ${pin.reason}` };
    }
    rollback = cmp > 0;
  } else {
    const target = channel.targetReleaseId ? p.releases.get(channel.targetReleaseId) : undefined;
    if (!target) return { kind: "hold", reason: "no_target", detail: `channel ${channel.id} has no target release` };
    wanted = target.version;
    const cmp = compareVersions(host.version, wanted);
    if (cmp === 0) return { kind: "hold", reason: "up_to_date", detail: `on the target ${wanted}` };
    if (cmp > 0) return { kind: "hold", reason: "newer_than_target", detail: `running ${host.version}, newer than the target ${wanted}` };
  }
  const release = releaseFor(p, channel, wanted, host.arch);
  if (!release) return { kind: "hold", reason: "no_payload_for_arch", detail: `no ${host.arch} payload for ${wanted}` };
  return { kind: "offer", release, pinned: pin !== null, rollback };
}
