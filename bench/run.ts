// `npm run bench`: agent-endpoint throughput of a bare node:http baseline, Flotilla on PGlite
// and Flotilla on Postgres, measured in one run with the same load, plus a durability check,
// for each scenario: native reports, Omaha check-ins (Flatcar) and graph polls (Zincati).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runHistoryBench } from "./history";
import { runLoad } from "./load";
import { getText } from "./processes";
import { busiestProfile, formatProfile } from "./profile-summary";
import { formatTable, writeResults, type RunResult } from "./report";
import { allScenarios, SCENARIO_NAMES, type Scenario, type ScenarioName } from "./scenarios";
import { profileDir, redact, TARGET_NAMES, TARGETS, type StartedTarget, type Target, type TargetContext, type TargetName } from "./targets";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `usage: npm run bench -- [--duration 15] [--connections 64] [--only baseline,pglite,postgres]
                      [--scenarios native-report,omaha,graph] [--warmup 2] [--pool 100000] [--cpu-prof]
       npm run bench -- --history [--history-db flotilla_bench_1m]   (read side on 1M seeded hosts)
--only takes target and scenario names (e.g. --only postgres,omaha); --scenarios only scenarios.
env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_LOG_LEVEL,
     BENCH_SERVER_NODE_ARGS (extra node flags for the Flotilla children),
     FLOTILLA_DB_POOL_SIZE and other FLOTILLA_* settings pass through to the server.
--cpu-prof writes the server children's CPU profiles to bench-results/profiles/ and
prints where the time went (also: npx tsx bench/profile-summary.ts <file>).`;

interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  poolSize: number;
  only: TargetName[];
  scenarios: ScenarioName[];
  cpuProf: boolean;
  postgresUrl: string;
  /** Read-side set (bench/history.ts) instead of the agent load scenarios. */
  history: boolean;
  historyDb: string;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) fail(`--${name} must be a ${allowZero ? "non-negative" : "positive"} number, got "${raw}"`);
  return n;
}

