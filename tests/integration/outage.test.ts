import pg from "pg";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const TOKEN = "outage-enrollment-token";
const body = JSON.stringify({ machineId: "7".repeat(32), os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, state: "idle" });

describe.runIf(process.env.TEST_DATABASE_URL)("database outage (Postgres)", () => {
  const [target] = testDatabases().filter((d) => d.name === "postgres");
  const t = useTestServer(target!, { env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN } });

  async function setConnections(name: string, allow: boolean) {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allow}`);
    if (!allow) await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    await admin.end();
  }

  it("answers 503 with Retry-After while the database is gone, never 500, and recovers by itself", async () => {
    const report = () => fetch(`${t.server.url}/v1/agent/report`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body });
    expect((await report()).status).toBe(200);
    const name = rowsOf<{ db: string }>(await t.database.db.execute(sql`SELECT current_database() AS db`))[0]!.db;
    await setConnections(name, false);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await report();
        expect(r.status).toBe(503);
        expect(r.headers.get("retry-after")).toBeTruthy();
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe("unavailable");
      }
      expect((await fetch(`${t.server.url}/healthz`)).status).toBe(503);
    } finally {
      await setConnections(name, true);
    }
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await report()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
  });
});
