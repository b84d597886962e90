import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { Db } from "../client";
import { pins, releases } from "../schema/fleet";
import { fcosHostGuidance, type FcosHostGuidance } from "@/lib/cincinnati/manual-step";
import { compareVersions } from "@/lib/update/version";

interface HostFacts {
  id: string;
  groupId: string;
  osFamily: string;
  osVersion: string;
  arch: string;
  previousVersion: string | null;
  deploymentId: string | null;
}

/**
 * The pin or rollback that applies to an FCOS host (its own, else its group's, as the update
 * decision picks it: lib/update/policy.ts activePin), with who set it, why, and the command
 * the host's operator must run. Null for other families and unpinned hosts.
 */
export async function fcosGuidanceForHost(db: Db, host: HostFacts, now = new Date()): Promise<FcosHostGuidance | null> {
  if (host.osFamily !== "fcos") return null;
  const rows = await db
    .select()
    .from(pins)
    .where(
      and(
        or(and(eq(pins.scope, "host"), eq(pins.targetId, host.id)), and(eq(pins.scope, "group"), eq(pins.targetId, host.groupId))),
        or(isNull(pins.expiresAt), gt(pins.expiresAt, now)),
      ),
    );
  const pin = rows.find((p) => p.scope === "host") ?? rows[0];
  if (!pin) return null;
  const [release] = await db
    .select({ ostreeChecksum: releases.ostreeChecksum, ociPullspec: releases.ociPullspec })
    .from(releases)
    .where(and(eq(releases.osFamily, "fcos"), eq(releases.version, pin.version), eq(releases.arch, host.arch)));
  return fcosHostGuidance({ host, pin, release: release ?? null, compare: compareVersions });
}
