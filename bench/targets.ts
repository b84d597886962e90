import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { lockDataDir } from "@/db/data-dir-lock";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import pg from "pg";
import { openDatabase, type Db } from "@/db/client";
import { freePort, postgresCpuSeconds, SERVER_NODE_FLAGS, spawnServer, waitHealthy, type ServerProcess } from "./processes";

export const TARGET_NAMES = ["baseline", "pglite", "postgres"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Rows a scenario's accepted requests land in; a closed list, since the table name goes into SQL. */
export interface StoredFilter {
  table: "host_reports";
  protocol: "native" | "omaha" | "cincinnati";
}

/** Writes a scenario's catalog into the target's database before the server starts. */
export type Seeder = (db: Db) => Promise<void>;

const countSql = (f: StoredFilter) => `SELECT count(*)::int AS n FROM ${f.table} WHERE protocol = $1`;

export interface TargetContext {
  root: string;
  token: string;
  /** Where `--cpu-prof` writes the server child's profile; undefined: no profiling. */
  cpuProfDir?: string;
  postgresUrl: string;
  log(line: string): void;
}

export interface StartedTarget {
  server: ServerProcess;
  /** Stops the server gracefully so queued writes finish (and PGlite releases its data dir). */
  stop(): Promise<void>;
  /** Rows matching `filter`, read after stop(); undefined for targets that store nothing. */
  countRows?(filter: StoredFilter): Promise<number>;
  /** Removes temporary data dirs and databases; safe to call more than once. */
  cleanup(): Promise<void>;
  /** CPU seconds the database used so far, when it is a separate local process. */
  databaseCpuSeconds?(): number | undefined;
  /** Whether the server exposes Flotilla's /metrics (batch sizes). */
  flotilla: boolean;
}

export interface Target {
  name: TargetName;
  description: string;
  start(ctx: TargetContext, runId: string, seed?: Seeder): Promise<StartedTarget>;
}

/** Node writes one profile per thread (tsx's loader runs in its own), so each target gets a directory. */
export function profileDir(ctx: TargetContext, name: string): string | undefined {
  return ctx.cpuProfDir ? path.join(ctx.cpuProfDir, name) : undefined;
}

function profileArgs(ctx: TargetContext, name: string): string[] {
  const dir = profileDir(ctx, name);
  if (!dir) return [];
  fs.rmSync(dir, { recursive: true, force: true });
  return ["--cpu-prof", "--cpu-prof-dir", dir];
}

/** The child's environment: the caller's (so FLOTILLA_DB_POOL_SIZE etc. pass through) minus what a target sets. */
function flotillaEnv(ctx: TargetContext, port: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["DATABASE_URL", "FLOTILLA_DATA_DIR", "PORT", "HOST"]) delete env[k];
  return {
    ...env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    FLOTILLA_ENROLLMENT_TOKEN: ctx.token,
    // The bench enrolls its whole synthetic fleet at once; it measures throughput, not the guard.
    FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE: "1000000",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
    ...extra,
  };
}

/** Extra node flags for the Flotilla children (e.g. `--max-old-space-size=512`), from BENCH_SERVER_NODE_ARGS. */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
}

async function startFlotilla(ctx: TargetContext, name: string, extra: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const server = spawnServer({
    name,
    cwd: ctx.root,
    nodeArgs: [...profileArgs(ctx, name), ...SERVER_NODE_FLAGS, "--import", "tsx", ...extraNodeArgs(), "server/main.ts", "--no-ui"],
    env: flotillaEnv(ctx, port, extra),
    port,
  });
  try {
    await waitHealthy(server);
  } catch (err) {
    await server.stop(2_000);
    throw err;
  }
  return server;
}

async function stopChecked(server: ServerProcess): Promise<void> {
  const code = await server.stop();
  if (code !== 0) throw new Error(`${server.name} exited with ${code ?? "a signal"} on SIGTERM:\n${server.output()}`);
}

const baseline: Target = {
  name: "baseline",
  description: "bare node:http: read the request, minimal parse, fixed answer",
  async start(ctx) {
    const port = await freePort();
    const server = spawnServer({ name: "baseline", cwd: ctx.root, nodeArgs: [...profileArgs(ctx, "baseline"), "--import", "tsx", "bench/baseline-server.ts"], env: { ...process.env, PORT: String(port) }, port });
    await waitHealthy(server, 30_000);
    return { server, flotilla: false, stop: () => stopChecked(server), cleanup: async () => void (await server.stop(2_000)) };
  },
};

const pglite: Target = {
  name: "pglite",
  description: "Flotilla, embedded PGlite in a temp data dir",
  async start(ctx, runId, seed) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flotilla-bench-${runId}-`));
    const dataDir = path.join(dir, "data");
    ctx.log(`PGlite data dir ${dataDir}`);
    let server: ServerProcess;
    try {
      if (seed) await seeded({ dataDir }, seed);
      server = await startFlotilla(ctx, "pglite", { FLOTILLA_DATA_DIR: dataDir });
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      server,
      flotilla: true,
      stop: () => stopChecked(server),
      async countRows(filter) {
        // Same extensions as db/client.ts: the catalog references pg_trgm.
        // Counted after the server stopped; the lock makes sure it did (db/data-dir-lock.ts).
        const lock = lockDataDir(dataDir);
        try {
          const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
          try {
            const res = await db.query<{ n: number }>(countSql(filter), [filter.protocol]);
            return res.rows[0]?.n ?? 0;
          } finally {
            await db.close();
          }
        } finally {
          lock.release();
        }
      },
      async cleanup() {
        await server.stop(2_000);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Opens the target's database (applying migrations), seeds it and closes it again. */
async function seeded(opts: { url: string; poolSize: number } | { dataDir: string }, seed: Seeder): Promise<void> {
  const database = await openDatabase(opts);
  try {
    await seed(database.db);
  } finally {
    await database.close();
  }
}

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const postgres: Target = {
  name: "postgres",
  description: "Flotilla, PostgreSQL (temp database)",
  async start(ctx, runId, seed) {
    const database = `flotilla_bench_${process.pid}_${runId}`.replace(/[^a-z0-9_]/g, "_");
    try {
      await withClient(ctx.postgresUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    } catch (err) {
      throw new Error(`cannot create a database next to ${redact(ctx.postgresUrl)} (set BENCH_DATABASE_URL): ${err instanceof Error ? err.message : String(err)}`);
    }
    ctx.log(`database ${database}`);
    let dropped = false;
    const drop = async () => {
      if (dropped) return;
      dropped = true;
      await withClient(ctx.postgresUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    };
    const url = databaseUrl(ctx.postgresUrl, database);
    let server: ServerProcess;
    try {
      if (seed) await seeded({ url, poolSize: 2 }, seed);
      server = await startFlotilla(ctx, "postgres", { DATABASE_URL: url });
    } catch (err) {
      await drop();
      throw err;
    }
    const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(new URL(ctx.postgresUrl).hostname);
    return {
      server,
      flotilla: true,
      ...(local ? { databaseCpuSeconds: postgresCpuSeconds } : {}),
      stop: () => stopChecked(server),
      countRows: (filter) => withClient(url, async (c) => (await c.query<{ n: number }>(countSql(filter), [filter.protocol])).rows[0]?.n ?? 0),
      async cleanup() {
        await server.stop(2_000);
        await drop();
      },
    };
  },
};

export const TARGETS: Record<TargetName, Target> = { baseline, pglite, postgres };

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}
