import { gt, isNull, or, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { GroupPolicySchema, type MaintenanceWindows } from "@/lib/rollout/policy-schema";
import { channels, groups, pins, releases } from "../schema/fleet";
import { releaseChannels } from "../schema/catalog";
import { channelArchKey, type GroupInfo, type PinInfo, type PolicySnapshot, type ReleaseInfo, type UpdateLimits } from "@/lib/update/policy";
import { compareVersions } from "@/lib/update/version";
import { getFleetPolicy } from "./fleet-policy";
import { loadRolloutInfos } from "./rollouts";
import { loadActiveFailedVersions } from "./failed-versions";

/**
 * Loads everything the update decision reads. Groups, channels and releases number in the
 * hundreds, not millions, so the agent endpoints keep the whole snapshot in memory.
 */
export async function loadPolicySnapshot(db: Db): Promise<PolicySnapshot> {
  const [g, c, r, pinRows, rolloutInfos, links, failedVersions, fleetDefault, undefinedGroups] = await Promise.all([
    db.select({ id: groups.id, channelId: groups.channelId, policy: groups.policy, requiresApproval: groups.requiresApproval, approvalsRequired: groups.approvalsRequired, labelSelector: groups.labelSelector }).from(groups),
    db.select().from(channels),
    db.select().from(releases),
    // Host pins can number in the hundred thousands (bulk pins); a Map of them is still small.
    db.select().from(pins).where(or(isNull(pins.expiresAt), gt(pins.expiresAt, new Date()))),
    loadRolloutInfos(db),
    db.select({ releaseId: releaseChannels.releaseId, channelId: releaseChannels.channelId }).from(releaseChannels),
    loadActiveFailedVersions(db),
    getFleetPolicy(db),
    // Groups hosts asked for that nobody defined, from the live counts (not the hosts): they follow the fleet default too.
    db.execute(sql`SELECT DISTINCT c.group_id AS id FROM fleet_state_counts c WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.id = c.group_id)`),
  ]);
  // A release is listed under its own channel and under every channel it was promoted to.
  const promoted = new Map<string, string[]>();
  for (const l of links) promoted.set(l.releaseId, [...(promoted.get(l.releaseId) ?? []), l.channelId]);

  const byDefault = policyOf(fleetDefault.policy as unknown as Record<string, unknown>);
  const pinOf = (x: (typeof pinRows)[number]): PinInfo => ({ id: x.id, scope: x.scope, targetId: x.targetId, version: x.version, reason: x.reason, owner: x.owner, expiresAt: x.expiresAt, allowDowngrade: x.allowDowngrade });
  const byKey = new Map<string, ReleaseInfo[]>();
  const rel: ReleaseInfo[] = r.map((x) => ({
    id: x.id,
    osFamily: x.osFamily,
    channelId: x.channelId,
    channelIds: [...new Set([...(x.channelId ? [x.channelId] : []), ...(promoted.get(x.id) ?? [])])],
    version: x.version,
    arch: x.arch,
    payloadUrl: x.payloadUrl,
    payloadName: x.payloadName,
    sizeBytes: x.sizeBytes,
    sha1Base64: x.sha1Base64,
    sha256Base64: x.sha256Base64,
    ostreeChecksum: x.ostreeChecksum,
    ociPullspec: x.ociPullspec,
    barrier: x.barrier,
    barrierReason: x.barrierReason,
    deadend: x.deadend,
    deadendReason: x.deadendReason,
    recalled: x.recalledAt ? (x.recallReason ?? "recalled") : null,
    extensionPayloads: x.extensionPayloads.map((e) => ({ name: e.name, sizeBytes: e.sizeBytes, sha1Base64: e.sha1Base64, sha256Base64: e.sha256Base64 })),
  }));
  for (const x of rel) {
    for (const channelId of x.channelIds ?? []) {
      const k = channelArchKey(channelId, x.arch);
      byKey.set(k, [...(byKey.get(k) ?? []), x]);
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => compareVersions(a.version, b.version));
  return {
    groups: new Map([
      ...rowsOf<{ id: string }>(undefinedGroups).map((x): [string, GroupInfo] => [x.id, { id: x.id, channelId: null, approvalsRequired: null, labelSelector: null, ...byDefault }]),
      // A group without a policy of its own follows the fleet-wide default (windows, limits).
      ...g.map((x): [string, GroupInfo] => [x.id, { id: x.id, channelId: x.channelId, approvalsRequired: x.requiresApproval ? x.approvalsRequired : null, labelSelector: x.labelSelector, ...(x.policy ? policyOf(x.policy) : byDefault) }]),
    ]),
    groupPins: new Map(pinRows.filter((x) => x.scope === "group").map((x) => [x.targetId, pinOf(x)])),
    hostPins: new Map(pinRows.filter((x) => x.scope === "host").map((x) => [x.targetId, pinOf(x)])),
    channels: new Map(
      c.map((x) => [
        x.id,
        {
          id: x.id,
          osFamily: x.osFamily,
          targetReleaseId: x.targetReleaseId,
          paused: x.paused,
          pausedReason: x.pausedReason,
          rolloutStartedAt: x.rolloutStartedAt,
          rolloutDurationMinutes: x.rolloutDurationMinutes,
          rolloutStartValue: x.rolloutStartValue,
        },
      ]),
    ),
    releases: new Map(rel.map((x) => [x.id, x])),
    releasesByChannelArch: byKey,
    rollouts: new Map(rolloutInfos.map((x) => [x.groupId, x])),
    failedVersions,
  };
}

/** The stored policy was validated on write; read back only what the decision needs. */
function policyOf(policy: Record<string, unknown> | null): { maintenanceWindows: MaintenanceWindows | null; limits: UpdateLimits | null } {
  const parsed = policy ? GroupPolicySchema.safeParse(policy) : null;
  if (!parsed?.success) return { maintenanceWindows: null, limits: null };
  const p = parsed.data;
  const limited = p.maxConcurrentUpdates !== null || p.maxUpdatesPerPeriod !== null;
  return {
    maintenanceWindows: p.maintenanceWindows,
    limits: limited ? { maxConcurrentUpdates: p.maxConcurrentUpdates, maxUpdatesPerPeriod: p.maxUpdatesPerPeriod, updateTimeoutMinutes: p.updateTimeoutMinutes } : null,
  };
}
