// `npm run outage`: stops a private PostgreSQL cluster under load for --seconds and checks that
// Flotilla answers 503 + Retry-After meanwhile (never 500, never hanging) and recovers by itself.
import { parseArgs } from "node:util";
import { formatOutage, runOutage } from "./lib/outage-run";
import { privatePostgresAvailable } from "./lib/private-postgres";

const USAGE = `usage: npm run outage -- [--seconds 10] [--concurrency 16] [--immediate]
Needs initdb/pg_ctl (PATH, /usr/local/bin or /usr/lib/postgresql/*/bin); as root, a postgres user.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seconds: { type: "string", default: "10" },
      concurrency: { type: "string", default: "16" },
      immediate: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (!privatePostgresAvailable()) {
    process.stderr.write(`cannot start a private PostgreSQL here.\n${USAGE}\n`);
    process.exit(2);
  }
  const r = await runOutage({
    outageSeconds: Number(values.seconds),
    warmupSeconds: 3,
    afterSeconds: 6,
    concurrency: Number(values.concurrency),
    stopMode: values.immediate ? "immediate" : "fast",
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`\n${formatOutage(r)}\n`);
  const slowRecovery = Object.values(r.recoverySeconds).some((s) => s === null || s > 5);
  if (r.badDuringOutage.length || r.serverErrors || r.noAnswer || slowRecovery) {
    process.stdout.write("\nFAIL\n");
    process.exitCode = 1;
  } else {
    process.stdout.write("\nPASS: 503 + Retry-After during the outage, 200 again within 5 s\n");
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`outage run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
