// `npm run soak -- --minutes 10 --hosts 100000 --rate 2000`: sustained mixed agent traffic
// (native reports, Omaha check-ins, Cincinnati graph polls) against a Flotilla process on a
// fresh PostgreSQL database. Samples the server's memory every few seconds, prints a table,
// and fails on any unexpected status, on memory growth in the second half, or on a lost report.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openDatabase } from "@/db/client";
import { freePort, getText, SERVER_NODE_FLAGS, spawnServer, waitHealthy, type ServerProcess } from "../bench/processes";
import { graphScenario, nativeReportScenario, omahaScenario, type RequestGenerator, type Scenario } from "../bench/scenarios";
import { createTempDatabase, DEFAULT_POSTGRES_URL, withClient, type TempDatabase } from "./lib/temp-database";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "soak-enrollment-token-0123456789";
const USAGE = `usage: npm run soak -- [--minutes 10] [--hosts 100000] [--rate 2000] [--connections 64]
                     [--mix native=40,omaha=40,graph=20] [--sample 10] [--max-growth-mb 64]
env: SOAK_DATABASE_URL (server to create the temporary database in; default ${DEFAULT_POSTGRES_URL})
Fails (exit 1) on any answer other than 200, transport errors or timeouts, resident memory
growing more than --max-growth-mb over the second half of the run, or a 200 that was not stored.`;

const KINDS = ["native", "omaha", "graph"] as const;
type Kind = (typeof KINDS)[number];
const PROTOCOL: Record<Kind, string> = { native: "native", omaha: "omaha", graph: "cincinnati" };

