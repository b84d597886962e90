// A real database outage: Flotilla on a private PostgreSQL cluster under agent and operator
// load; the cluster is stopped for N seconds and started again. Every answer in the outage
// must be 503 + Retry-After (or a 200 that needs no database), quickly; after the restart the
// service must answer 200 again within seconds. Used by `npm run outage` and
// tests/integration/postgres-outage.test.ts.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createApiToken } from "@/db/queries/tokens";
import { createUser } from "@/db/queries/users";
import { freePort, spawnServer, waitHealthy, type ServerProcess } from "../../bench/processes";
import { seedFlatcarStable } from "../../tests/helpers/catalog";
import { createPrivatePostgres, type PrivatePostgres } from "./private-postgres";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TOKEN = "outage-enrollment-token-0123456789";

export const OUTAGE_KINDS = ["native", "omaha", "graph", "fleetlock", "operator", "healthz"] as const;
export type OutageKind = (typeof OUTAGE_KINDS)[number];

export interface OutageOptions {
  outageSeconds: number;
  warmupSeconds: number;
  afterSeconds: number;
  concurrency: number;
  stopMode: "fast" | "immediate";
  log(line: string): void;
}

interface Sample {
  kind: OutageKind;
  start: number;
  end: number;
  status: number;
  retryAfter: boolean;
}

export interface PhaseStats {
  requests: number;
  byStatus: Record<string, number>;
  maxLatencyMs: number;
  p99LatencyMs: number;
}

export interface OutageResult {
  outageSeconds: number;
  before: PhaseStats;
  during: PhaseStats;
  after: PhaseStats;
  /** Answers in the outage that were neither 503 with Retry-After nor a 200. */
  badDuringOutage: Array<{ kind: OutageKind; status: number; retryAfter: boolean }>;
  /** 5xx other than 503, anywhere in the run. */
  serverErrors: number;
  /** Requests with no answer at all (timeout or reset). */
  noAnswer: number;
  /** Seconds from the database being back until each kind answered 200 again. */
  recoverySeconds: Record<OutageKind, number | null>;
}

