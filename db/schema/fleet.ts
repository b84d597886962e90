import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  primaryKey,
  real,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { OS_FAMILY_VALUES, UPDATE_STATE_VALUES } from "../../lib/agent/native-report";

// The vocabularies live with the domain logic; the schema only stores them.
export const OS_FAMILIES = OS_FAMILY_VALUES;
export const UPDATE_STATES = UPDATE_STATE_VALUES;
export const PROTOCOLS = ["native", "omaha", "cincinnati"] as const;

/**
 * An extra package offered beside a Flatcar release's main payload (OEM / system extension
 * images), as Flatcar's update server lists them in the Omaha manifest.
 */
export interface ExtensionPayload {
  name: string;
  url: string;
  sizeBytes: number;
  sha1Base64: string;
  sha256Base64: string;
}

export const channels = pgTable("channels", {
  id: text("id").primaryKey(),
  osFamily: text("os_family", { enum: OS_FAMILIES }).notNull(),
  description: text("description").notNull().default(""),
  targetReleaseId: uuid("target_release_id"),
  paused: boolean("paused").notNull().default(false),
  pausedReason: text("paused_reason"),
  // Throttled rollout of the current target (Cincinnati wariness): the share of hosts offered
  // the target grows from `rolloutStartValue` to 1 over `rolloutDurationMinutes`.
  rolloutStartedAt: timestamp("rollout_started_at", { withTimezone: true }),
  rolloutDurationMinutes: integer("rollout_duration_minutes").notNull().default(0),
  rolloutStartValue: real("rollout_start_value").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const releases = pgTable(
  "releases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    osFamily: text("os_family", { enum: OS_FAMILIES }).notNull(),
    // The channel / stream the release was published on (FCOS streams have their own builds).
    channelId: text("channel_id").references(() => channels.id, { onDelete: "set null" }),
    version: text("version").notNull(),
    arch: text("arch").notNull(),
    payloadUrl: text("payload_url"),
    payloadName: text("payload_name"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    sha1Base64: text("sha1_base64"),
    sha256Base64: text("sha256_base64"),
    ostreeChecksum: text("ostree_checksum"),
    // FCOS hosts booted from an OCI image (Zincati `oci=true`) report and are offered this
    // per-arch image pullspec (`quay.io/fedora/fedora-coreos@sha256:…`) instead of the checksum.
    ociPullspec: text("oci_pullspec"),
    // Flatcar extension packages offered beside the main payload.
    extensionPayloads: jsonb("extension_payloads").$type<ExtensionPayload[]>().notNull().default([]),
    // Cincinnati graph flags: hosts below a barrier must pass through it; a dead end has no way on.
    barrier: boolean("barrier").notNull().default(false),
    barrierReason: text("barrier_reason"),
    deadend: boolean("deadend").notNull().default(false),
    deadendReason: text("deadend_reason"),
    // Recalled: bad everywhere. Never offered again; hosts on it are taken to the last good one.
    recalledAt: timestamp("recalled_at", { withTimezone: true }),
    recallReason: text("recall_reason"),
    notes: text("notes").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One release per (family, version, arch): protocol lookups resolve by exactly these.
    uniqueIndex("releases_family_version_arch_uq").on(t.osFamily, t.version, t.arch),
    // Graph and catalog: the releases of one channel and arch.
    index("releases_channel_arch_idx").on(t.channelId, t.arch),
  ],
);

export const groups = pgTable("groups", {
  // The name hosts ask for (Omaha track, Zincati group, native `group`), so it is the key.
  id: text("id").primaryKey(),
  description: text("description").notNull().default(""),
  channelId: text("channel_id").references(() => channels.id, { onDelete: "set null" }),
  // Four-eyes: changes that reach this group (rollouts, Ignition publications) need approvals.
  requiresApproval: boolean("requires_approval").notNull().default(false),
  approvalsRequired: integer("approvals_required").notNull().default(1),
  // Rollout policy (lib/rollout/policy-schema.ts), validated on write; null = the defaults.
  policy: jsonb("policy").$type<Record<string, unknown>>(),
  // Hosts whose labels include all of these pairs belong here whatever group they ask for.
  labelSelector: jsonb("label_selector").$type<Record<string, string>>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Current state of every host, one row per machine whatever protocol it speaks. */
export const hosts = pgTable(
  "hosts",
  {
    // Normalized machine id: lowercase, no braces or dashes (Omaha machineid, Zincati node_uuid).
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull().default(""),
    osFamily: text("os_family", { enum: OS_FAMILIES }).notNull(),
    osVersion: text("os_version").notNull(),
    arch: text("arch").notNull(),
    slot: text("slot"),
    deploymentId: text("deployment_id"),
    previousVersion: text("previous_version"),
    // Cincinnati hosts: the deployment (OSTree checksum or image pullspec) they booted before
    // their last change of version, recorded from their polls (Zincati reports none itself).
    previousDeploymentId: text("previous_deployment_id"),
    updateState: text("update_state", { enum: UPDATE_STATES }).notNull(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    health: jsonb("health").$type<HealthCheck[]>().notNull().default([]),
    healthOk: boolean("health_ok").notNull().default(true),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
    // The group the host asked for; it need not exist yet (shown as unassigned until it does).
    groupId: text("group_id").notNull().default("default"),
    // The channel the host follows, as resolved at its last check (group's, else by track/stream).
    channelId: text("channel_id"),
    protocol: text("protocol", { enum: PROTOCOLS }).notNull(),
    agentVersion: text("agent_version"),
    clientAddr: text("client_addr"),
    // Omaha bootid: a new value means the host rebooted.
    bootId: text("boot_id"),
    // Omaha oem / Zincati platform: ami, azure, metal, qemu, …
    platform: text("platform"),
    // Omaha alephversion: the first version ever installed.
    firstVersion: text("first_version"),
    // Cincinnati rollout_wariness the host sent (0–1), if any.
    wariness: real("wariness"),
    // What the last update check answered: a version offered, or why nothing was.
    offeredVersion: text("offered_version"),
    holdReason: text("hold_reason"),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    // last_seen_at in steps of LAST_SEEN_STEP_MINUTES (db/queries/ingest.ts): it moves only when
    // the host was seen that much later. The list indexes are on this column, not the exact one,
    // so most check-ins change no indexed column and are heap-only (HOT) updates: a check-in that
    // moved last_seen_at wrote ten index entries (three of them GIN) for every report.
    lastSeenStep: timestamp("last_seen_step", { withTimezone: true }).notNull().defaultNow(),
    reportCount: integer("report_count").notNull().default(1),
    // The host has reported with an enrollment token (native agent): from then on only reports
    // carrying a token may change it; Omaha, graph and FleetLock requests naming it are refused
    // (ARCHITECTURE.md "Trust model").
    tokenEnrolled: boolean("token_enrolled").notNull().default(false),
  },
  (t) => [
    // Host list default sort (last seen, newest first) with keyset pagination on (last_seen_step, id).
    index("hosts_last_seen_idx").on(t.lastSeenStep.desc(), t.id.desc()),
    // Host list sorted by hostname; also serves hostname prefix lookups.
    index("hosts_hostname_idx").on(t.hostname, t.id),
    // Filters by group / version / state / channel, each keyset-paginated by last seen (step).
    index("hosts_group_idx").on(t.groupId, t.lastSeenStep.desc(), t.id.desc()),
    index("hosts_version_idx").on(t.osVersion, t.lastSeenStep.desc(), t.id.desc()),
    index("hosts_state_idx").on(t.updateState, t.lastSeenStep.desc(), t.id.desc()),
    index("hosts_channel_idx").on(t.channelId, t.lastSeenStep.desc(), t.id.desc()),
    // Label filter (labels @> '{"site":"berlin"}').
    index("hosts_labels_idx").using("gin", sql`${t.labels} jsonb_path_ops`),
    // Free-text search: substring match on hostname and machine id (ILIKE '%q%').
    index("hosts_hostname_trgm_idx").using("gin", sql`${t.hostname} gin_trgm_ops`),
    index("hosts_id_trgm_idx").using("gin", sql`${t.id} gin_trgm_ops`),
  ],
);

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/**
 * Append-only: every report / protocol event a host sent, as received. Range-partitioned by
 * day on received_at (migration 0014): retention drops whole days (lib/history/partitions.ts),
 * which is why the key includes received_at.
 */
export const hostReports = pgTable(
  "host_reports",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    hostId: text("host_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    protocol: text("protocol", { enum: PROTOCOLS }).notNull(),
    // report (native), check / event (Omaha), poll (Cincinnati)
    kind: text("kind").notNull(),
    osVersion: text("os_version").notNull(),
    previousVersion: text("previous_version"),
    updateState: text("update_state", { enum: UPDATE_STATES }).notNull(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    groupId: text("group_id").notNull(),
    clientAddr: text("client_addr"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    // The channel the host followed when it reported (history filter by channel).
    channelId: text("channel_id"),
    // What this report changed (lib/history/events.ts); null: a check that changed nothing.
    change: text("change"),
    // The host's version right before this report (null for its first): "ran X until t".
    fromVersion: text("from_version"),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.receivedAt] }),
    // Host page timeline: one host's reports, newest first.
    index("host_reports_host_time_idx").on(t.hostId, t.receivedAt.desc()),
    // Raw reports by time range.
    index("host_reports_time_idx").on(t.receivedAt),
    // The fleet history shows change events only; partial indexes stay small and cost a
    // no-change report nothing. Newest-first keyset pages on (received_at, id), per filter:
    index("host_events_time_idx").on(t.receivedAt, t.id).where(sql`change IS NOT NULL`),
    // …one host's timeline, and "no event of this host in [a, b)" in hosts-on-version.
    index("host_events_host_idx").on(t.hostId, t.receivedAt, t.id).where(sql`change IS NOT NULL`),
    // …one group's timeline.
    index("host_events_group_idx").on(t.groupId, t.receivedAt, t.id).where(sql`change IS NOT NULL`),
    // …by version, and hosts-on-version: events that moved a host onto X …
    index("host_events_version_idx").on(t.osVersion, t.receivedAt, t.id).where(sql`change IS NOT NULL`),
    // … and off X (db/queries/history.ts hostsOnVersion).
    index("host_events_from_version_idx").on(t.fromVersion, t.receivedAt).where(sql`change IS NOT NULL`),
  ],
);

/** FleetLock reboot semaphores, one per group; rows are locked while slots are counted. */
export const fleetLockGroups = pgTable("fleet_lock_groups", {
  id: text("id").primaryKey(),
  totalSlots: integer("total_slots").notNull().default(1),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const fleetLockHolders = pgTable(
  "fleet_lock_holders",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => fleetLockGroups.id, { onDelete: "cascade" }),
    // The FleetLock client id (Zincati sends the node's app-specific machine id).
    holderId: text("holder_id").notNull(),
    acquiredAt: timestamp("acquired_at", { withTimezone: true }).notNull().defaultNow(),
    clientAddr: text("client_addr"),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.holderId] })],
);

export const PIN_SCOPES = ["group", "host"] as const;

/** Holds a group or one host at a version, with who asked and why; optionally until a time. */
export const pins = pgTable(
  "pins",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scope: text("scope", { enum: PIN_SCOPES }).notNull(),
    // Group id or host id, by scope.
    targetId: text("target_id").notNull(),
    version: text("version").notNull(),
    reason: text("reason").notNull(),
    owner: text("owner").notNull(),
    // A rollback: the host (or group) is taken back to `version` even though it runs a newer one.
    allowDowngrade: boolean("allow_downgrade").notNull().default(false),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  // One pin per group or host: pinning again replaces it.
  (t) => [uniqueIndex("pins_scope_target_uq").on(t.scope, t.targetId)],
);

/**
 * Update slots: a host offered an update holds one until it runs the version, fails, or the
 * group's update timeout passes. Counting them under a lock on the group's row keeps
 * `maxConcurrentUpdates` and `maxUpdatesPerPeriod` true across processes.
 */
export const updateSlots = pgTable(
  "update_slots",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    groupId: text("group_id").notNull(),
    hostId: text("host_id").notNull(),
    version: text("version").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    // In-progress slots of a group (concurrency), and grants within a period (rate).
    index("update_slots_group_idx").on(t.groupId, t.grantedAt),
    // The open slot of a host, released when its report shows the version.
    index("update_slots_host_open_idx").on(t.hostId).where(sql`completed_at IS NULL`),
  ],
);