function parseOptions(argv: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        duration: { type: "string" },
        warmup: { type: "string" },
        connections: { type: "string" },
        pool: { type: "string" },
        only: { type: "string" },
        scenarios: { type: "string" },
        "cpu-prof": { type: "boolean", default: false },
        history: { type: "boolean", default: false },
        "history-db": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const list = (raw: string | undefined) =>
    (raw ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const only = list(v.only);
  const scenarioList = list(v.scenarios);
  for (const t of only) {
    if (!(TARGET_NAMES as readonly string[]).includes(t) && !(SCENARIO_NAMES as readonly string[]).includes(t)) fail(`--only: unknown target or scenario "${t}" (targets: ${TARGET_NAMES.join(", ")}; scenarios: ${SCENARIO_NAMES.join(", ")})`);
  }
  for (const t of scenarioList) if (!(SCENARIO_NAMES as readonly string[]).includes(t)) fail(`--scenarios: unknown scenario "${t}" (known: ${SCENARIO_NAMES.join(", ")})`);
  const targets = TARGET_NAMES.filter((t) => only.includes(t));
  const scenarios = [...scenarioList, ...only].filter((s): s is ScenarioName => (SCENARIO_NAMES as readonly string[]).includes(s));
  return {
    durationSeconds: positive("duration", v.duration, 15),
    warmupSeconds: positive("warmup", v.warmup, 2, true),
    connections: Math.round(positive("connections", v.connections, 64)),
    poolSize: Math.round(positive("pool", v.pool, 100_000)),
    only: targets.length ? targets : [...TARGET_NAMES],
    scenarios: scenarios.length ? SCENARIO_NAMES.filter((n) => scenarios.includes(n)) : [...SCENARIO_NAMES],
    cpuProf: v["cpu-prof"],
    history: v.history,
    historyDb: v["history-db"] ?? "flotilla_bench_1m",
    postgresUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Cleanups of whatever is running, so Ctrl-C leaves no server, data dir or database behind. */
const live = new Set<StartedTarget>();
let interrupted = false;
function onInterrupt(): void {
  if (interrupted) process.exit(130);
  interrupted = true;
  log("\ninterrupted: stopping servers and removing temporary data");
  void Promise.allSettled([...live].map((t) => t.cleanup())).then(() => process.exit(130));
}

/** Mean of Flotilla's `flotilla_ingest_batch_size` histogram from a /metrics scrape. */
function meanBatchSize(metrics: string | undefined): number | undefined {
  const value = (name: string) => {
    const m = new RegExp(`^${name} ([0-9.e+-]+)$`, "m").exec(metrics ?? "");
    return m ? Number(m[1]) : undefined;
  };
  const sum = value("flotilla_ingest_batch_size_sum");
  const count = value("flotilla_ingest_batch_size_count");
  return sum !== undefined && count ? sum / count : undefined;
}

async function measure(target: Target, scenario: Scenario, opts: BenchOptions, ctx: TargetContext, runId: string): Promise<RunResult> {
  const base: RunResult = { target: target.name, scenario: scenario.name, durationSeconds: opts.durationSeconds, connections: opts.connections };
  log(`\n▶ ${target.name} (${target.description}) · ${scenario.name}`);
  const started = await target.start(ctx, runId, target.name === "baseline" ? undefined : scenario.seed);
  live.add(started);
  try {
    const next = scenario.generator({ token: ctx.token });
    const load = { connections: opts.connections };
    let acknowledged = 0;
    if (opts.warmupSeconds > 0) {
      log(`  warm-up ${opts.warmupSeconds} s`);
      const warm = await runLoad(started.server.url, next, { ...load, durationSeconds: opts.warmupSeconds });
      acknowledged += warm["2xx"];
    }
    log(`  measuring ${opts.durationSeconds} s with ${opts.connections} connections`);
    const cpuBefore = started.server.cpuSeconds();
    const dbBefore = started.databaseCpuSeconds?.();
    const ownBefore = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = await runLoad(started.server.url, next, { ...load, durationSeconds: opts.durationSeconds });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuAfter = started.server.cpuSeconds();
    const dbAfter = started.databaseCpuSeconds?.();
    const own = process.cpuUsage(ownBefore);
    acknowledged += r["2xx"];
    const meanBatch = started.flotilla ? meanBatchSize(await getText(`${started.server.url}/metrics`)) : undefined;

    await started.stop();
    let stored: number | undefined;
    if (scenario.storedIn && started.countRows) stored = await started.countRows(scenario.storedIn);
    const result: RunResult = {
      ...base,
      unit: scenario.unit,
      okPerSecond: r["2xx"] / r.duration,
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      requests: r.requests.total,
      ok2xx: r["2xx"],
      non2xx: r.non2xx,
      errors: r.errors,
      acknowledged,
      ...(stored !== undefined ? { stored, durable: stored >= acknowledged } : {}),
      ...(cpuBefore !== undefined && cpuAfter !== undefined ? { serverCores: (cpuAfter - cpuBefore) / wall } : {}),
      ...(dbBefore !== undefined && dbAfter !== undefined ? { databaseCores: (dbAfter - dbBefore) / wall } : {}),
      ...(meanBatch !== undefined ? { meanBatch } : {}),
      loadCores: (own.user + own.system) / 1e6 / wall,
    };
    const codes = Object.entries(r.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith("2"))
      .map(([code, s]) => `${code}×${s.count ?? 0}`);
    log(
      `  ${Math.round(result.okPerSecond ?? 0).toLocaleString("en-US")} ${scenario.unit}/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}${codes.length ? ` (${codes.join(" ")})` : ""}, errors ${r.errors}`,
    );
    if (stored !== undefined) log(`  acknowledged ${acknowledged}, stored ${stored}${stored < acknowledged ? `  ✗ LOST ${scenario.unit.toUpperCase()}` : "  ✓"}`);
    return result;
  } finally {
    await started.cleanup();
    live.delete(started);
  }
}

/** The targets the bench reports against (Postgres is what counts). */
const GOALS: Array<{ scenario: ScenarioName; target: TargetName; perSecond: number; p99Ms: number }> = [{ scenario: "omaha", target: "postgres", perSecond: 5_000, p99Ms: 50 }];

function goalLines(results: readonly RunResult[]): string[] {
  const lines: string[] = [];
  for (const g of GOALS) {
    const r = results.find((x) => x.scenario === g.scenario && x.target === g.target && !x.error);
    if (!r || r.okPerSecond === undefined || !r.latencyMs) continue;
    const met = r.okPerSecond >= g.perSecond && r.latencyMs.p99 <= g.p99Ms;
    const baseline = results.find((x) => x.scenario === g.scenario && x.target === "baseline" && !x.error);
    const share = baseline?.okPerSecond ? ` (${Math.round((r.okPerSecond / baseline.okPerSecond) * 100)} % of the baseline)` : "";
    lines.push(
      `goal ${g.scenario} on ${g.target}: ≥ ${g.perSecond.toLocaleString("en-US")} ${r.unit ?? "requests"}/s with p99 ≤ ${g.p99Ms} ms → ${Math.round(r.okPerSecond).toLocaleString("en-US")}/s, p99 ${r.latencyMs.p99} ms${share}: ${met ? "MET" : "NOT MET"}`,
    );
  }
  return lines;
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);

  const cpuProfDir = opts.cpuProf ? path.join(ROOT, "bench-results", "profiles") : undefined;
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  const ctx: TargetContext = {
    root: ROOT,
    token: `bench-${process.pid}-enrollment-token`,
    postgresUrl: opts.postgresUrl,
    log: (line) => log(`  ${line}`),
    ...(cpuProfDir ? { cpuProfDir } : {}),
  };
  process.chdir(ROOT); // migrations are found relative to the working directory
  if (opts.history) {
    log(`Flotilla history bench on ${redact(opts.postgresUrl)} → database ${opts.historyDb}`);
    const r = await runHistoryBench({ root: ROOT, serverUrl: opts.postgresUrl, database: opts.historyDb, hosts: 1_000_000, days: 30, iterations: 30, log });
    fs.mkdirSync(path.join(ROOT, "bench-results"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "bench-results", "history.json"), JSON.stringify({ at: new Date().toISOString(), ...r }, null, 2));
    return r.met ? 0 : 1;
  }
  const scenarios: Scenario[] = allScenarios({ poolSize: opts.poolSize, seed: 1 }).filter((s) => opts.scenarios.includes(s.name));
  log(`Flotilla bench: ${opts.scenarios.join(", ")} on ${opts.only.join(", ")} · ${opts.durationSeconds} s each (+${opts.warmupSeconds} s warm-up) · ${opts.connections} connections · ${opts.poolSize.toLocaleString("en-US")} distinct hosts`);
  if (opts.only.includes("postgres")) log(`Postgres: ${redact(opts.postgresUrl)}`);
  const t = Date.now();
  // Bodies are built before any measurement so building them costs no target anything.
  for (const s of scenarios) s.generator({ token: ctx.token })();
  log(`request pool ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const results: RunResult[] = [];
  let n = 0;
  // Scenario by scenario, so each one's baseline is measured right next to it.
  for (const scenario of scenarios) {
    for (const name of opts.only) {
      const target = TARGETS[name];
      try {
        results.push(await measure(target, scenario, opts, ctx, String(++n)));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`  ✗ ${name} failed: ${message}`);
        results.push({ target: name, scenario: scenario.name, unit: scenario.unit, durationSeconds: opts.durationSeconds, connections: opts.connections, error: message });
      }
      if (cpuProfDir) {
        const dir = profileDir(ctx, name);
        const busiest = dir ? busiestProfile(dir) : undefined;
        if (busiest) log(`\n${formatProfile(path.relative(ROOT, busiest.file), busiest.summary)}`);
      }
    }
  }

  log(`\n${formatTable(results)}`);
  for (const line of goalLines(results)) log(line);
  const file = writeResults(ROOT, { ...opts, postgresUrl: redact(opts.postgresUrl) }, results);
  log(`\nresults written to ${path.relative(process.cwd(), file) || file}`);
  const lost = results.filter((r) => r.durable === false);
  if (lost.length) log(`FAIL: fewer reports stored than acknowledged on ${lost.map((r) => r.target).join(", ")}`);
  const failed = results.filter((r) => r.error);
  return lost.length || failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
