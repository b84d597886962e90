// Crash durability: agents and operators keep working while the server is killed with
// SIGKILL and restarted; afterwards every acknowledged report and operator change must be
// in the database. Used by `npm run durability` and tests/integration/durability.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, rowsOf } from "@/db/client";
import { SYSTEM_ACTOR, verifyAuditChain } from "@/db/queries/audit";
import { createApiToken } from "@/db/queries/tokens";
import { createUser } from "@/db/queries/users";
import { sql } from "drizzle-orm";
import { fsyncStats } from "@/db/pglite-durable";
import { freePort, spawnServer, waitHealthy, type ServerProcess } from "../../bench/processes";
import { seedFlatcarStable } from "../../tests/helpers/catalog";
import { createTempDatabase, type TempDatabase } from "./temp-database";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TOKEN = "durability-enrollment-token-0123456789";

export interface DurabilityOptions {
  /** Which database the server runs on: a temporary Postgres database, or PGlite in a temp dir. */
  database?: "postgres" | "pglite";
  /** A Postgres URL whose server the run creates (and drops) its database on. */
  adminUrl: string;
  hosts: number;
  /** Agent requests in flight at once. */
  concurrency: number;
  /** Load before the kill, and after the restart, in seconds. */
  beforeKillSeconds: number;
  afterRestartSeconds: number;
  /** How many times the server is killed and restarted. */
  kills: number;
  log(line: string): void;
}

export interface Tally {
  acked: number;
  stored: number;
  missing: number;
}

export interface DurabilityResult {
  database: string;
  native: Tally;
  omaha: Tally;
  groups: Tally;
  pins: Tally;
  /** Requests that got no 200: refused, reset or 503 while the server was down or starting. */
  notAcked: number;
  /** Milliseconds from SIGKILL to the restarted server answering /healthz, per kill. */
  downtimeMs: number[];
  auditChainOk: boolean;
  /** PGlite only: whether every probe commit fsynced its WAL before returning (power loss). */
  commitsFsynced: boolean | null;
  lost(): boolean;
}

function machineId(i: number): string {
  return (0xd0000000 + i).toString(16).padStart(32, "0");
}

function nativeBody(host: number, seq: string): string {
  return JSON.stringify({ machineId: machineId(host), hostname: `dur-${host}`, os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, state: "idle", deploymentId: seq, group: "default" });
}

