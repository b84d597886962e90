import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, rowsOf } from "@/db/client";
import { fsyncStats } from "@/db/pglite-durable";
import { formatDurability, runDurability } from "../../scripts/lib/durability-run";

// The small version of `npm run durability`: the server process is killed with SIGKILL under
// native + Omaha load and operator API writes, restarted, and nothing acknowledged is missing.
describe.runIf(process.env.TEST_DATABASE_URL)("durability across kill -9 (Postgres)", () => {
  it("keeps every acknowledged report, group and pin", { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const r = await runDurability({
      adminUrl: process.env.TEST_DATABASE_URL!,
      hosts: 300,
      concurrency: 16,
      beforeKillSeconds: 3,
      afterRestartSeconds: 2,
      kills: 1,
      log: (line) => lines.push(line),
    });
    console.info(`${lines.join("\n")}\n${formatDurability(r)}`);
    expect(r.native.acked + r.omaha.acked).toBeGreaterThan(100);
    expect(r.groups.acked + r.pins.acked).toBeGreaterThan(2);
    expect({ native: r.native.missing, omaha: r.omaha.missing, groups: r.groups.missing, pins: r.pins.missing }).toEqual({ native: 0, omaha: 0, groups: 0, pins: 0 });
    expect(r.auditChainOk).toBe(true);
  });
});

// The README's sentence on the embedded database, both halves: nothing acknowledged is lost to a
// kill -9 under load, and every commit has fsynced its WAL before it returns (power loss).
describe("durability on the embedded database (PGlite)", () => {
  it("keeps every acknowledged report, group and pin across kill -9", { timeout: 300_000 }, async () => {
    const lines: string[] = [];
    const r = await runDurability({ database: "pglite", adminUrl: "", hosts: 200, concurrency: 8, beforeKillSeconds: 4, afterRestartSeconds: 2, kills: 1, log: (line) => lines.push(line) });
    console.info(`${lines.join("\n")}\n${formatDurability(r)}`);
    expect(r.native.acked + r.omaha.acked).toBeGreaterThan(20);
    expect({ native: r.native.missing, omaha: r.omaha.missing, groups: r.groups.missing, pins: r.pins.missing }).toEqual({ native: 0, omaha: 0, groups: 0, pins: 0 });
    expect(r.auditChainOk).toBe(true);
    expect(r.commitsFsynced).toBe(true);
  });

  it("fsyncs the WAL before each commit returns", { timeout: 300_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-fsync-"));
    const database = await openDatabase({ dataDir: path.join(dir, "data") });
    try {
      const setting = rowsOf<{ fsync: string; method: string }>(await database.db.execute(sql`SELECT current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS method`))[0];
      expect(setting).toEqual({ fsync: "on", method: "fsync" });
      await database.db.execute(sql`CREATE TABLE durable_probe (n int)`);
      for (let i = 0; i < 20; i++) {
        const before = fsyncStats.walCalls;
        await database.db.execute(sql`INSERT INTO durable_probe VALUES (${i})`);
        expect(fsyncStats.walCalls, `commit ${i}`).toBeGreaterThan(before);
      }
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
