import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema/index";
import { LOCK_KEYS } from "./locks";
import { lockDataDir } from "./data-dir-lock";
import { createDurablePglite } from "./pglite-durable";

export type Schema = typeof schema;
/** What every data-layer function takes first: the database or a transaction on it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  db: Db;
  kind: DatabaseKind;
  close(): Promise<void>;
}

/**
 * The node-postgres pool behind a handle (named statements, cursors, COPY), or null on PGlite.
 * Only the data layer's raw paths need it; everything else goes through drizzle.
 */
export function pgPoolOf(db: Db): pg.Pool | null {
  const client = (db as unknown as { $client: unknown }).$client;
  return client instanceof pg.Pool ? client : null;
}

export interface OpenOptions {
  /** postgres:// URL; without it PGlite is used. */
  url?: string;
  /** PGlite data directory, or "memory://" for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
  /**
   * PGlite on disk: fsync each commit before it returns (default). Off only to measure what
   * durability costs (bench/pglite-fsync.ts).
   */
  durable?: boolean;
}

const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");
// Any constant works; it only has to be the same in every Flotilla process.
const MIGRATION_LOCK_KEY = LOCK_KEYS.migrations;

/** Opens the database and applies pending migrations before returning it. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    // Bounded waits: with the database gone, requests fail fast (503) instead of hanging.
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5_000, query_timeout: 30_000 });
    // An idle client losing its server (restart, outage) must not crash the process.
    pool.on("error", () => {});
    const client = await pool.connect();
    try {
      // Several processes may start at once against one server: migrate one at a time.
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      await migratePg(drizzlePg({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
      client.release();
    }
    const db: Db = drizzlePg({ client: pool, schema });
    return { db, kind: "postgres", close: () => pool.end() };
  }

  const dataDir = opts.dataDir ?? "./data";
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) fs.mkdirSync(dataDir, { recursive: true });
  // Before PGlite touches the files: a second opener would corrupt them (db/data-dir-lock.ts).
  const lock = inMemory ? null : lockDataDir(dataDir);
  try {
    // On disk every commit is fsynced before it returns (db/pglite-durable.ts).
    const client = inMemory || opts.durable === false ? await PGlite.create(inMemory ? undefined : dataDir, { extensions: { pg_trgm } }) : await createDurablePglite(dataDir, { extensions: { pg_trgm } });
    const db: Db = drizzlePglite({ client, schema });
    await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
      kind: "pglite",
      close: async () => {
        await client.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/** Rows of a raw `db.execute()` result; both drivers put them in `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`);
}

const key = Symbol.for("flotilla.database");
type WithDb = typeof globalThis & { [key]?: Promise<Database> };

/**
 * The process-wide database. The custom server and the Next bundle load this module
 * separately, so the handle lives on globalThis: PGlite allows one opener per data dir.
 */
export function processDatabase(opts?: OpenOptions): Promise<Database> {
  const g = globalThis as WithDb;
  if (!g[key]) {
    if (!opts) throw new Error("database not initialised: start Flotilla through server/main.ts");
    g[key] = openDatabase(opts);
  }
  return g[key];
}

/** Makes an already opened database the process-wide one (tests, embedding). */
export function setProcessDatabase(database: Database): void {
  (globalThis as WithDb)[key] = Promise.resolve(database);
}

export async function getDb(): Promise<Db> {
  return (await processDatabase()).db;
}