function omahaBody(host: number, seq: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<request protocol="3.0" version="update_engine-0.4.10">` +
    `<os version="Chateau" platform="CoreOS" sp="3975.2.2_x86_64"></os>` +
    `<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="3975.2.2" track="stable" bootid="{${seq}}" machineid="${machineId(host)}" board="amd64-usr">` +
    `<ping active="1"></ping><updatecheck></updatecheck><event eventtype="3" eventresult="2" previousversion="0.0.0.0"></event></app></request>\n`
  );
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  try {
    const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Omaha answers XML
    }
    return { status: res.status, json };
  } catch {
    return { status: 0, json: null };
  }
}

/** Where the server keeps its data: a Postgres URL, or a PGlite data directory. */
type Target = { url: string } | { dataDir: string };

function startServer(port: number, target: Target): ServerProcess {
  const { DATABASE_URL: _inherited, ...inherited } = process.env;
  const db = "url" in target ? { DATABASE_URL: target.url } : { FLOTILLA_DATA_DIR: target.dataDir };
  return spawnServer({
    name: "flotilla",
    cwd: ROOT,
    // The real server process; the operator API is served from its route modules (no UI build needed).
    nodeArgs: ["--import", "tsx", "tests/helpers/operator-server-main.ts"],
    env: { ...inherited, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", ...db, FLOTILLA_ENROLLMENT_TOKEN: TOKEN, LOG_LEVEL: "warn", FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE: "1000000" },
    port,
  });
}

/** SIGKILL: no shutdown hook runs, queued reports die with the process. */
function killHard(server: ServerProcess): Promise<void> {
  process.kill(server.pid, "SIGKILL");
  return server.stop(0).then(() => undefined);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDurability(opts: DurabilityOptions): Promise<DurabilityResult> {
  const embedded = opts.database === "pglite";
  const tmp = embedded ? fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-durability-")) : null;
  const db0: TempDatabase = tmp
    ? { name: `PGlite ${path.join(tmp, "data")}`, url: "", drop: async () => fs.rmSync(tmp, { recursive: true, force: true }) }
    : await createTempDatabase(opts.adminUrl, "flotilla_durability");
  const target: Target = tmp ? { dataDir: path.join(tmp, "data") } : { url: db0.url };
  const open = () => openDatabase("url" in target ? { url: target.url, poolSize: 2 } : { dataDir: target.dataDir });
  let server: ServerProcess | undefined;
  try {
    opts.log(`database ${db0.name}; ${opts.hosts} hosts, ${opts.concurrency} agents in flight, ${opts.kills} kill(s)`);
    let apiToken: string;
    {
      // On PGlite this process holds the directory until close(), then the server takes it.
      const seed = await open();
      try {
        // Releases 3975.2.2 and 4081.2.0 on `stable`: Omaha hosts are offered one, pins name one.
        await seedFlatcarStable(seed.db);
        const user = await createUser(seed.db, SYSTEM_ACTOR, { email: "durability@example.com", name: "Durability", password: "durability-password", role: "operator" });
        apiToken = (await createApiToken(seed.db, SYSTEM_ACTOR, { name: "durability", userId: user.id, expiresAt: null })).token;
      } finally {
        await seed.close();
      }
    }
    const port = await freePort();
    server = startServer(port, target);
    await waitHealthy(server);
    const base = server.url;

    const ackedNative = new Set<string>();
    const ackedOmaha = new Set<string>();
    const ackedGroups = new Set<string>();
    const ackedPins = new Set<string>();
    let notAcked = 0;
    let running = true;
    let seq = 0;

    const agent = async () => {
      while (running) {
        const n = seq++;
        const host = n % opts.hosts;
        const marker = `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
        const native = host % 2 === 0;
        const r = native
          ? await post(`${base}/v1/agent/report`, nativeBody(host, marker), { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" })
          : await post(`${base}/v1/update/`, omahaBody(host, marker), { "content-type": "text/xml" });
        if (r.status === 200) (native ? ackedNative : ackedOmaha).add(marker);
        else {
          notAcked++;
          if (r.status === 0) await sleep(20); // down: do not spin
        }
      }
    };
    const operator = async () => {
      const headers = { authorization: `Bearer ${apiToken}`, "content-type": "application/json" };
      for (let i = 0; running; i++) {
        if (i % 2 === 0) {
          const id = `dur-${i}`;
          const r = await post(`${base}/api/v1/groups`, JSON.stringify({ id, description: `created by the durability run (${i})` }), headers);
          if (r.status === 201) ackedGroups.add(id);
          else if (r.status === 0) await sleep(20);
        } else {
          const r = await post(`${base}/api/v1/pins`, JSON.stringify({ scope: "host", targetId: machineId(i), version: "3975.2.2", reason: `durability ${i}` }), headers);
          const id = (r.json as { id?: unknown } | null)?.id;
          if (r.status === 201 && typeof id === "string") ackedPins.add(id);
          else if (r.status === 0) await sleep(20);
        }
      }
    };
    const workers = [...Array.from({ length: opts.concurrency }, agent), operator(), operator()];

    const downtimeMs: number[] = [];
    for (let k = 0; k < opts.kills; k++) {
      await sleep(opts.beforeKillSeconds * 1000);
      const before = ackedNative.size + ackedOmaha.size;
      await killHard(server);
      const killedAt = Date.now();
      opts.log(`kill -9 after ${before} acknowledged reports, ${ackedGroups.size + ackedPins.size} operator changes`);
      server = startServer(port, target);
      await waitHealthy(server);
      downtimeMs.push(Date.now() - killedAt);
      opts.log(`restarted: answering again ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    }
    await sleep(opts.afterRestartSeconds * 1000);
    running = false;
    await Promise.all(workers);
    // A clean stop: nothing acknowledged may depend on it, but it frees the pool.
    await server.stop(20_000);

    const check = await open();
    try {
      const markers = async (protocol: "native" | "omaha") => {
        const column = protocol === "native" ? sql`detail->>'deploymentId'` : sql`trim(both '{}' from detail->>'bootId')`;
        const rows = rowsOf<{ m: string }>(await check.db.execute(sql`SELECT ${column} AS m FROM host_reports WHERE protocol = ${protocol}`));
        return new Set(rows.map((r) => r.m));
      };
      const tally = (acked: Set<string>, stored: Set<string>): Tally => {
        let missing = 0;
        for (const m of acked) if (!stored.has(m)) missing++;
        return { acked: acked.size, stored: stored.size, missing };
      };
      const ids = async (table: "groups" | "pins", wanted: Set<string>) => {
        const list = [...wanted];
        if (list.length === 0) return new Set<string>();
        // drizzle expands an array parameter into a parenthesised list.
        const rows = rowsOf<{ id: string }>(await check.db.execute(table === "groups" ? sql`SELECT id FROM groups WHERE id IN ${list}` : sql`SELECT id::text AS id FROM pins WHERE id::text IN ${list}`));
        return new Set(rows.map((r) => r.id));
      };
      const native = tally(ackedNative, await markers("native"));
      const omaha = tally(ackedOmaha, await markers("omaha"));
      const groups = tally(ackedGroups, await ids("groups", ackedGroups));
      const pins = tally(ackedPins, await ids("pins", ackedPins));
      const chain = await verifyAuditChain(check.db);
      // Power loss cannot be pulled here; what makes a commit survive it can be checked: each
      // commit must have fsynced a WAL file by the time it returns.
      let commitsFsynced: boolean | null = null;
      if (embedded) {
        commitsFsynced = true;
        for (let i = 0; i < 10; i++) {
          const before = fsyncStats.walCalls;
          await check.db.execute(sql`INSERT INTO groups (id, description) VALUES (${`fsync-probe-${i}`}, 'fsync probe')`);
          if (fsyncStats.walCalls <= before) commitsFsynced = false;
        }
      }
      return {
        database: db0.name,
        native,
        omaha,
        groups,
        pins,
        notAcked,
        downtimeMs,
        auditChainOk: chain.ok,
        commitsFsynced,
        lost: () => native.missing + omaha.missing + groups.missing + pins.missing > 0 || !chain.ok || commitsFsynced === false,
      };
    } finally {
      await check.close();
    }
  } finally {
    await server?.stop(5_000);
    await db0.drop();
  }
}

export function formatDurability(r: DurabilityResult): string {
  const row = (name: string, t: Tally) => `${name.padEnd(16)}${String(t.acked).padStart(10)}${String(t.stored).padStart(10)}${String(t.missing).padStart(10)}`;
  return [
    `${"".padEnd(16)}${"acked".padStart(10)}${"stored".padStart(10)}${"missing".padStart(10)}`,
    row("native reports", r.native),
    row("Omaha check-ins", r.omaha),
    row("groups created", r.groups),
    row("pins set", r.pins),
    `not acknowledged (refused, reset or 503 while down): ${r.notAcked}`,
    `downtime per kill: ${r.downtimeMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")}`,
    `audit hash chain after the crash(es): ${r.auditChainOk ? "intact" : "BROKEN"}`,
    ...(r.commitsFsynced === null ? [] : [`every commit fsyncs its WAL before returning: ${r.commitsFsynced ? "yes" : "NO"}`]),
  ].join("\n");
}
