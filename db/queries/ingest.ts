import { pgPoolOf, type Db } from "../client";
import type { HealthCheck } from "../schema/fleet";
import type { OsFamily, UpdateState } from "@/lib/agent/native-report";
import { LAST_SEEN_STEP_MINUTES } from "@/lib/fleet/host-query";
import { historyPrevCte, historyTail } from "./history-ingest";

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
  /** The channel the decision resolved for the host (null: none). */
  channelId?: string | null;
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
  /** Set when the offer came from a rollout: the host joins it (at this phase) if it has not yet. */
  rollout?: { id: string; phaseIndex: number } | null;
}

/** One column of a bulk insert: its name, the element type of its array, and the value. */
type Column<R> = readonly [name: string, arrayType: string, value: (r: R) => unknown, cast?: string];

/**
 * `SELECT … FROM unnest($1::t1[], $2::t2[], …)`: one array parameter per column, however many
 * rows. Building one parameter per cell cost more CPU than the database spent on the insert.
 */
function unnestSelect<R>(columns: ReadonlyArray<Column<R>>, firstParam: number): string {
  const arrays = columns.map(([, type], i) => `$${firstParam + i}::${type}[]`).join(", ");
  const names = columns.map(([name]) => name).join(", ");
  const select = columns.map(([name, , , cast]) => (cast ? `u.${name}::${cast}` : `u.${name}`)).join(", ");
  return `SELECT ${select} FROM unnest(${arrays}) AS u(${names})`;
}

interface HostUpsert {
  r: IngestReport;
  n: number;
}

const json = (v: unknown) => JSON.stringify(v);
const iso = (d: Date) => d.toISOString();

export const HOST_COLUMNS: ReadonlyArray<Column<HostUpsert>> = [
  ["id", "text", ({ r }) => r.hostId],
  ["hostname", "text", ({ r }) => r.hostname],
  ["os_family", "text", ({ r }) => r.osFamily],
  ["os_version", "text", ({ r }) => r.osVersion],
  ["arch", "text", ({ r }) => r.arch],
  ["slot", "text", ({ r }) => r.slot],
  ["deployment_id", "text", ({ r }) => r.deploymentId],
  ["previous_version", "text", ({ r }) => r.previousVersion],
  // Only ever derived from the host's own row (PREVIOUS_FROM_POLLS): a new host has none.
  ["previous_deployment_id", "text", () => null],
  ["update_state", "text", ({ r }) => r.updateState],
  ["error_code", "text", ({ r }) => r.errorCode],
  ["error_message", "text", ({ r }) => r.errorMessage],
  ["health", "text", ({ r }) => json(r.health), "jsonb"],
  ["health_ok", "bool", ({ r }) => r.health.every((h) => h.ok)],
  ["labels", "text", ({ r }) => json(r.labels), "jsonb"],
  ["group_id", "text", ({ r }) => r.groupId],
  ["channel_id", "text", ({ r }) => r.channelId ?? null],
  ["protocol", "text", ({ r }) => r.protocol],
  ["agent_version", "text", ({ r }) => r.agentVersion],
  ["client_addr", "text", ({ r }) => r.clientAddr],
  ["boot_id", "text", ({ r }) => r.bootId ?? null],
  ["platform", "text", ({ r }) => r.platform ?? null],
  ["first_version", "text", ({ r }) => r.firstVersion ?? null],
  ["wariness", "float8", ({ r }) => r.wariness ?? null],
  ["offered_version", "text", ({ r }) => r.offeredVersion ?? null],
  ["hold_reason", "text", ({ r }) => r.holdReason ?? null],
  ["first_seen_at", "timestamptz", ({ r }) => iso(r.receivedAt)],
  ["last_seen_at", "timestamptz", ({ r }) => iso(r.receivedAt)],
  ["last_seen_step", "timestamptz", ({ r }) => iso(r.receivedAt)],
  ["report_count", "int4", ({ n }) => n],
  // Only the native protocol carries an enrollment token (ARCHITECTURE.md "Trust model").
  ["token_enrolled", "bool", ({ r }) => r.protocol === "native"],
];

/**
 * The new last_seen_step of a host row (`table`) seen at `seen`: it moves only once the host was
 * seen a whole step after it last moved. Every writer of last_seen_at uses this rule.
 */
export function nextLastSeenStep(table: string, seen: string): string {
  return `CASE WHEN ${seen} >= ${table}.last_seen_step + interval '${LAST_SEEN_STEP_MINUTES} minutes' THEN ${seen} ELSE ${table}.last_seen_step END`;
}

