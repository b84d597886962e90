// `npm run durability`: sustained native + Omaha agent load and operator API changes while the
// server is killed with SIGKILL and restarted; then every acknowledged report and change must
// be in the database. Exit 1 on any loss. See scripts/lib/durability-run.ts.
import { parseArgs } from "node:util";
import { formatDurability, runDurability } from "./lib/durability-run";
import { DEFAULT_POSTGRES_URL } from "./lib/temp-database";

const USAGE = `usage: npm run durability -- [--database both|postgres|pglite] [--hosts 5000] [--concurrency 48] [--before-kill 15] [--after-restart 10] [--kills 2]
env: DURABILITY_DATABASE_URL (server to create the temporary database in; default ${DEFAULT_POSTGRES_URL})`;

function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        database: { type: "string", default: "both" },
        hosts: { type: "string", default: "5000" },
        concurrency: { type: "string", default: "48" },
        "before-kill": { type: "string", default: "15" },
        "after-restart": { type: "string", default: "10" },
        kills: { type: "string", default: "2" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const num = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`--${name} must be a positive number, got "${raw}"\n\n${USAGE}\n`);
      process.exit(2);
    }
    return n;
  };
  const choice = values.database;
  const databases: Array<"postgres" | "pglite"> | null = choice === "both" ? ["postgres", "pglite"] : choice === "postgres" || choice === "pglite" ? [choice] : null;
  if (!databases) {
    process.stderr.write(`--database must be both, postgres or pglite, got "${values.database}"\n\n${USAGE}\n`);
    process.exit(2);
  }
  const run = async () => {
    let failed = false;
    for (const database of databases) {
      process.stdout.write(`\n== ${database === "pglite" ? "embedded PGlite" : "PostgreSQL"} ==\n`);
      const r = await runDurability({
        database,
        adminUrl: process.env.DURABILITY_DATABASE_URL ?? DEFAULT_POSTGRES_URL,
        hosts: Math.round(num("hosts", values.hosts)),
        concurrency: Math.round(num("concurrency", values.concurrency)),
        beforeKillSeconds: num("before-kill", values["before-kill"]),
        afterRestartSeconds: num("after-restart", values["after-restart"]),
        kills: Math.round(num("kills", values.kills)),
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`\n${formatDurability(r)}\n`);
      if (r.lost()) {
        process.stdout.write(`\nFAIL (${database}): acknowledged data was lost\n`);
        failed = true;
      } else {
        process.stdout.write(`\nPASS (${database}): missing = 0 — everything acknowledged survived kill -9\n`);
      }
    }
    if (failed) process.exitCode = 1;
  };
  return run();
}

main().catch((err: unknown) => {
  process.stderr.write(`durability run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
