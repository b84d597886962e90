import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { forceReleaseRebootSlot, listRebootSlots, setRebootSlots } from "@/db/queries/fleetlock";
import { getHost } from "@/db/queries/hosts";
import { ingestReports } from "@/db/queries/ingest";
import { listAudit } from "@/db/queries/audit";
import { parseEnv } from "@/lib/config/env";
import { startServer, type RunningServer } from "@/server/app";
import { testDatabases } from "../helpers/databases";
import { spawnAgentServer, type ServerProcess } from "../helpers/processes";
import { fleetLockStorm } from "../helpers/fleetlock-storm";
import { report } from "../helpers/reports";

const lock = (base: string, path: "pre-reboot" | "steady-state", id: string, group: string, headers: Record<string, string> = { "fleet-lock-protocol": "true" }) =>
  fetch(`${base}/v1/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ client_params: { id, group } }) });

describe.each(testDatabases())("FleetLock on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  let server: RunningServer;

  beforeAll(async () => {
    database = await target.open();
    server = await startServer({ env: parseEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" }), ui: false, database });
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  it("locks are owned and recursive; unlocking frees the slot", async () => {
    const a = (await lock(server.url, "pre-reboot", "node-a", "workers"));
    expect(a.status).toBe(200);
    expect((await lock(server.url, "pre-reboot", "node-a", "workers")).status).toBe(200); // recursive
    const b = await lock(server.url, "pre-reboot", "node-b", "workers");
    expect(b.status).toBe(409);
    expect(await b.json()).toEqual({ kind: "failed_lock_semaphore_full", value: "all 1 reboot slots of group workers are taken" });
    // Only the holder's unlock frees it; someone else's unlock is a no-op success.
    expect((await lock(server.url, "steady-state", "node-b", "workers")).status).toBe(200);
    expect((await lock(server.url, "pre-reboot", "node-b", "workers")).status).toBe(409);
    expect((await lock(server.url, "steady-state", "node-a", "workers")).status).toBe(200);
    expect((await lock(server.url, "steady-state", "node-a", "workers")).status).toBe(200); // unlock if held
    expect((await lock(server.url, "pre-reboot", "node-b", "workers")).status).toBe(200);
    await lock(server.url, "steady-state", "node-b", "workers");
  });

  it.each([
    ["without the header", { id: "x", group: "g" }, {}, "missing_header"],
    ["with an invalid group", { id: "x", group: "bad group" }, { "fleet-lock-protocol": "true" }, "invalid_client_params"],
    ["with an empty id", { id: "", group: "g" }, { "fleet-lock-protocol": "true" }, "invalid_client_params"],
  ])("refuses a request %s with a {kind, value} 400", async (_what, params, headers, kind) => {
    const res = await fetch(`${server.url}/v1/pre-reboot`, { method: "POST", headers, body: JSON.stringify({ client_params: params }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { kind: string; value: string };
    expect(body.kind).toBe(kind);
    expect(body.value.length).toBeGreaterThan(0);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await fetch(`${server.url}/v1/steady-state`, { method: "POST", headers: { "fleet-lock-protocol": "true" }, body: "{" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { kind: string }).kind).toBe("invalid_body");
  });

  it("marks the host rebooting when it takes a slot, and operators see and release stuck holders (audited)", async () => {
    const id = "e0f3745b108f471cbd4883c6fbed8cdd";
    await ingestReports(database.db, [report({ hostId: id, osFamily: "fcos", protocol: "cincinnati", osVersion: "40.20240416.3.1" })]);
    await setRebootSlots(database.db, SYSTEM_ACTOR, "edge", 2, "two at a time");
    expect((await lock(server.url, "pre-reboot", id, "edge")).status).toBe(200);
    expect((await getHost(database.db, id))?.updateState).toBe("rebooting");
    // The overview's live counts moved with the host (they are kept outside the hosts table).
    const counted = rowsOf<{ state: string; n: number }>(
      await database.db.execute(sql`SELECT update_state AS state, sum(hosts)::int AS n FROM fleet_state_counts WHERE group_id = ${"default"} AND os_version = '40.20240416.3.1' GROUP BY 1 HAVING sum(hosts) <> 0 ORDER BY 1`),
    );
    expect(counted).toEqual([{ state: "rebooting", n: 1 }]);
    // A second grant (recursive lock) does not count the host twice.
    expect((await lock(server.url, "pre-reboot", id, "edge")).status).toBe(200);
    expect(rowsOf<{ n: number }>(await database.db.execute(sql`SELECT sum(hosts)::int AS n FROM fleet_state_counts WHERE update_state = 'rebooting' AND os_version = '40.20240416.3.1'`))[0]?.n).toBe(1);
    const slots = (await listRebootSlots(database.db)).find((s) => s.id === "edge")!;
    expect(slots.totalSlots).toBe(2);
    expect(slots.holders.map((h) => h.holderId)).toEqual([id]);
    await forceReleaseRebootSlot(database.db, SYSTEM_ACTOR, "edge", id, "host died mid-update");
    expect((await listRebootSlots(database.db)).find((s) => s.id === "edge")!.holders).toEqual([]);
    const audit = await listAudit(database.db, { targetType: "fleetlock_group", targetId: "edge", limit: 10 });
    expect(audit.items.map((a) => a.action)).toEqual(["fleetlock.release", "fleetlock.set_slots"]);
    await expect(forceReleaseRebootSlot(database.db, SYSTEM_ACTOR, "edge", id, null)).rejects.toMatchObject({ code: "not_found" });
  });

  it("200 concurrent clients never get more slots than configured", async () => {
    await setRebootSlots(database.db, SYSTEM_ACTOR, "storm", 3, null);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => lock(server.url, "pre-reboot", `node-${i}`, "storm").then((r) => r.status)));
    expect(results.filter((s) => s === 200)).toHaveLength(3);
    expect(results.filter((s) => s === 409)).toHaveLength(197);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("FleetLock across two processes on one Postgres", () => {
  const [pgTarget] = testDatabases().filter((t) => t.name === "postgres");
  let database: Database & { dispose(): Promise<void> };
  let procs: ServerProcess[] = [];

  beforeAll(async () => {
    database = await pgTarget!.open();
    const url = rowsOf<{ db: string }>(await database.db.execute(sql`SELECT current_database() AS db`))[0]!.db;
    const dbUrl = new URL(process.env.TEST_DATABASE_URL!);
    dbUrl.pathname = `/${url}`;
    procs = await Promise.all([spawnAgentServer({ DATABASE_URL: dbUrl.toString() }), spawnAgentServer({ DATABASE_URL: dbUrl.toString() })]);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await database?.dispose();
  });

  it("200 concurrent clients, 3 slots, round-robin over both processes: never more than 3 holders", async () => {
    await setRebootSlots(database.db, SYSTEM_ACTOR, "workers", 3, null);
    // Three rounds: everyone tries, the holders reboot and unlock, everyone tries again; each
    // node asks one process and unlocks through the other.
    const { granted, maxSeen } = await fleetLockStorm(
      database.db,
      "workers",
      (path, i) => lock(procs[(path === "pre-reboot" ? i : i + 1) % 2]!.url, path, `node-${i}`, "workers"),
      { clients: 200, rounds: 3, slots: 3 },
    );
    expect(granted).toBe(9);
    expect(maxSeen).toBeLessThanOrEqual(3);
  });
});