interface Options {
  minutes: number;
  hosts: number;
  rate: number;
  connections: number;
  mix: Record<Kind, number>;
  sampleSeconds: number;
  maxGrowthMb: number;
  databaseUrl: string;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        minutes: { type: "string" },
        hosts: { type: "string" },
        rate: { type: "string" },
        connections: { type: "string" },
        mix: { type: "string" },
        sample: { type: "string" },
        "max-growth-mb": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  const mix: Record<Kind, number> = { native: 40, omaha: 40, graph: 20 };
  if (values.mix) {
    for (const k of KINDS) mix[k] = 0;
    for (const part of values.mix.split(",")) {
      const [k, w] = part.split("=");
      if (!k || !(KINDS as readonly string[]).includes(k) || !Number.isInteger(Number(w)) || Number(w) < 0) fail(`--mix: "${part}" is not kind=weight (kinds: ${KINDS.join(", ")})`);
      mix[k as Kind] = Number(w);
    }
    if (KINDS.every((k) => mix[k] === 0)) fail("--mix: all weights are 0");
  }
  return {
    minutes: num("minutes", values.minutes, 10),
    hosts: Math.round(num("hosts", values.hosts, 100_000)),
    rate: Math.round(num("rate", values.rate, 2000)),
    connections: Math.round(num("connections", values.connections, 64)),
    mix,
    sampleSeconds: num("sample", values.sample, 10),
    maxGrowthMb: num("max-growth-mb", values["max-growth-mb"], 64),
    databaseUrl: process.env.SOAK_DATABASE_URL ?? DEFAULT_POSTGRES_URL,
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** A deterministic interleaving of the kinds by weight (e.g. 40/40/20 → n o n o g …). */
function kindCycle(mix: Record<Kind, number>): Kind[] {
  const total = KINDS.reduce((s, k) => s + mix[k], 0);
  const out: Kind[] = [];
  const credit: Record<Kind, number> = { native: 0, omaha: 0, graph: 0 };
  for (let i = 0; i < total; i++) {
    for (const k of KINDS) credit[k] += mix[k];
    const pick = KINDS.reduce((best, k) => (credit[k] > credit[best] ? k : best), KINDS[0]);
    credit[pick] -= total;
    out.push(pick);
  }
  return out;
}

function metric(text: string | undefined, name: string): number | undefined {
  if (!text) return undefined;
  const m = new RegExp(`^\\w*${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Sample {
  at: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  rssMb?: number;
  heapMb?: number;
  unexpected: number;
}

const mb = (n: number | undefined) => (n === undefined ? undefined : n / 1024 / 1024);
const fmt = (n: number | undefined, digits = 0) => (n === undefined ? "—" : n.toFixed(digits));

function row(cells: Array<string | number>, widths: number[]): string {
  return cells.map((c, i) => String(c).padStart(widths[i]!)).join("  ");
}

const WIDTHS = [7, 8, 8, 8, 8, 9, 9, 10];
const HEADER = ["t (s)", "req/s", "p50 ms", "p99 ms", "max ms", "RSS MB", "heap MB", "unexpected"];

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const scenarioOpts = { poolSize: opts.hosts, seed: 7 };
  const scenarios: Record<Kind, Scenario> = { native: nativeReportScenario(scenarioOpts), omaha: omahaScenario(scenarioOpts), graph: graphScenario(scenarioOpts) };

  let database: TempDatabase | undefined;
  let server: ServerProcess | undefined;
  const cleanup = async () => {
    await server?.stop(5_000);
    await database?.drop();
  };
  process.once("SIGINT", () => {
    log("\ninterrupted: stopping the server and dropping the database");
    void cleanup().finally(() => process.exit(130));
  });

  try {
    database = await createTempDatabase(opts.databaseUrl, "flotilla_soak");
    log(`database ${database.name}; ${opts.hosts} hosts, ${opts.rate} req/s for ${opts.minutes} min, mix ${KINDS.map((k) => `${k}=${opts.mix[k]}`).join(",")}`);
    const seedDb = await openDatabase({ url: database.url, poolSize: 2 });
    try {
      for (const k of KINDS) if (opts.mix[k] > 0) await scenarios[k].seed?.(seedDb.db);
    } finally {
      await seedDb.close();
    }
    const port = await freePort();
    server = spawnServer({
      name: "flotilla",
      cwd: ROOT,
      nodeArgs: [...SERVER_NODE_FLAGS, "--import", "tsx", "server/main.ts", "--no-ui"],
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: database.url, FLOTILLA_ENROLLMENT_TOKEN: TOKEN, LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? "warn", FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE: "1000000" },
      port,
    });
    await waitHealthy(server);

    const gens = Object.fromEntries(KINDS.map((k) => [k, scenarios[k].generator({ token: TOKEN })])) as Record<Kind, RequestGenerator>;
    const cycle = kindCycle(opts.mix);
    let next = 0;
    const statuses: Record<Kind, Map<number, number>> = { native: new Map(), omaha: new Map(), graph: new Map() };
    let window: number[] = [];
    let windowUnexpected = 0;
    let transportErrors = 0;

    log("building request pools…");
    for (const k of KINDS) if (opts.mix[k] > 0) gens[k]();
    log(row(HEADER, WIDTHS));
    const started = Date.now();
    const samples: Sample[] = [];
    const sample = async () => {
      const text = await getText(`${server!.url}/metrics`);
      const sorted = window.sort((a, b) => a - b);
      const s: Sample = {
        at: Math.round((Date.now() - started) / 1000),
        requests: window.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
        rssMb: mb(metric(text, "resident_memory_bytes")),
        heapMb: mb(metric(text, "nodejs_heap_size_used_bytes")),
        unexpected: windowUnexpected,
      };
      window = [];
      windowUnexpected = 0;
      samples.push(s);
      log(row([s.at, fmt(s.requests / opts.sampleSeconds), fmt(s.p50, 1), fmt(s.p99, 1), fmt(s.max, 1), fmt(s.rssMb, 1), fmt(s.heapMb, 1), s.unexpected], WIDTHS));
    };
    const sampler = setInterval(() => void sample(), opts.sampleSeconds * 1000);

    let settle: (err: Error | null, result: autocannon.Result) => void = () => {};
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      settle = (err, result) => (err ? reject(err) : resolve(result));
    });
    const instance = autocannon({
      url: server.url,
      connections: opts.connections,
      pipelining: 1,
      overallRate: opts.rate,
      duration: Math.round(opts.minutes * 60),
      timeout: 10,
      requests: [
        {
          setupRequest: (req, context) => {
            const kind = cycle[next++ % cycle.length]!;
            (context as { kind?: Kind }).kind = kind;
            const r = gens[kind]();
            return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body };
          },
          onResponse: (status, _body, context) => {
            const m = statuses[(context as { kind: Kind }).kind];
            m.set(status, (m.get(status) ?? 0) + 1);
            if (status !== 200) windowUnexpected++;
          },
        },
      ],
    }, (err, result) => settle(err, result));
    instance.on("response", (_client, _status, _bytes, responseTime) => window.push(responseTime));
    instance.on("reqError", () => transportErrors++);
    const result = await done;
    clearInterval(sampler);
    await sample();

    await server.stop(20_000);
    const stored: Record<string, number> = {};
    await withClient(database.url, async (c) => {
      for (const r of (await c.query<{ protocol: string; n: number }>("SELECT protocol, count(*)::int AS n FROM host_reports GROUP BY protocol")).rows) stored[r.protocol] = r.n;
    });

    const seconds = (Date.now() - started) / 1000;
    log("");
    log(row(["kind", "sent", "200", "other", "stored"], [8, 10, 10, 10, 10]));
    const problems: string[] = [];
    for (const k of KINDS) {
      const m = statuses[k];
      const ok = m.get(200) ?? 0;
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      const other = [...m.entries()].filter(([s]) => s !== 200);
      const inDb = stored[PROTOCOL[k]] ?? 0;
      log(row([k, total, ok, total - ok, inDb], [8, 10, 10, 10, 10]));
      if (other.length) problems.push(`${k}: unexpected statuses ${other.map(([s, n]) => `${s}×${n}`).join(", ")}`);
      if (inDb < ok) problems.push(`${k}: ${ok} acknowledged but only ${inDb} stored`);
    }
    const total = KINDS.reduce((s, k) => s + [...statuses[k].values()].reduce((a, b) => a + b, 0), 0);
    log(`\n${total} requests in ${seconds.toFixed(0)} s = ${(total / seconds).toFixed(0)} req/s (target ${opts.rate}); latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
    // Not a failure (a shared or small machine may not keep up), but said plainly.
    if (total / seconds < opts.rate * 0.9) log(`WARN: achieved ${(total / seconds).toFixed(0)} req/s, below 90 % of the ${opts.rate} req/s target (load generator, server and database share this machine)`);
    if (transportErrors || result.timeouts) problems.push(`${transportErrors} transport errors, ${result.timeouts} timeouts`);

    // Memory: the second half of the run should be flat once pools and caches are warm.
    const withRss = samples.filter((s) => s.rssMb !== undefined);
    const half = withRss.filter((s) => s.at >= seconds / 2);
    if (half.length >= 4) {
      const avg = (xs: Sample[]) => xs.reduce((a, s) => a + s.rssMb!, 0) / xs.length;
      const growth = avg(half.slice(-3)) - avg(half.slice(0, 3));
      const peak = Math.max(...withRss.map((s) => s.rssMb!));
      log(`RSS second half: ${fmt(half[0]!.rssMb, 1)} → ${fmt(half.at(-1)!.rssMb, 1)} MB (growth ${growth.toFixed(1)} MB, limit ${opts.maxGrowthMb}); peak ${peak.toFixed(1)} MB`);
      if (growth > opts.maxGrowthMb) problems.push(`resident memory grew ${growth.toFixed(1)} MB over the second half (limit ${opts.maxGrowthMb} MB)`);
    } else {
      log("run too short for the memory check (needs 4 samples in the second half)");
    }

    if (problems.length) {
      log(`\nFAIL\n${problems.map((p) => `  - ${p}`).join("\n")}`);
      process.exitCode = 1;
    } else {
      log("\nPASS: every request answered 200, every acknowledged report stored, memory flat");
    }
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