function stats(samples: Sample[]): PhaseStats {
  const lat = samples.map((s) => s.end - s.start).sort((a, b) => a - b);
  const byStatus: Record<string, number> = {};
  for (const s of samples) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  return { requests: samples.length, byStatus, maxLatencyMs: Math.round(lat.at(-1) ?? 0), p99LatencyMs: Math.round(lat[Math.floor(lat.length * 0.99)] ?? 0) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const machineId = (i: number) => (0xe0000000 + i).toString(16).padStart(32, "0");

export async function runOutage(opts: OutageOptions): Promise<OutageResult> {
  let pg: PrivatePostgres | undefined;
  let server: ServerProcess | undefined;
  try {
    pg = await createPrivatePostgres();
    opts.log(`private PostgreSQL on port ${pg.port}`);
    let apiToken: string;
    {
      const seed = await openDatabase({ url: pg.url, poolSize: 2 });
      try {
        await seedFlatcarStable(seed.db);
        const user = await createUser(seed.db, SYSTEM_ACTOR, { email: "outage@example.com", name: "Outage", password: "outage-password", role: "viewer" });
        apiToken = (await createApiToken(seed.db, SYSTEM_ACTOR, { name: "outage", userId: user.id, expiresAt: null })).token;
      } finally {
        await seed.close();
      }
    }
    const port = await freePort();
    server = spawnServer({
      name: "flotilla",
      cwd: ROOT,
      nodeArgs: ["--import", "tsx", "tests/helpers/operator-server-main.ts"],
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: pg.url, FLOTILLA_ENROLLMENT_TOKEN: TOKEN, LOG_LEVEL: "error", FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE: "1000000" },
      port,
    });
    await waitHealthy(server);
    const base = server.url;

    const request = (kind: OutageKind, i: number): [string, RequestInit] => {
      // One host speaks one protocol, as real hosts do: a host enrolled with a token (native)
      // is refused on the open protocols by design (ARCHITECTURE.md, trust model).
      const id = machineId(OUTAGE_KINDS.indexOf(kind) * 1000 + (i % 500));
      switch (kind) {
        case "native":
          return [`${base}/v1/agent/report`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ machineId: id, os: { family: "flatcar", version: "3975.2.2", arch: "amd64" }, state: "idle" }) }];
        case "omaha":
          return [
            `${base}/v1/update/`,
            {
              method: "POST",
              headers: { "content-type": "text/xml" },
              body: `<?xml version="1.0" encoding="UTF-8"?>\n<request protocol="3.0"><app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="3975.2.2" track="stable" machineid="${id}" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck></app></request>`,
            },
          ];
        case "graph":
          return [`${base}/v1/graph?basearch=x86_64&stream=stable&node_uuid=${id}&os_version=40.20240416.3.1&os_checksum=abc`, { method: "GET" }];
        case "fleetlock":
          return [`${base}/v1/${i % 2 ? "steady-state" : "pre-reboot"}`, { method: "POST", headers: { "fleet-lock-protocol": "true", "content-type": "application/json" }, body: JSON.stringify({ client_params: { id, group: "outage" } }) }];
        case "operator":
          return [`${base}/api/v1/hosts?limit=5`, { method: "GET", headers: { authorization: `Bearer ${apiToken}` } }];
        case "healthz":
          return [`${base}/healthz`, { method: "GET" }];
      }
    };

    const samples: Sample[] = [];
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        const i = n++;
        const kind = OUTAGE_KINDS[i % OUTAGE_KINDS.length]!;
        const [url, init] = request(kind, i);
        const start = performance.now();
        let status = 0;
        let retryAfter = false;
        try {
          const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
          await res.arrayBuffer();
          status = res.status;
          retryAfter = res.headers.has("retry-after");
        } catch {
          status = 0;
        }
        samples.push({ kind, start, end: performance.now(), status, retryAfter });
        // Agents back off on 503; a short pause keeps this loop from only measuring itself.
        if (status !== 200) await sleep(10);
      }
    };
    const workers = Array.from({ length: opts.concurrency }, worker);

    await sleep(opts.warmupSeconds * 1000);
    const stoppedAt = performance.now();
    await pg.stop(opts.stopMode);
    opts.log(`database stopped (${opts.stopMode}); holding it down for ${opts.outageSeconds} s`);
    await sleep(opts.outageSeconds * 1000);
    const restarting = performance.now();
    await pg.start();
    const backAt = performance.now();
    opts.log(`database accepting connections again (pg_ctl start took ${((backAt - restarting) / 1000).toFixed(1)} s)`);
    await sleep(opts.afterSeconds * 1000);
    running = false;
    await Promise.all(workers);

    const before = samples.filter((s) => s.end < stoppedAt);
    // Everything in flight while the database was away, including what started just before.
    const during = samples.filter((s) => s.end >= stoppedAt && s.start < backAt);
    const after = samples.filter((s) => s.start >= backAt);
    const recoverySeconds = Object.fromEntries(
      OUTAGE_KINDS.map((kind) => {
        const first = after.filter((s) => s.kind === kind && s.status === 200).sort((a, b) => a.end - b.end)[0];
        return [kind, first ? Math.round((first.end - backAt) / 100) / 10 : null];
      }),
    ) as Record<OutageKind, number | null>;
    return {
      outageSeconds: Math.round((backAt - stoppedAt) / 100) / 10,
      before: stats(before),
      during: stats(during),
      after: stats(after),
      badDuringOutage: during.filter((s) => !(s.status === 200 || (s.status === 503 && s.retryAfter))).map((s) => ({ kind: s.kind, status: s.status, retryAfter: s.retryAfter })),
      serverErrors: samples.filter((s) => s.status >= 500 && s.status !== 503).length,
      noAnswer: samples.filter((s) => s.status === 0).length,
      recoverySeconds,
    };
  } finally {
    await server?.stop(5_000);
    await pg?.destroy();
  }
}

export function formatOutage(r: OutageResult): string {
  const phase = (name: string, p: PhaseStats) =>
    `${name.padEnd(8)}${String(p.requests).padStart(8)}  ${Object.entries(p.byStatus)
      .map(([s, c]) => `${s}×${c}`)
      .join(" ")
      .padEnd(28)}  max ${p.maxLatencyMs} ms, p99 ${p.p99LatencyMs} ms`;
  return [
    `phase    requests  answers                       latency`,
    phase("before", r.before),
    phase("outage", r.during),
    phase("after", r.after),
    `database away ${r.outageSeconds} s; 503 answers in the outage: ${r.during.byStatus["503"] ?? 0}; max latency in the outage ${r.during.maxLatencyMs} ms`,
    `recovery (database back → first 200): ${Object.entries(r.recoverySeconds)
      .map(([k, s]) => `${k} ${s === null ? "never" : `${s} s`}`)
      .join(", ")}`,
    `not 503+Retry-After in the outage: ${r.badDuringOutage.length}${r.badDuringOutage.length ? ` (${[...new Set(r.badDuringOutage.map((b) => `${b.kind} ${b.status}${b.retryAfter ? "" : " without Retry-After"}`))].join(", ")})` : ""}; other 5xx: ${r.serverErrors}; no answer: ${r.noAnswer}`,
  ].join("\n");
}
