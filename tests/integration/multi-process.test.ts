import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createGroup } from "@/db/queries/groups";
import { createAssignment, saveConfigVersion } from "@/db/queries/ignition";
import { openSlots } from "@/db/queries/update-slots";
import { createUser } from "@/db/queries/users";
import { DEFAULT_GROUP_POLICY } from "@/lib/rollout/policy-schema";
import { seedFlatcarStable } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { fleetLockStorm } from "../helpers/fleetlock-storm";
import { createRoleUsers, signIn, type RoleUser } from "../helpers/operators";
import { spawnOperatorServer, type ServerProcess } from "../helpers/processes";
import { startRoundRobinProxy, type RoundRobinProxy } from "../helpers/round-robin-proxy";

const TOKEN = "multi-process-enrollment-token-0123";
const machine = (i: number) => (0xf0000000 + i).toString(16).padStart(32, "0");
const checkIn = (i: number) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0"><app appid="e96281a6-d1af-4bde-9a0a-97b76e56dc57" version="3975.2.2" track="stable" machineid="${machine(i)}" board="amd64-usr"><updatecheck></updatecheck><event eventtype="3" eventresult="2"></event></app></request>`;
const ignition = (motd: string) => JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: `data:,${motd}` } }] } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Two Flotilla processes on one Postgres behind a per-request round-robin proxy, with agent
// reports flowing all along: the limits that live in the database must hold across processes.
describe.runIf(process.env.TEST_DATABASE_URL)("two processes on one Postgres behind a round-robin proxy", () => {
  const [pg] = testDatabases().filter((d) => d.name === "postgres");
  let database: Database & { dispose(): Promise<void> };
  let procs: ServerProcess[] = [];
  let proxy: RoundRobinProxy;
  let users: Record<"viewer" | "operator" | "approver" | "admin", RoleUser>;
  let background: Promise<void>;
  let loading = true;
  let backgroundAcked = 0;

  const api = (token: string, method: string, path: string, body?: unknown, base = proxy.url) =>
    fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    database = await pg!.open();
    users = await createRoleUsers(database.db, "mp");
    await createUser(database.db, SYSTEM_ACTOR, { email: "approver-2@example.com", name: "Second approver", password: "approver-2-password", role: "approver" });
    await seedFlatcarStable(database.db);
    await createGroup(database.db, SYSTEM_ACTOR, { id: "stable", description: "", channelId: "stable" });
    await createGroup(database.db, SYSTEM_ACTOR, { id: "edge", description: "", channelId: null });
    await saveConfigVersion(database.db, SYSTEM_ACTOR, "edge-config", { format: "ignition", source: ignition("v1"), message: "v1", draft: false });
    await createAssignment(database.db, SYSTEM_ACTOR, { name: "edge", configId: "edge-config", version: null, selectors: { group: "edge" } });
    const name = rowsOf<{ db: string }>(await database.db.execute(sql`SELECT current_database() AS db`))[0]!.db;
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    procs = await Promise.all([0, 1].map(() => spawnOperatorServer({ DATABASE_URL: url.toString(), FLOTILLA_ENROLLMENT_TOKEN: TOKEN })));
    proxy = await startRoundRobinProxy(procs.map((p) => p.url));
    // Agents keep reporting through the proxy for the whole suite.
    background = (async () => {
      for (let i = 0; loading; i++) {
        const res = await fetch(`${proxy.url}/v1/agent/report`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ machineId: machine(10_000 + (i % 200)), os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, state: "idle", group: "background" }),
        }).catch(() => null);
        if (res?.status === 200) backgroundAcked++;
        await res?.arrayBuffer();
      }
    })();
  });

  afterAll(async () => {
    loading = false;
    await background;
    await proxy?.close();
    await Promise.all(procs.map((p) => p.stop()));
    await database?.dispose();
  });

  it("FleetLock: 3 slots are never held by more than 3 nodes, whichever process they ask", async () => {
    expect((await api(users.operator.token, "PUT", "/api/v1/fleetlock/workers", { totalSlots: 3, reason: "three at a time" })).status).toBe(200);
    const lock = (path: string, i: number) =>
      fetch(`${proxy.url}/v1/${path}`, { method: "POST", headers: { "fleet-lock-protocol": "true" }, body: JSON.stringify({ client_params: { id: `node-${i}`, group: "workers" } }) });
    const { granted, maxSeen } = await fleetLockStorm(database.db, "workers", lock, { clients: 100, rounds: 3, slots: 3 });
    expect(granted).toBe(9);
    expect(maxSeen).toBeLessThanOrEqual(3);
  });

  it("maxConcurrentUpdates set through the API holds across both processes", async () => {
    const patch = await api(users.operator.token, "PATCH", "/api/v1/groups/stable", { policy: { ...DEFAULT_GROUP_POLICY, maxConcurrentUpdates: 7 } });
    expect(patch.status, await patch.clone().text()).toBe(200);
    // The other process picks the policy up on its next refresh (every 2 s).
    await sleep(2_500);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(`${proxy.url}/v1/update/`, { method: "POST", body: checkIn(i) }).then((r) => r.text())));
    expect(answers.filter((a) => a.includes("<manifest "))).toHaveLength(7);
    expect(await openSlots(database.db, "stable")).toHaveLength(7);
  });

  it("approvals: the requester cannot approve through either process, and one approval applies once", async () => {
    const sessions = {
      admin: (await signIn(proxy.url, users.admin.email, users.admin.password)).cookie,
      approver: (await signIn(proxy.url, users.approver.email, users.approver.password)).cookie,
      approver2: (await signIn(proxy.url, "approver-2@example.com", "approver-2-password")).cookie,
    };
    const vote = (cookie: string, requestId: string, comment: string, base: string) =>
      fetch(`${base}/api/v1/approvals/${requestId}/approve`, { method: "POST", headers: { cookie, origin: base, "content-type": "application/json" }, body: JSON.stringify({ comment }) });
    expect((await api(users.operator.token, "PATCH", "/api/v1/groups/edge", { requiresApproval: true, approvalsRequired: 1 })).status).toBe(200);
    for (let round = 1; round <= 4; round++) {
      if (round > 1) {
        const saved = await api(users.admin.token, "POST", "/api/v1/ignition/configs/edge-config/versions", { format: "ignition", source: ignition(`v${round}`), message: `v${round}` });
        expect(saved.status).toBe(201);
      }
      const published = await api(users.admin.token, "POST", "/api/v1/ignition/configs/edge-config/publish", { version: round, reason: `round ${round}` });
      expect(published.status).toBe(202);
      const { requestId } = (await published.json()) as { requestId: string };
      // The admin who asked may approve in general, but not this request, on either process.
      for (const p of procs) {
        const own = await vote(sessions.admin, requestId, "mine", p.url);
        expect(own.status).toBe(403);
        expect(((await own.json()) as { error: { message: string } }).error.message).toMatch(/you requested this change/);
      }
      // Two approvers and a double vote race on both processes: exactly one approval lands.
      // A vote is a person's act: each votes from a signed-in session (API tokens cannot vote).
      const votes = await Promise.all([
        vote(sessions.approver, requestId, "ok", procs[0]!.url),
        vote(sessions.approver2, requestId, "ok", procs[1]!.url),
        vote(sessions.approver, requestId, "again", procs[1]!.url),
      ]);
      const statuses = votes.map((v) => v.status).sort();
      expect(statuses, `round ${round}`).toEqual([200, 409, 409]);
      const config = (await (await api(users.viewer.token, "GET", "/api/v1/ignition/configs/edge-config")).json()) as { publishedVersion: number };
      expect(config.publishedVersion).toBe(round);
    }
    const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'ignition.publish' AND target_id = 'edge-config'`)) as [{ n: number }];
    expect(n).toBe(4);
  });

  it("the audit chain stays intact with both processes writing at once", async () => {
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => api(users.operator.token, "POST", "/api/v1/groups", { id: `mp-${i}`, description: "" }).then((r) => r.status)));
    expect(created.every((s) => s === 201)).toBe(true);
    const verdict = await (await api(users.viewer.token, "GET", "/api/v1/audit/verify")).json();
    expect(verdict).toMatchObject({ ok: true });
    expect((verdict as { rows: number }).rows).toBeGreaterThan(50);
    // Both processes did real work, and the agents were acknowledged all along.
    for (const p of procs) expect(proxy.served.get(p.url)).toBeGreaterThan(100);
    expect(backgroundAcked).toBeGreaterThan(50);
  });
});
