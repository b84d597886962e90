// `npm run seed -- --hosts 1000000 --days 30`: fills the database named by DATABASE_URL (or the
// PGlite data dir FLOTILLA_DATA_DIR) with a realistic fleet and its update history: Flatcar
// (Omaha), Fedora CoreOS (graph polls) and native edge agents in groups and channels, four
// release waves over the period, failures and retries, a bad release that some hosts roll back,
// and a few hosts that went dark. Only change events are written (what the fleet history
// keeps), plus the rollups the ingest statement would have built from them.
//
// Everything is generated inside the database with generate_series, one host range per
// statement: no rows cross the wire, so a million hosts take minutes, not hours.
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase, rowsOf, type Db } from "@/db/client";
import { ensureReportPartitions } from "@/db/queries/retention";

const USAGE = "usage: npm run seed -- [--hosts 10000] [--days 30] [--chunk 25000]\nenv: DATABASE_URL (Postgres) or FLOTILLA_DATA_DIR (PGlite, default ./data)";

interface Family {
  family: "flatcar" | "fcos" | "other";
  protocol: "omaha" | "cincinnati" | "native";
  kind: string;
  versions: string[];
  // Group → channel.
  groups: Array<[string, string]>;
}

const FAMILIES: Family[] = [
  {
    family: "flatcar",
    protocol: "omaha",
    kind: "event",
    versions: ["3975.2.0", "3975.2.1", "4081.2.0", "4081.2.1", "4152.2.0"],
    groups: [
      ["berlin-edge", "stable"],
      ["frankfurt-edge", "stable"],
      ["paris-edge", "stable"],
      ["prod-eu-1", "stable"],
      ["prod-eu-2", "stable"],
      ["prod-us-1", "stable"],
      ["prod-us-2", "stable"],
      ["staging", "beta"],
    ],
  },
  {
    family: "fcos",
    protocol: "cincinnati",
    kind: "poll",
    versions: ["41.20250105.3.0", "41.20250119.3.0", "41.20250202.3.0", "41.20250216.3.0", "41.20250302.3.0"],
    groups: [
      ["fcos-prod", "fcos-stable"],
      ["fcos-batch", "fcos-stable"],
      ["fcos-testing", "fcos-testing"],
    ],
  },
  {
    family: "other",
    protocol: "native",
    kind: "report",
    versions: ["2.4.0", "2.5.0", "2.5.1", "2.6.0", "2.7.0"],
    groups: [
      ["retail-devices", "edge"],
      ["factory-devices", "edge"],
    ],
  },
];

const CHANNELS: Array<[string, string]> = [
  ["stable", "flatcar"],
  ["beta", "flatcar"],
  ["fcos-stable", "fcos"],
  ["fcos-testing", "fcos"],
  ["edge", "other"],
];

// When each wave starts, as a share of the period; hosts take it up over ~5 days.
const WAVE_STARTS = [0.1, 0.33, 0.58, 0.9];
const SPREAD_HOURS = 120;

