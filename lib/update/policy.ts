import type { OsFamily } from "../agent/native-report";
import type { MaintenanceWindows } from "../rollout/policy-schema";
import type { WindowState } from "../rollout/windows";
import type { StoppedBy } from "../rollout/hold-reasons";
import type { RolloutStatus } from "../rollout/rollout";

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
  /** FCOS: the release's image pullspec for this arch (`registry/repo@sha256:…`), served in the OCI graph. */
  ociPullspec: string | null;
  barrier: boolean;
  barrierReason: string | null;
  deadend: boolean;
  deadendReason: string | null;
  /** Recall reason when the release was recalled, else null. */
  recalled: string | null;
  /** Every channel offering the release (published there or promoted); absent = `channelId` only. */
  channelIds?: readonly string[];
  /** Flatcar extension packages offered beside the main payload (none when absent). */
  extensionPayloads?: readonly ExtensionPackageInfo[];
}

export interface ExtensionPackageInfo {
  name: string;
  sizeBytes: number;
  sha1Base64: string;
  sha256Base64: string;
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
  /** Four-eyes: a new release reaches the group only through an approved rollout. */
  approvalsRequired: number | null;
  /** Hosts whose labels include all these pairs are assigned here (null: by name only). */
  labelSelector?: Record<string, string> | null;
}

/** The group's current rollout as the decision needs it (superseded ones are never loaded). */
export interface RolloutInfo {
  id: string;
  groupId: string;
  channelId: string | null;
  version: string;
  status: RolloutStatus;
  phaseIndex: number;
  phaseNames: string[];
  cutoffs: number[];
  stoppedBy: StoppedBy | null;
  approvals: number;
  approvalsRequired: number;
  rejectedBy: { actor: string; comment: string } | null;
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
  /** Each group's latest rollout that was not superseded. */
  rollouts: Map<string, RolloutInfo>;
  /** Per host, versions that failed to boot there and were not retried (few: failures only). */
  failedVersions?: Map<string, ReadonlySet<string>>;
  /** Window state per group and minute, filled lazily: the check costs ~0.1 ms, a check-in far less. */
  windowMemo?: Map<string, { minute: number; state: WindowState }>;
}

/** Whether a channel offers a release: the channel it was published on, or one it was promoted to. */
export function releaseInChannel(r: ReleaseInfo, channelId: string): boolean {
  return r.channelIds ? r.channelIds.includes(channelId) : r.channelId === channelId;
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

/**
 * The group a host belongs to: an operator's label assignment wins over the group the host
 * asked for (Omaha track, Zincati group, native `group`). When several selectors match, the
 * most specific (most pairs) wins, then the first by name, so every process agrees.
 */
export function resolveGroup(p: PolicySnapshot, requested: string, labels: Record<string, string>): string {
  let best: { id: string; size: number } | null = null;
  for (const g of p.groups.values()) {
    const sel = g.labelSelector;
    if (!sel) continue;
    const pairs = Object.entries(sel);
    if (pairs.length === 0 || !pairs.every(([k, v]) => labels[k] === v)) continue;
    if (!best || pairs.length > best.size || (pairs.length === best.size && g.id < best.id)) best = { id: g.id, size: pairs.length };
  }
  return best?.id ?? requested;
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

/** The versions blocked on a host: the snapshot's, plus one just recorded (the snapshot may predate it). */
export function failedVersionsFor(p: PolicySnapshot, hostId: string, justFailed: string | null = null): ReadonlySet<string> | undefined {
  const known = p.failedVersions?.get(hostId);
  if (!justFailed || known?.has(justFailed)) return known;
  return new Set([...(known ?? []), justFailed]);
}