// Zincati reports no previous version: each graph poll carries only the booted os_version and
// os_checksum. So for Cincinnati hosts a change of booted version is the update (or manual
// rollback) itself, and what the host ran before becomes its previous version and deployment;
// polls on the same version keep what was recorded.
const PREVIOUS_FROM_POLLS = `
  previous_version = CASE WHEN excluded.protocol <> 'cincinnati' THEN excluded.previous_version
    WHEN hosts.os_version <> excluded.os_version THEN hosts.os_version ELSE hosts.previous_version END,
  previous_deployment_id = CASE WHEN excluded.protocol <> 'cincinnati' THEN NULL
    WHEN hosts.os_version <> excluded.os_version THEN hosts.deployment_id ELSE hosts.previous_deployment_id END`;

// Facts a protocol may not send keep their last known value; decisions come only with checks.
// last_seen_step moves in steps (lib/fleet/host-query.ts LAST_SEEN_STEP_MINUTES): a check-in that
// changes no indexed column is a heap-only update, one row write instead of ten index inserts.
const HOST_UPDATE = `
  hostname = excluded.hostname, os_family = excluded.os_family, os_version = excluded.os_version,
  arch = excluded.arch, slot = excluded.slot, deployment_id = excluded.deployment_id,
  ${PREVIOUS_FROM_POLLS}, update_state = excluded.update_state,
  error_code = excluded.error_code, error_message = excluded.error_message,
  health = excluded.health, health_ok = excluded.health_ok, labels = excluded.labels,
  group_id = excluded.group_id, channel_id = excluded.channel_id, protocol = excluded.protocol, agent_version = excluded.agent_version,
  client_addr = excluded.client_addr,
  boot_id = COALESCE(excluded.boot_id, hosts.boot_id),
  platform = COALESCE(excluded.platform, hosts.platform),
  first_version = COALESCE(excluded.first_version, hosts.first_version),
  wariness = COALESCE(excluded.wariness, hosts.wariness),
  offered_version = CASE WHEN excluded.offered_version IS NULL AND excluded.hold_reason IS NULL THEN hosts.offered_version ELSE excluded.offered_version END,
  hold_reason = CASE WHEN excluded.offered_version IS NULL AND excluded.hold_reason IS NULL THEN hosts.hold_reason ELSE excluded.hold_reason END,
  last_seen_at = GREATEST(hosts.last_seen_at, excluded.last_seen_at),
  last_seen_step = ${nextLastSeenStep("hosts", "excluded.last_seen_at")},
  report_count = hosts.report_count + excluded.report_count,
  token_enrolled = hosts.token_enrolled OR excluded.token_enrolled`;

export const REPORT_COLUMNS: ReadonlyArray<Column<IngestReport>> = [
  ["host_id", "text", (r) => r.hostId],
  ["received_at", "timestamptz", (r) => iso(r.receivedAt)],
  ["protocol", "text", (r) => r.protocol],
  ["kind", "text", (r) => r.kind],
  ["os_version", "text", (r) => r.osVersion],
  ["previous_version", "text", (r) => r.previousVersion],
  ["update_state", "text", (r) => r.updateState],
  ["error_code", "text", (r) => r.errorCode],
  ["error_message", "text", (r) => r.errorMessage],
  ["group_id", "text", (r) => r.groupId],
  ["client_addr", "text", (r) => r.clientAddr],
  ["detail", "text", (r) => json(r.detail), "jsonb"],
  ["channel_id", "text", (r) => r.channelId ?? null],
];

interface RawClient {
  $client: { query(text: string, params: unknown[]): Promise<unknown> };
}

// One statement (a data-modifying CTE) is atomic on its own: one round trip per batch instead
// of BEGIN, two INSERTs and COMMIT.
const HOST_PARAM = (name: string) => `$${HOST_COLUMNS.findIndex(([n]) => n === name) + 1}`;

const ROLLOUT_PARAMS = HOST_COLUMNS.length + REPORT_COLUMNS.length;

// A report moves the host's unfinished rollout entry along (lib/rollout/rollout.ts
// hostStepFromReport says the same in TypeScript); a result (updated, failed, rolled back) ends it.
const ROLLOUT_STEP = `CASE WHEN r.version = rh.version THEN 'updated'
  WHEN r.state = 'error' THEN 'failed' WHEN r.state = 'rolled_back' THEN 'rolled_back'
  WHEN r.state IN ('downloading', 'downloaded') THEN 'downloading' WHEN r.state = 'staged' THEN 'staged'
  WHEN r.state = 'rebooting' THEN 'rebooting' ELSE NULL END`;