function options() {
  const { values } = parseArgs({ options: { hosts: { type: "string" }, days: { type: "string" }, chunk: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name: string, raw: string | undefined, fallback: number) => {
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`--${name} must be a positive integer\n${USAGE}\n`);
      process.exit(2);
    }
    return n;
  };
  return { hosts: int("hosts", values.hosts, 10_000), days: int("days", values.days, 30), chunk: int("chunk", values.chunk, 25_000) };
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const arr = (xs: readonly string[]) => `ARRAY[${xs.map(lit).join(", ")}]`;

/**
 * Per host i (1-based): family (60 % Flatcar, 30 % FCOS, 10 % native), group, channel,
 * enrolment time, and `cutoff` (now, or when it went dark). `h(i, k)` is a cheap
 * deterministic hash, so a re-run with the same arguments builds the same fleet.
 */
function planSql(from: number, to: number, startIso: string, nowIso: string, days: number): string {
  const famCase = (pick: (f: Family) => string) => `CASE WHEN i % 10 < 6 THEN ${pick(FAMILIES[0]!)} WHEN i % 10 < 9 THEN ${pick(FAMILIES[1]!)} ELSE ${pick(FAMILIES[2]!)} END`;
  return `
    SELECT i, f.*, f.groups[1 + (i / 10) % cardinality(f.groups)] AS group_id,
      timestamptz ${lit(startIso)} + make_interval(secs => (i * 7919) % ${Math.max(3600, Math.floor(Math.min(2, days * 0.1) * 86400))}) AS enrolled_at,
      CASE WHEN i % 100 = 37 THEN timestamptz ${lit(nowIso)} - make_interval(secs => 172800 + (i * 104729) % 345600) ELSE timestamptz ${lit(nowIso)} END AS cutoff,
      timestamptz ${lit(startIso)} AS period_start, ${days} AS days
    FROM generate_series(${from}::bigint, ${to}::bigint) AS i
    CROSS JOIN LATERAL (SELECT
      ${famCase((f) => lit(f.family))} AS family,
      ${famCase((f) => lit(f.protocol))} AS protocol,
      ${famCase((f) => lit(f.kind))} AS kind,
      ${famCase((f) => arr(f.versions))} AS versions,
      ${famCase((f) => arr(f.groups.map(([g]) => g)))} AS groups) f`;
}

/** Channel of a group, as a CASE over the group names. */
const channelCase = (col: string) => `CASE ${FAMILIES.flatMap((f) => f.groups)
  .map(([g, c]) => `WHEN ${col} = ${lit(g)} THEN ${lit(c)}`)
  .join(" ")} END`;

/**
 * Every change event of a host of the plan `p`: enrolment on the first version, then per wave
 * k: downloading, staged, the update (or a failure and a retry five hours later), and for the
 * bad release (wave 2) a 2 % rollback two hours after updating. Rolled-back hosts take the
 * next wave from the version they returned to. `pv` is the version before the wave.
 */
function eventsSql(): string {
  const h = (k: string, salt: number) => `((p.i::bigint * 2654435761 + ${k} * 40503 + ${salt}) % 1000003)`;
  return `
    SELECT * FROM (
      SELECT p.enrolled_at AS t, 'enrolled' AS change, NULL::text AS from_version, p.versions[1] AS os_version, 'idle' AS update_state, NULL::text AS error_code, NULL::text AS error_message
      UNION ALL
      SELECT w.a + e.dt, e.change, e.from_v, e.os_v, e.st, e.err, e.msg
      FROM generate_series(1, ${WAVE_STARTS.length}) AS k
      CROSS JOIN LATERAL (SELECT
          p.period_start + make_interval(secs => ((ARRAY[${WAVE_STARTS.join(", ")}])[k] * p.days * 86400 + ${h("k", 11)} % ${SPREAD_HOURS * 3600})::float8) AS a,
          ${h("k", 23)} % 100 < CASE WHEN k = 2 THEN 6 ELSE 2 END AS failed,
          k = 2 AND ${h("k", 37)} % 100 < 2 AS rolled_back,
          CASE WHEN k = 3 AND ${h("2", 37)} % 100 < 2 AND ${h("2", 23)} % 100 >= 6 THEN p.versions[2] ELSE p.versions[k] END AS pv,
          p.versions[k + 1] AS nv) w
      CROSS JOIN LATERAL (VALUES
          (interval '-40 minutes', 'state', w.pv, w.pv, 'downloading', NULL, NULL, true),
          (interval '-15 minutes', 'state', w.pv, w.pv, 'staged', NULL, NULL, true),
          (interval '-5 minutes', 'failure', w.pv, w.pv, 'error', 'ERR_POSTINSTALL', 'postinstall hook failed: verity check', w.failed),
          (CASE WHEN w.failed THEN interval '5 hours' ELSE interval '0' END, 'update', w.pv, w.nv, 'idle', NULL, NULL, true),
          (interval '2 hours', 'rollback', w.nv, w.pv, 'rolled_back', 'ROLLBACK_BOOT_FAILED', 'new version did not boot: rolled back', w.rolled_back AND NOT w.failed)
        ) AS e(dt, change, from_v, os_v, st, err, msg, happens)
      WHERE e.happens
    ) ev WHERE ev.t < p.cutoff`;
}

/** Runs bulk statements without the app pool's query timeout (Postgres) or on PGlite itself. */
type Run = (text: string) => Promise<Array<Record<string, unknown>>>;

/**
 * Index definitions of the bulk-loaded tables (not the keys). Building an index once over
 * sorted rows is several times cheaper than updating it per row, trigram GIN most of all.
 */
async function secondaryIndexes(run: Run): Promise<Array<{ name: string; def: string }>> {
  const rows = await run(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('hosts', 'host_reports')
    AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`);
  // A partitioned table's index reads "ON ONLY"; re-created on the parent it spans every partition.
  return rows.map((r) => ({ name: String(r.name), def: String(r.def).replace(" ON ONLY ", " ON ") }));
}

async function count(db: Db, table: string): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql.raw(`SELECT count(*)::bigint AS n FROM ${table}`)));
  return Number(r?.n ?? 0);
}

async function main(): Promise<void> {
  const opts = options();
  const url = process.env.DATABASE_URL?.trim() || undefined;
  const database = await openDatabase(url ? { url, poolSize: 2 } : { dataDir: process.env.FLOTILLA_DATA_DIR ?? "./data" });
  const { db } = database;
  const t0 = Date.now();
  const log = (m: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  try {
    const existing = await count(db, "hosts");
    if (existing > 0) {
      process.stderr.write(`refusing to seed: the database already has ${existing.toLocaleString("en-US")} hosts. Seed an empty database (a new DATABASE_URL or FLOTILLA_DATA_DIR).\n`);
      process.exitCode = 1;
      return;
    }
    const now = new Date();
    const start = new Date(now.getTime() - opts.days * 86_400_000);
    const nowIso = now.toISOString();
    await ensureReportPartitions(db, start, new Date(now.getTime() + 8 * 86_400_000));

    for (const [id, family] of CHANNELS) {
      await db.execute(sql`INSERT INTO channels (id, os_family, description) VALUES (${id}, ${family}, 'seeded') ON CONFLICT (id) DO NOTHING`);
    }
    for (const f of FAMILIES) {
      for (const v of f.versions) {
        const channel = f.groups[0]![1];
        await db.execute(sql`INSERT INTO releases (os_family, channel_id, version, arch, notes) VALUES (${f.family}, ${channel}, ${v}, 'amd64', 'seeded') ON CONFLICT DO NOTHING`);
      }
      for (const [g, c] of f.groups) await db.execute(sql`INSERT INTO groups (id, channel_id, description) VALUES (${g}, ${c}, 'seeded') ON CONFLICT (id) DO NOTHING`);
    }
    log(`catalog: ${CHANNELS.length} channels, ${FAMILIES.length * 5} releases, ${FAMILIES.reduce((n, f) => n + f.groups.length, 0)} groups`);

    let client: pg.Client | undefined;
    if (url) {
      client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'");
    }
    const run: Run = async (text) => (client ? (await client.query(text)).rows : rowsOf<Record<string, unknown>>(await db.execute(sql.raw(text))));
    const indexes = await secondaryIndexes(run);
    for (const i of indexes) await run(`DROP INDEX "${i.name}"`);
    try {
      await load(run, opts, start, nowIso, log);
    } finally {
      for (const i of indexes) await run(i.def);
      log(`${indexes.length} indexes rebuilt`);
      if (client) {
        await client.query("ANALYZE");
        log("analyzed");
        await client.end();
      }
    }
    log(`done: ${(await count(db, "hosts")).toLocaleString("en-US")} hosts, ${(await count(db, "host_reports")).toLocaleString("en-US")} history events`);
  } finally {
    await database.close();
  }
}

async function load(run: Run, opts: { hosts: number; days: number; chunk: number }, start: Date, nowIso: string, log: (m: string) => void): Promise<void> {
    const events = eventsSql();
    for (let from = 1; from <= opts.hosts; from += opts.chunk) {
      const to = Math.min(opts.hosts, from + opts.chunk - 1);
      const plan = planSql(from, to, start.toISOString(), nowIso, opts.days);
      await run(
        `INSERT INTO host_reports (host_id, received_at, protocol, kind, os_version, previous_version, update_state, error_code, error_message, group_id, channel_id, detail, change, from_version)
        SELECT md5('flotilla-seed-' || p.i), ev.t, p.protocol, CASE WHEN ev.change = 'enrolled' AND p.protocol = 'omaha' THEN 'check' ELSE p.kind END,
          ev.os_version, ev.from_version, ev.update_state, ev.error_code, ev.error_message, p.group_id, ${channelCase("p.group_id")}, '{}'::jsonb, ev.change, ev.from_version
        FROM (${plan}) p CROSS JOIN LATERAL (${events}) ev`,
      );
      // The host as its last event left it; dark hosts were last seen when they went dark.
      await run(
        `INSERT INTO hosts (id, hostname, os_family, os_version, arch, slot, previous_version, update_state, error_code, error_message, group_id, channel_id, protocol, platform, first_version, first_seen_at, last_seen_at, last_seen_step, report_count, labels, health, health_ok)
        SELECT md5('flotilla-seed-' || p.i), p.group_id || '-' || lpad(p.i::text, 7, '0'), p.family, last.os_version, 'amd64', CASE WHEN p.family = 'fcos' THEN NULL ELSE 'A' END, last.from_version,
          last.update_state, last.error_code, last.error_message, p.group_id, ${channelCase("p.group_id")}, p.protocol, CASE WHEN p.i % 3 = 0 THEN 'metal' ELSE 'qemu' END, p.versions[1], p.enrolled_at,
          CASE WHEN p.cutoff < timestamptz ${lit(nowIso)} THEN p.cutoff ELSE timestamptz ${lit(nowIso)} - make_interval(secs => (p.i * 31) % 600) END,
          CASE WHEN p.cutoff < timestamptz ${lit(nowIso)} THEN p.cutoff ELSE timestamptz ${lit(nowIso)} - make_interval(secs => (p.i * 31) % 600) END,
          (extract(epoch FROM p.cutoff - p.enrolled_at) / 60)::int, jsonb_build_object('site', split_part(p.group_id, '-', 1)), '[]'::jsonb, p.i % 250 <> 3
        FROM (${plan}) p CROSS JOIN LATERAL (SELECT * FROM (${events}) ev ORDER BY ev.t DESC LIMIT 1) last`,
      );
      log(`hosts ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")} with their history`);
    }

    // The rollups the ingest statement keeps, built from the same rows in one pass each.
    await run(`INSERT INTO history_hourly (hour, group_id, os_version, change, events)
      SELECT date_trunc('hour', received_at, 'UTC'), group_id, os_version, change, count(*) FROM host_reports WHERE change IS NOT NULL GROUP BY 1, 2, 3, 4`);
    // Seeded hosts never change group, so a version change moves them within their group.
    await run(`INSERT INTO version_hourly (hour, group_id, os_version, delta)
      SELECT date_trunc('hour', r.received_at, 'UTC'), r.group_id, m.v, sum(m.d) FROM host_reports r
      CROSS JOIN LATERAL (VALUES (r.os_version, 1), (r.from_version, -1)) AS m(v, d)
      WHERE r.change IS NOT NULL AND m.v IS NOT NULL AND (r.from_version IS NULL OR r.from_version <> r.os_version)
      GROUP BY 1, 2, 3 HAVING sum(m.d) <> 0`);
    await run(`INSERT INTO fleet_state_counts (group_id, channel_id, os_family, os_version, update_state, health_ok, hosts)
      SELECT group_id, COALESCE(channel_id, ''), os_family, os_version, update_state, health_ok, count(*) FROM hosts GROUP BY 1, 2, 3, 4, 5, 6`);
    log("rollups built");
}

main().catch((err: unknown) => {
  // drizzle wraps the driver's error; the cause says what the database refused.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : "";
  process.stderr.write(`seed failed: ${cause || (err instanceof Error ? err.message.slice(0, 500) : String(err))}\n`);
  process.exit(1);
});
