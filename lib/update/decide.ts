import { compareVersions } from "./version";
import type { ChannelInfo, PolicySnapshot, ReleaseInfo } from "./policy";

export type HoldReason = "no_channel" | "paused" | "no_target" | "up_to_date" | "no_payload_for_arch" | "newer_than_target";

export type UpdateDecision = { kind: "offer"; release: ReleaseInfo } | { kind: "hold"; reason: HoldReason; detail: string };

export interface HostFacts {
  version: string;
  arch: string;
}

/** Human-readable text of a hold, shown on the host page and stored with the check. */
export function holdText(d: UpdateDecision): string | null {
  return d.kind === "hold" ? d.detail : null;
}

/**
 * What to offer a host on its channel. Until rollouts exist the channel's target release is
 * the offer; a paused channel offers nothing new; a host already on or past the target is
 * left alone (rollbacks are explicit operator actions, never implied by a target).
 */
export function decideUpdate(p: PolicySnapshot, channel: ChannelInfo | null, host: HostFacts): UpdateDecision {
  if (!channel) return { kind: "hold", reason: "no_channel", detail: "the host's group has no channel" };
  if (channel.paused) return { kind: "hold", reason: "paused", detail: `channel ${channel.id} paused${channel.pausedReason ? `: ${channel.pausedReason}` : ""}` };
  const target = channel.targetReleaseId ? p.releases.get(channel.targetReleaseId) : undefined;
  if (!target) return { kind: "hold", reason: "no_target", detail: `channel ${channel.id} has no target release` };
  const cmp = compareVersions(host.version, target.version);
  if (cmp === 0) return { kind: "hold", reason: "up_to_date", detail: `on the target ${target.version}` };
  if (cmp > 0) return { kind: "hold", reason: "newer_than_target", detail: `running ${host.version}, newer than the target ${target.version}` };
  // The target names a version; the payload is per architecture.
  const forArch = (p.releasesByChannelArch.get(`${channel.id}\u0000${host.arch}`) ?? []).find((r) => r.version === target.version) ??
    [...p.releases.values()].find((r) => r.osFamily === target.osFamily && r.version === target.version && r.arch === host.arch);
  if (!forArch) return { kind: "hold", reason: "no_payload_for_arch", detail: `no ${host.arch} payload for ${target.version}` };
  return { kind: "offer", release: forArch };
}
