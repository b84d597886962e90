import type { OsFamily } from "../agent/native-report";
import type { MaintenanceWindows } from "../rollout/policy-schema";
import type { WindowState } from "../rollout/windows";

/** A release as the protocols need it. */
export interface ReleaseInfo {
  id: string;
  osFamily: OsFamily;
  channelId: string | null;
  version: string;
  arch: string;
  payloadUrl: string | null;
  payloadName: string | null;
  sizeBytes: number | null;
  sha1Base64: string | null;
  sha256Base64: string | null;
  ostreeChecksum: string | null;
  barrier: boolean;
  barrierReason: string | null;
  deadend: boolean;
  deadendReason: string | null;
  /** Recall reason when the release was recalled, else null. */
  recalled: string | null;
}

export interface ChannelInfo {
  id: string;
  osFamily: OsFamily;
  targetReleaseId: string | null;
  paused: boolean;
  pausedReason: string | null;
  rolloutStartedAt: Date | null;
  rolloutDurationMinutes: number;
  rolloutStartValue: number;
}

export interface GroupInfo {
  id: string;
  channelId: string | null;
  /** When updates may start (null: any time). */
  maintenanceWindows: MaintenanceWindows | null;
  /** Concurrency and rate limits (null: none), enforced with update slots in the database. */
  limits: UpdateLimits | null;
}

export interface UpdateLimits {
  maxConcurrentUpdates: number | null;
  maxUpdatesPerPeriod: { count: number; periodMinutes: number } | null;
  updateTimeoutMinutes: number;
}

export interface PinInfo {
  id: string;
  scope: "group" | "host";
  targetId: string;
  version: string;
  reason: string;
  owner: string;
  expiresAt: Date | null;
  /** A rollback: take hosts back to `version` even from a newer one. */
  allowDowngrade: boolean;
}

/** Everything the update decision reads, loaded once and cached by the server. */
export interface PolicySnapshot {
  groups: Map<string, GroupInfo>;
  groupPins: Map<string, PinInfo>;
  hostPins: Map<string, PinInfo>;
  channels: Map<string, ChannelInfo>;
  releases: Map<string, ReleaseInfo>;
  /** Releases of a channel, per arch, oldest first. */
  releasesByChannelArch: Map<string, ReleaseInfo[]>;
  /** Window state per group and minute, filled lazily: the check costs ~0.1 ms, a check-in far less. */
  windowMemo?: Map<string, { minute: number; state: WindowState }>;
}

export function channelArchKey(channelId: string, arch: string): string {
  return `${channelId}\u0000${arch}`;
}

/**
 * Which channel a host follows: its group's channel when the group exists and has one;
 * otherwise the channel named like the Omaha track / Zincati stream for its OS family
 * (`stable`, or `fcos-stable` when `stable` belongs to the other family).
 */
export function resolveChannel(p: PolicySnapshot, osFamily: OsFamily, groupId: string, trackOrStream: string | null): ChannelInfo | null {
  const g = p.groups.get(groupId);
  if (g?.channelId) {
    const c = p.channels.get(g.channelId);
    if (c) return c;
  }
  if (!trackOrStream) return null;
  const direct = p.channels.get(trackOrStream);
  if (direct && direct.osFamily === osFamily) return direct;
  const prefixed = p.channels.get(`${osFamily}-${trackOrStream}`);
  return prefixed && prefixed.osFamily === osFamily ? prefixed : null;
}

/** The pin that applies to a host: its own, else its group's; expired pins do not count. */
export function activePin(p: PolicySnapshot, hostId: string, groupId: string, now: Date): PinInfo | null {
  for (const pin of [p.hostPins.get(hostId), p.groupPins.get(groupId)]) {
    if (pin && (!pin.expiresAt || pin.expiresAt > now)) return pin;
  }
  return null;
}

/** The release of `version` for an arch: the channel's own build first, else any of the family. */
export function releaseFor(p: PolicySnapshot, channel: ChannelInfo, version: string, arch: string): ReleaseInfo | null {
  const own = (p.releasesByChannelArch.get(channelArchKey(channel.id, arch)) ?? []).find((r) => r.version === version);
  if (own) return own;
  for (const r of p.releases.values()) if (r.osFamily === channel.osFamily && r.version === version && r.arch === arch) return r;
  return null;
}
