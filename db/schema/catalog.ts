import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { SYNC_KINDS, type SyncAdded } from "../../lib/sync/types";
import { channels, releases } from "./fleet";

/**
 * Which channels offer a release. `releases.channel_id` stays the channel it was published on;
 * promoting (alpha → beta → stable) adds a row here, so one build is one release in several
 * channels and the snapshot lists it under each.
 */
export const releaseChannels = pgTable(
  "release_channels",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
    // Who put it there: an operator's e-mail, "sync:<source>" or "published".
    addedBy: text("added_by").notNull().default("published"),
  },
  (t) => [
    primaryKey({ columns: [t.releaseId, t.channelId] }),
    // The catalog filtered by channel and the snapshot's per-channel lists.
    index("release_channels_channel_idx").on(t.channelId),
  ],
);

/**
 * An upstream Flotilla imports releases from, for one channel and arch: a Flatcar Omaha server
 * (polled as a host on version 0.0.0 would) or Fedora CoreOS stream metadata plus update graph.
 */
export const syncSources = pgTable("sync_sources", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: SYNC_KINDS }).notNull(),
  channelId: text("channel_id")
    .notNull()
    .references(() => channels.id, { onDelete: "cascade" }),
  arch: text("arch").notNull(),
  // Omaha endpoint (Flatcar) or the streams/graph base (FCOS).
  upstreamUrl: text("upstream_url").notNull(),
  // FCOS only: the update graph endpoint (barriers, dead ends); null = none.
  graphUrl: text("graph_url"),
  // Omaha track / FCOS stream upstream (`stable`, `beta`, `testing`, …).
  upstreamChannel: text("upstream_channel").notNull(),
  enabled: boolean("enabled").notNull().default(false),
  intervalMinutes: integer("interval_minutes").notNull().default(60),
  // Flatcar: download each new payload, verify its hashes and serve it from Flotilla.
  mirror: boolean("mirror").notNull().default(false),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }),
  // A process running the source holds it until then (claimed under the sync lock), so two
  // processes never run one source at once and a crashed run frees it when the lease ends.
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  lastError: text("last_error"),
  // Failed runs in a row: the backoff doubles with each, up to the interval.
  failures: integer("failures").notNull().default(0),
  lastAdded: jsonb("last_added").$type<SyncAdded[]>().notNull().default([]),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One run of a source: what it added or why it failed (the sync page lists the latest). */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: text("source_id")
      .notNull()
      .references(() => syncSources.id, { onDelete: "cascade" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
    ok: boolean("ok").notNull(),
    added: jsonb("added").$type<SyncAdded[]>().notNull().default([]),
    error: text("error"),
  },
  // A source's latest runs.
  (t) => [index("sync_runs_source_idx").on(t.sourceId, t.id.desc())],
);

/**
 * A mirrored release: its payload (and extension packages) stored under the mirror directory,
 * verified against every hash. `upstream` keeps where they came from; the release's own URLs
 * point at Flotilla.
 */
export const releaseMirrors = pgTable("release_mirrors", {
  releaseId: uuid("release_id")
    .primaryKey()
    .references(() => releases.id, { onDelete: "cascade" }),
  upstreamPayloadUrl: text("upstream_payload_url").notNull(),
  upstreamExtensions: jsonb("upstream_extensions").$type<{ name: string; url: string }[]>().notNull().default([]),
  bytes: bigint("bytes", { mode: "number" }).notNull(),
  mirroredAt: timestamp("mirrored_at", { withTimezone: true }).notNull().defaultNow(),
});
