import { Command, Option } from "commander";
import { HttpTransport } from "@/lib/simulator/http-transport";
import { Simulation, type SimulationResult } from "@/lib/simulator/simulation";
import { formatStatus, snapshotStats, type SimulationStats } from "@/lib/simulator/stats";
import { describeNetworkError, errorMessage } from "@/lib/simulator/transport";
import { httpUrl, integer, positiveNumber, probability } from "./options";

interface SimulateFlags {
  hosts: number;
  url: string;
  token: string;
  interval?: number;
  duration?: number;
  failRate: number;
  updateRate: number;
  seed: number;
  concurrency: number;
  statusEvery: number;
}

export function simulateCommand(): Command {
  return new Command("simulate")
    .description("drive a virtual fleet against a Flotilla server through the native agent protocol")
    .option("--hosts <n>", "number of virtual hosts", integer(1, 1_000_000), 500)
    .addOption(new Option("--url <url>", "Flotilla base URL").env("FLOTILLA_URL").argParser(httpUrl).default("http://localhost:3000"))
    .addOption(new Option("--token <token>", "enrollment token (agent bearer token)").env("FLOTILLA_ENROLLMENT_TOKEN").makeOptionMandatory())
    .option("--interval <seconds>", "report interval; default: what the server answers (nextReportInSeconds)", positiveNumber(0))
    .option("--duration <seconds>", "stop after this many seconds (default: until Ctrl-C)", positiveNumber(0))
    .option("--fail-rate <p>", "chance that an update fails or rolls back, and per report that a health check starts failing", probability, 0.02)
    .option("--update-rate <p>", "chance per report that an idle host starts an update", probability, 0.03)
    .option("--seed <n>", "fleet seed: same seed, same machine ids and hostnames", integer(0, 2 ** 31 - 1), 1)
    .option("--concurrency <n>", "reports in flight at most", integer(1, 4096), 64)
    .option("--status-every <seconds>", "seconds between status lines", positiveNumber(0), 5)
    .addHelpText(
      "after",
      "\nExamples:\n  flotilla simulate --hosts 500 --token $FLOTILLA_ENROLLMENT_TOKEN\n  flotilla simulate --hosts 50 --interval 5 --fail-rate 0.1 --duration 120 --url http://localhost:3000",
    )
    .action(async (_options: unknown, cmd: Command) => {
      process.exitCode = await runSimulate(cmd.opts<SimulateFlags>());
    });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): number {
  process.stderr.write(`error: ${message}\n`);
  return 1;
}

/** Checks there is a Flotilla server at the URL before a whole fleet starts knocking. */
async function preflight(transport: HttpTransport, url: string): Promise<string | undefined> {
  const probe = await transport.probe();
  if (probe.kind === "network") {
    return `cannot reach ${url}: ${describeNetworkError(probe.error)}. Is Flotilla running there (npm start), and is --url right?`;
  }
  if (probe.status === 503) {
    print(`warning: ${url} answers but its database is unavailable; reports will be retried`);
    return undefined;
  }
  if (probe.status !== 200) {
    return `${url} does not look like a Flotilla server: GET /healthz answered ${probe.status} (${errorMessage(probe)})`;
  }
  return undefined;
}

function summary(result: SimulationResult, elapsedMs: number): string {
  const s: SimulationStats = result.stats;
  const failures = Object.entries(s.byStatus).map(([status, n]) => `${status}×${n}`);
  if (s.network) failures.push(`net×${s.network}`);
  return `done after ${(elapsedMs / 1000).toFixed(1)} s: ${s.sent} requests, ${s.ok} reports accepted, errors ${failures.join(" ") || "none"}, retries ${s.retries}, dropped ${s.dropped}`;
}

async function runSimulate(flags: SimulateFlags): Promise<number> {
  if (!flags.token.trim()) return fail("--token is empty");
  const transport = new HttpTransport({ baseUrl: flags.url, token: flags.token.trim(), maxSockets: flags.concurrency });
  try {
    const problem = await preflight(transport, flags.url);
    if (problem) return fail(problem);

    const rejections = new Map<string, number>();
    const sim = new Simulation(
      {
        hosts: flags.hosts,
        seed: flags.seed,
        intervalSeconds: flags.interval,
        durationSeconds: flags.duration,
        behaviour: { failRate: flags.failRate, updateRate: flags.updateRate },
        concurrency: flags.concurrency,
      },
      transport,
      {
        onRejected(status, message, host) {
          const key = `${status} ${message}`;
          const seen = rejections.get(key) ?? 0;
          rejections.set(key, seen + 1);
          // Each distinct refusal once; the status line keeps counting them.
          if (seen === 0) print(`rejected ${status} for ${host.hostname} (${host.machineId}): ${message}`);
        },
      },
    );

    const started = Date.now();
    const interval = flags.interval !== undefined ? `every ~${flags.interval} s` : "at the server's interval";
    print(`simulating ${flags.hosts} hosts against ${flags.url} ${interval}, seed ${flags.seed}, concurrency ${flags.concurrency}${flags.duration ? `, for ${flags.duration} s` : " (Ctrl-C stops)"}`);

    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      print("stopping: waiting for reports in flight (Ctrl-C again to quit now)");
      sim.stop("stopped");
    };
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);

    let previous = snapshotStats(sim.stats);
    let previousAt = started;
    const ticker = setInterval(() => {
      const now = Date.now();
      print(
        formatStatus({
          elapsedMs: now - started,
          current: sim.stats,
          previous,
          windowMs: now - previousAt,
          states: sim.stateCounts(),
          unhealthy: sim.unhealthyCount(),
          inFlight: sim.inFlight,
        }),
      );
      previous = snapshotStats(sim.stats);
      previousAt = now;
    }, flags.statusEvery * 1000);

    const result = await sim.run();
    clearInterval(ticker);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);

    if (result.reason === "unauthorized") {
      return fail(`the server refused the token (401: ${result.message ?? "unauthorized"}). Use FLOTILLA_ENROLLMENT_TOKEN of the server or an enrollment token created in the UI.`);
    }
    print(summary(result, Date.now() - started));
    return 0;
  } finally {
    transport.close();
  }
}
