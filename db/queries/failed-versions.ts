import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../client";
import { hostFailedVersions, HOST_FAILURE_SOURCES } from "../schema/host-failures";
import { AppError } from "@/lib/errors";
import { appendAudit, type Actor } from "./audit";

export type HostFailureSource = (typeof HOST_FAILURE_SOURCES)[number];

export interface FailureReport {
  hostId: string;
  /** The version the host runs now (the one it fell back to). */
  runningVersion: string;
  source: HostFailureSource;
  errorCode: string | null;
  errorMessage: string | null;
  at: Date;
}

/**
 * A host says its update failed to boot (GRUB fell back, the agent rolled back). Neither
 * update_engine's 3/0 errorcode 44 nor a native rollback report names the version that failed:
 * it is the one this host was last offered, when that is not what it runs now. Records it (a
 * repeat failure after an operator retry blocks it again) and returns it; null when the host
 * was offered nothing else (a repeated report, an operator rollback to the running version).
 */
export async function recordFailedVersion(db: Db, f: FailureReport): Promise<string | null> {
  const rows = rowsOf<{ version: string }>(
    await db.execute(sql`
      INSERT INTO host_failed_versions AS f (host_id, version, source, error_code, error_message, first_failed_at, last_failed_at)
      SELECT h.id, h.offered_version, ${f.source}, ${f.errorCode}, ${f.errorMessage}, ${f.at.toISOString()}::timestamptz, ${f.at.toISOString()}::timestamptz
      FROM hosts h WHERE h.id = ${f.hostId} AND h.offered_version IS NOT NULL AND h.offered_version <> ${f.runningVersion}
      ON CONFLICT (host_id, version) DO UPDATE SET
        last_failed_at = excluded.last_failed_at, failures = f.failures + 1, source = excluded.source,
        error_code = excluded.error_code, error_message = excluded.error_message, retried_at = NULL, retried_by = NULL
      RETURNING f.version`),
  );
  return rows[0]?.version ?? null;
}

/** Every block still in force, per host: what the policy snapshot hands the decision. */
export async function loadActiveFailedVersions(db: Db): Promise<Map<string, Set<string>>> {
  const rows = await db.select({ hostId: hostFailedVersions.hostId, version: hostFailedVersions.version }).from(hostFailedVersions).where(isNull(hostFailedVersions.retriedAt));
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.hostId) ?? new Set<string>();
    set.add(r.version);
    out.set(r.hostId, set);
  }
  return out;
}

/** The host page's list: blocked versions first, then retried ones, newest failure first. */
export async function listHostFailedVersions(db: Db, hostId: string) {
  return db
    .select()
    .from(hostFailedVersions)
    .where(eq(hostFailedVersions.hostId, hostId))
    .orderBy(sql`${hostFailedVersions.retriedAt} IS NOT NULL`, desc(hostFailedVersions.lastFailedAt));
}

/**
 * An operator's "retry version X on this host": lifts the block so the next check may offer X
 * again (if the policy still leads there). Audited in the same transaction.
 */
export async function retryFailedVersion(db: Db, actor: Actor, hostId: string, version: string, reason: string | null) {
  return db.transaction(async (tx) => {
    const [after] = await tx
      .update(hostFailedVersions)
      .set({ retriedAt: new Date(), retriedBy: actor.email })
      .where(and(eq(hostFailedVersions.hostId, hostId), eq(hostFailedVersions.version, version), isNull(hostFailedVersions.retriedAt)))
      .returning();
    if (!after) throw new AppError("not_found", `${version} is not blocked on this host`);
    await appendAudit(tx, actor, {
      action: "host.retry_version",
      targetType: "host",
      targetId: hostId,
      before: { version, blocked: true, failures: after.failures, lastFailedAt: after.lastFailedAt, source: after.source },
      after: { version, blocked: false },
      reason,
    });
    return after;
  });
}