// A report showing the slot's version (or a failure) ends the host's update slot.
const INGEST_SQL = `WITH rollout_joined AS (
  INSERT INTO rollout_hosts (rollout_id, host_id, version, phase_index, counted)
  SELECT o.rollout_id, o.host_id, o.version, o.phase_index, COALESCE(h.first_seen_at < ro.started_at, false)
  FROM unnest($${ROLLOUT_PARAMS + 1}::uuid[], $${ROLLOUT_PARAMS + 2}::text[], $${ROLLOUT_PARAMS + 3}::text[], $${ROLLOUT_PARAMS + 4}::int4[]) AS o(rollout_id, host_id, version, phase_index)
  -- A host first seen after the rollout started (no row yet: this statement's snapshot predates
  -- its insert) does not count towards the failure rate (ARCHITECTURE.md "Trust model").
  LEFT JOIN LATERAL (SELECT first_seen_at FROM hosts WHERE id = o.host_id) h ON true
  LEFT JOIN rollouts ro ON ro.id = o.rollout_id
  ON CONFLICT DO NOTHING RETURNING 1),
rollout_progress AS (
  UPDATE rollout_hosts rh SET
    state = COALESCE(${ROLLOUT_STEP}, rh.state),
    error_code = CASE WHEN r.state IN ('error', 'rolled_back') AND r.version <> rh.version THEN r.error_code ELSE rh.error_code END,
    error_message = CASE WHEN r.state IN ('error', 'rolled_back') AND r.version <> rh.version THEN r.error_message ELSE rh.error_message END,
    progress_at = CASE WHEN ${ROLLOUT_STEP} IS NOT NULL AND ${ROLLOUT_STEP} <> rh.state THEN now() ELSE rh.progress_at END,
    finished_at = CASE WHEN ${ROLLOUT_STEP} IN ('updated', 'failed', 'rolled_back') THEN now() ELSE NULL END
  FROM unnest(${HOST_PARAM("id")}::text[], ${HOST_PARAM("os_version")}::text[], ${HOST_PARAM("update_state")}::text[], ${HOST_PARAM("error_code")}::text[], ${HOST_PARAM("error_message")}::text[])
    AS r(id, version, state, error_code, error_message)
  WHERE rh.host_id = r.id AND rh.finished_at IS NULL
  RETURNING 1),
released AS (
  UPDATE update_slots s SET completed_at = now()
  FROM unnest(${HOST_PARAM("id")}::text[], ${HOST_PARAM("os_version")}::text[], ${HOST_PARAM("update_state")}::text[]) AS r(id, version, state)
  WHERE s.host_id = r.id AND s.completed_at IS NULL AND (s.version = r.version OR r.state IN ('error', 'rolled_back'))
  RETURNING 1),
${historyPrevCte(HOST_PARAM("id"))}upserted AS (
  INSERT INTO hosts (${HOST_COLUMNS.map(([n]) => n).join(", ")}) ${unnestSelect(HOST_COLUMNS, 1)}
  ON CONFLICT (id) DO UPDATE SET ${HOST_UPDATE} RETURNING 1),
${historyTail(REPORT_COLUMNS, HOST_COLUMNS.length + 1, HOST_PARAM)}`;

/**
 * Stores a batch of reports in one transaction: every report is appended to the history and
 * each host's current row is upserted from its newest report. Batching is what lets one
 * process keep up with thousands of agents: one commit covers many reports. It runs on the
 * database handle itself (its own statement), never inside a caller's transaction.
 */
export async function ingestReports(db: Db, reports: readonly IngestReport[]): Promise<void> {
  if (reports.length === 0) return;
  // One row per host: Postgres refuses to upsert the same key twice in one statement.
  const latest = new Map<string, HostUpsert>();
  for (const r of reports) {
    const seen = latest.get(r.hostId);
    if (!seen) latest.set(r.hostId, { r, n: 1 });
    else latest.set(r.hostId, { r: r.receivedAt >= seen.r.receivedAt ? r : seen.r, n: seen.n + 1 });
  }
  // Sorted by id so concurrent batches lock host rows in one order and cannot deadlock.
  const hostRows = [...latest.values()].sort((a, b) => (a.r.hostId < b.r.hostId ? -1 : 1));
  const joins = hostRows.filter(({ r }) => r.rollout && r.offeredVersion);
  const params = [
    ...HOST_COLUMNS.map(([, , value]) => hostRows.map(value)),
    ...REPORT_COLUMNS.map(([, , value]) => reports.map(value)),
    joins.map(({ r }) => r.rollout!.id),
    joins.map(({ r }) => r.hostId),
    joins.map(({ r }) => r.offeredVersion),
    joins.map(({ r }) => r.rollout!.phaseIndex),
  ];
  // The hot path skips the query builder: the statement text is fixed, only the arrays change.
  // On Postgres it is a named prepared statement: planning this statement (a partitioned
  // table, a dozen CTEs) cost more than running it; each connection plans it once.
  const pool = pgPoolOf(db);
  if (pool) await pool.query({ name: "flotilla_ingest", text: INGEST_SQL, values: params });
  else await (db as unknown as RawClient).$client.query(INGEST_SQL, params);
}
