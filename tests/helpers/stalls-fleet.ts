import type { Db } from "@/db/client";
import { SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { hosts } from "@/db/schema/fleet";
import { DEFAULT_GROUP_POLICY, GroupPolicySchema, type GroupPolicyInput } from "@/lib/rollout/policy-schema";
import { fcosRelease, flatcarRelease } from "./catalog";

/** A Flatcar and an FCOS channel with two releases each (no targets yet). */
export async function seedTwoFamilies(db: Db): Promise<void> {
  await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
  await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
  await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2"), flatcarRelease("4081.2.0"), flatcarRelease("4152.2.2")], "release.import");
  await createReleases(db, SYSTEM_ACTOR, [fcosRelease("40.20240416.3.1", "a1".repeat(32)), fcosRelease("40.20240504.3.0", "b2".repeat(32))], "release.import");
}

export const machine = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(32 - prefix.length, "0")}`;

/** Hosts as if they had reported (straight into the table: these tests are about the operator side). */
export async function addHosts(db: Db, groupId: string, n: number, opts: { prefix: string; version: string; osFamily?: "flatcar" | "fcos"; lastSeenAt?: Date; channelId?: string }): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => machine(opts.prefix, i));
  const seen = opts.lastSeenAt ?? new Date();
  await db.insert(hosts).values(
    ids.map((id, i) => ({
      id,
      hostname: `${groupId}-${opts.prefix}-${i}`,
      osFamily: opts.osFamily ?? "flatcar",
      osVersion: opts.version,
      arch: "amd64",
      updateState: "idle" as const,
      groupId,
      channelId: opts.channelId ?? (opts.osFamily === "fcos" ? "fcos-stable" : "stable"),
      protocol: opts.osFamily === "fcos" ? ("cincinnati" as const) : ("omaha" as const),
      lastSeenAt: seen,
      lastSeenStep: seen,
    })),
  );
  return ids;
}

export async function groupWithPolicy(db: Db, id: string, channelId: string, p: Partial<GroupPolicyInput> = {}): Promise<void> {
  await createGroup(db, SYSTEM_ACTOR, { id, description: "", channelId });
  const policy = GroupPolicySchema.parse({ ...DEFAULT_GROUP_POLICY, ...p });
  await updateGroup(db, SYSTEM_ACTOR, id, { policy });
}

export async function targetVersion(db: Db, channelId: string, version: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  const rel = await db.query.releases.findFirst({ where: (r, { and, eq }) => and(eq(r.version, version), eq(r.channelId, channelId)) });
  await setChannelTarget(db, actor, channelId, { releaseId: rel!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: `ship ${version}` });
}

export const OPERATOR: Actor = { userId: null, email: "ops@example.com", role: "admin", via: "session", clientAddr: null };
