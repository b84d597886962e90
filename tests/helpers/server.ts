import { afterAll, beforeAll } from "vitest";
import type { Database } from "@/db/client";
import { parseEnv } from "@/lib/config/env";
import { startServer, type RunningServer } from "@/server/app";
import type { TestDatabase } from "./databases";

export interface TestServer {
  database: Database & { dispose(): Promise<void> };
  server: RunningServer;
}

/**
 * Opens a fresh database and an agent server on it for one describe block (`seed` runs
 * before the server starts); both are torn down after. Read the fields inside tests.
 */
export function useTestServer(target: TestDatabase, opts: { env?: Record<string, string>; seed?: (db: Database["db"]) => Promise<void> } = {}): TestServer {
  const ctx = {} as TestServer;
  beforeAll(async () => {
    ctx.database = await target.open();
    await opts.seed?.(ctx.database.db);
    ctx.server = await startServer({ env: parseEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...opts.env }), ui: false, database: ctx.database });
  });
  afterAll(async () => {
    await ctx.server?.close();
    await ctx.database?.dispose();
  });
  return ctx;
}
