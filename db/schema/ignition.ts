import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A named Ignition config; its content lives in immutable versions. */
export const ignitionConfigs = pgTable("ignition_configs", {
  id: text("id").primaryKey(),
  description: text("description").notNull().default(""),
  latestVersion: integer("latest_version").notNull().default(0),
  // The version served to hosts through selectors; null until one is published.
  publishedVersion: integer("published_version"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const ignitionConfigVersions = pgTable(
  "ignition_config_versions",
  {
    configId: text("config_id")
      .notNull()
      .references(() => ignitionConfigs.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    // What the operator wrote: Ignition JSON or Butane YAML.
    format: text("format", { enum: ["ignition", "butane"] }).notNull(),
    source: text("source").notNull(),
    // The Ignition JSON served (Butane translated); null for a draft that does not validate.
    rendered: text("rendered"),
    specVersion: text("spec_version"),
    // sha512 hex of `rendered`, for `verification.hash` of merge sources.
    sha512: text("sha512"),
    draft: boolean("draft").notNull().default(false),
    authorId: uuid("author_id"),
    authorEmail: text("author_email").notNull(),
    message: text("message").notNull().default(""),
    restoredFrom: integer("restored_from"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.configId, t.version] })],
);

/**
 * Matchbox-style selection: a request matching every selector of an assignment gets its
 * config; the assignment with the most selectors wins; one without selectors is the default.
 */
export const ignitionAssignments = pgTable("ignition_assignments", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  configId: text("config_id")
    .notNull()
    .references(() => ignitionConfigs.id, { onDelete: "cascade" }),
  // A fixed version, or null to follow the config's published version.
  version: integer("version"),
  selectors: jsonb("selectors").$type<Record<string, string>>().notNull().default({}),
  // Values for the config's `{{variables}}` (Matchbox's group metadata): fixed when the
  // assignment is made, so the bytes it serves, and their hash, are known in advance.
  variables: jsonb("variables").$type<Record<string, string>>().notNull().default({}),
  // Capability for `/ignition/a/<token>`: the only way to fetch a config that holds secrets.
  // Unique, so the serving lookup is one index probe. The default fills existing rows (two
  // random UUIDs, 244 random bits); new rows get 256 bits from the application.
  token: text("token")
    .notNull()
    .unique()
    .default(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every config a host fetched at first boot, as served. */
export const ignitionFetches = pgTable(
  "ignition_fetches",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    hostId: text("host_id"),
    configId: text("config_id").notNull(),
    version: integer("version").notNull(),
    sha512: text("sha512").notNull(),
    clientAddr: text("client_addr"),
    query: jsonb("query").$type<Record<string, string>>().notNull().default({}),
    url: text("url").notNull(),
  },
  // Host page: a host's fetches, newest first.
  (t) => [index("ignition_fetches_host_idx").on(t.hostId, t.at)],
);
