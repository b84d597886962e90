import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { appendAudit, SYSTEM_ACTOR } from "./audit";

/**
 * What the open agent protocols need to know about the hosts they are asked about: whether each
 * exists and whether it was enrolled with a token. One primary-key probe per id (a join or
 * `id = ANY(…)` made the planner pick the trigram index on hosts.id; see history-ingest.ts).
 */
export async function hostTrust(db: Db, ids: readonly string[]): Promise<Map<string, { tokenEnrolled: boolean }>> {
  const out = new Map<string, { tokenEnrolled: boolean }>();
  if (ids.length === 0) return out;
  const rows = rowsOf<{ id: string; token_enrolled: boolean }>(
    await db.execute(sql`SELECT h.id, h.token_enrolled FROM unnest(${sql.param([...ids])}::text[]) AS k(id)
      CROSS JOIN LATERAL (SELECT id, token_enrolled FROM hosts WHERE id = k.id) h`),
  );
  for (const r of rows) out.set(r.id, { tokenEnrolled: r.token_enrolled });
  return out;
}

export interface RefusalSummary {
  reason: "host_enrolled_with_token" | "new_host_cap";
  count: number;
  since: Date;
  protocols: string[];
  /** A few of the machine ids and client addresses involved (bounded). */
  hosts: string[];
  addresses: string[];
}

/**
 * Operators see refused agent requests in the audit log: one row per reason per minute at most
 * (the caller rate-limits), with the numbers, so a flood cannot flood the log.
 */
export async function recordAgentRefusals(db: Db, s: RefusalSummary): Promise<void> {
  await db.transaction(async (tx) => {
    await appendAudit(tx, SYSTEM_ACTOR, {
      action: "agent.refused",
      targetType: "agent_protocol",
      targetId: s.protocols.join(","),
      after: { reason: s.reason, requests: s.count, since: s.since.toISOString(), hosts: s.hosts, addresses: s.addresses },
      reason: s.reason === "host_enrolled_with_token" ? "an unauthenticated request named a host enrolled with a token" : "more new hosts than FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE allows",
    });
  });
}
