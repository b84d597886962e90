import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { hostReports, hosts, type HealthCheck } from "../schema/fleet";
import type { OsFamily, UpdateState } from "@/lib/agent/native-report";

export type Protocol = "native" | "omaha" | "cincinnati";

/** One host report as every protocol adapter hands it to storage. */
export interface IngestReport {
  hostId: string;
  receivedAt: Date;
  protocol: Protocol;
  kind: string;
  hostname: string;
  osFamily: OsFamily;
  osVersion: string;
  arch: string;
  slot: string | null;
  deploymentId: string | null;
  previousVersion: string | null;
  updateState: UpdateState;
  errorCode: string | null;
  errorMessage: string | null;
  health: HealthCheck[];
  labels: Record<string, string>;
  groupId: string;
  agentVersion: string | null;
  clientAddr: string | null;
  detail: Record<string, unknown>;
  /** Protocol-specific host facts; null where the protocol has no such thing. */
  bootId?: string | null;
  platform?: string | null;
  firstVersion?: string | null;
  wariness?: number | null;
  /** The answer to this check: a version offered, or why nothing was. */
  offeredVersion?: string | null;
  holdReason?: string | null;
}

/**
 * Stores a batch of reports in one transaction: every report is appended to the history and
 * each host's current row is upserted from its newest report. Batching is what lets one
 * process keep up with thousands of agents: one commit covers many reports.
 */
export async function ingestReports(db: Db, reports: readonly IngestReport[]): Promise<void> {
  if (reports.length === 0) return;
  // One row per host: Postgres refuses to upsert the same key twice in one statement.
  const latest = new Map<string, { r: IngestReport; n: number }>();
  for (const r of reports) {
    const seen = latest.get(r.hostId);
    if (!seen) latest.set(r.hostId, { r, n: 1 });
    else latest.set(r.hostId, { r: r.receivedAt >= seen.r.receivedAt ? r : seen.r, n: seen.n + 1 });
  }
  // Sorted by id so concurrent batches lock host rows in one order and cannot deadlock.
  const hostRows = [...latest.values()]
    .sort((a, b) => (a.r.hostId < b.r.hostId ? -1 : 1))
    .map(({ r, n }) => ({
    id: r.hostId,
    hostname: r.hostname,
    osFamily: r.osFamily,
    osVersion: r.osVersion,
    arch: r.arch,
    slot: r.slot,
    deploymentId: r.deploymentId,
    previousVersion: r.previousVersion,
    updateState: r.updateState,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    health: r.health,
    healthOk: r.health.every((h) => h.ok),
    labels: r.labels,
    groupId: r.groupId,
    protocol: r.protocol,
    agentVersion: r.agentVersion,
    clientAddr: r.clientAddr,
    bootId: r.bootId ?? null,
    platform: r.platform ?? null,
    firstVersion: r.firstVersion ?? null,
    wariness: r.wariness ?? null,
    offeredVersion: r.offeredVersion ?? null,
    holdReason: r.holdReason ?? null,
    firstSeenAt: r.receivedAt,
    lastSeenAt: r.receivedAt,
    reportCount: n,
  }));
  const historyRows = reports.map((r) => ({
    hostId: r.hostId,
    receivedAt: r.receivedAt,
    protocol: r.protocol,
    kind: r.kind,
    osVersion: r.osVersion,
    previousVersion: r.previousVersion,
    updateState: r.updateState,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    groupId: r.groupId,
    clientAddr: r.clientAddr,
    detail: r.detail,
  }));

  await db.transaction(async (tx) => {
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    await tx
      .insert(hosts)
      .values(hostRows)
      .onConflictDoUpdate({
        target: hosts.id,
        set: {
          hostname: excluded("hostname"),
          osFamily: excluded("os_family"),
          osVersion: excluded("os_version"),
          arch: excluded("arch"),
          slot: excluded("slot"),
          deploymentId: excluded("deployment_id"),
          previousVersion: excluded("previous_version"),
          updateState: excluded("update_state"),
          errorCode: excluded("error_code"),
          errorMessage: excluded("error_message"),
          health: excluded("health"),
          healthOk: excluded("health_ok"),
          labels: excluded("labels"),
          groupId: excluded("group_id"),
          protocol: excluded("protocol"),
          agentVersion: excluded("agent_version"),
          clientAddr: excluded("client_addr"),
          bootId: sql`COALESCE(excluded.boot_id, ${hosts.bootId})`,
          platform: sql`COALESCE(excluded.platform, ${hosts.platform})`,
          firstVersion: sql`COALESCE(excluded.first_version, ${hosts.firstVersion})`,
          wariness: sql`COALESCE(excluded.wariness, ${hosts.wariness})`,
          // Only update checks carry a decision; event-only reports keep the last one.
          offeredVersion: sql`CASE WHEN excluded.offered_version IS NULL AND excluded.hold_reason IS NULL THEN ${hosts.offeredVersion} ELSE excluded.offered_version END`,
          holdReason: sql`CASE WHEN excluded.offered_version IS NULL AND excluded.hold_reason IS NULL THEN ${hosts.holdReason} ELSE excluded.hold_reason END`,
          lastSeenAt: sql`GREATEST(${hosts.lastSeenAt}, excluded.last_seen_at)`,
          reportCount: sql`${hosts.reportCount} + excluded.report_count`,
        },
      });
    await tx.insert(hostReports).values(historyRows);
  });
}
