import { Command, InvalidArgumentError, Option } from "commander";
import { buildFleet } from "@/lib/simulator/fleet";
import { HttpTransport } from "@/lib/simulator/http-transport";
import { OperatorApiError, OperatorClient, setupDemo } from "@/lib/simulator/operator-client";
import { DEFAULT_MIX, describeMix, mixIncludes, parseMix, PROTOCOLS, type Protocol, type ProtocolMix } from "@/lib/simulator/protocols";
import { DEFAULT_PERIOD_SECONDS, Simulation, type SimulationResult } from "@/lib/simulator/simulation";
import { formatStatus, snapshotStats, type FleetSnapshot, type SimulationStats } from "@/lib/simulator/stats";
import { describeNetworkError, errorMessage } from "@/lib/simulator/transport";
import { httpUrl, integer, positiveNumber, probability } from "./options";

interface SimulateFlags {
  hosts: number;
  url: string;
  token?: string;
  os: Protocol;
  /** `true` when --mix is given without a blend. */
  mix?: ProtocolMix | true;
  setupDemo: boolean;
  email?: string;
  password?: string;
  interval?: number;
  duration?: number;
  failRate: number;
  updateRate: number;
  seed: number;
  concurrency: number;
  statusEvery: number;
}

function mixOption(raw: string): ProtocolMix {
  try {
    return parseMix(raw);
  } catch (err) {
    throw new InvalidArgumentError(`${err instanceof Error ? err.message : String(err)}; e.g. --mix flatcar=45,fcos=35,native=20`);
  }
}

export function simulateCommand(): Command {
  return new Command("simulate")
    .description("drive a virtual fleet against a Flotilla server: Flatcar (Omaha), Fedora CoreOS (Zincati: graph + FleetLock) and native agents")
    .option("--hosts <n>", "number of virtual hosts", integer(1, 1_000_000), 500)
    .addOption(new Option("--url <url>", "Flotilla base URL").env("FLOTILLA_URL").argParser(httpUrl).default("http://localhost:3000"))
    .addOption(new Option("--token <token>", "enrollment token for native agents (not needed for flatcar/fcos)").env("FLOTILLA_ENROLLMENT_TOKEN"))
    .addOption(new Option("--os <protocol>", "the agent every host runs: flatcar = update_engine (Omaha), fcos = Zincati (graph + FleetLock), native = Flotilla's agent").choices(PROTOCOLS).default("native"))
    .addOption(
      new Option("--mix [blend]", `hosts run different agents, by weight (default blend ${DEFAULT_MIX.map(([p, w]) => `${p}=${w}`).join(",")})`)
        .argParser(mixOption)
        .conflicts("os"),
    )
    .option("--setup-demo", "first sign in to the operator API and create the demo catalog (channels stable and fcos-stable, releases, targets); idempotent", false)
    .addOption(new Option("--email <email>", "operator e-mail for --setup-demo").env("FLOTILLA_ADMIN_EMAIL"))
    .addOption(new Option("--password <password>", "operator password for --setup-demo").env("FLOTILLA_ADMIN_PASSWORD"))
    .option(
      "--interval <seconds>",
      `mean interval between periodic requests, every protocol; default: native what the server answers, flatcar ${DEFAULT_PERIOD_SECONDS.flatcar / 60} min (update_engine), fcos ${DEFAULT_PERIOD_SECONDS.fcos / 60} min (Zincati). Below 60 s, update steps (downloads, reboots) are compressed by the same factor`,
      positiveNumber(0),
    )
    .option("--duration <seconds>", "stop after this many seconds (default: until Ctrl-C)", positiveNumber(0))
    .option("--fail-rate <p>", "chance that an update fails (download error, GRUB fallback, FCOS host staying on its old deployment), and per native report that a health check starts failing", probability, 0.02)
    .option("--update-rate <p>", "native agents: chance per report that an idle host starts an update (flatcar/fcos update when the server offers one)", probability, 0.03)
    .option("--seed <n>", "fleet seed: same seed, same machine ids and hostnames", integer(0, 2 ** 31 - 1), 1)
    .option("--concurrency <n>", "reports in flight at most", integer(1, 4096), 64)
    .option("--status-every <seconds>", "seconds between status lines", positiveNumber(0), 5)
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  flotilla simulate --hosts 500 --token $FLOTILLA_ENROLLMENT_TOKEN",
        "  flotilla simulate --os flatcar --hosts 200 --interval 10",
        "  flotilla simulate --mix --hosts 2000 --setup-demo --email admin@example.com --password … --token …",
        "  flotilla simulate --mix flatcar=60,fcos=40 --hosts 50 --interval 5 --fail-rate 0.1 --duration 120",
        "",
        "Flatcar hosts check in on track stable; FCOS hosts poll stream stable in their group (workers, canary, default)",
        "and take FleetLock slots in that group. --setup-demo publishes every version they start on plus one newer",
        "release per family (amd64 and arm64) and targets it; it also raises FleetLock slots to one per 25 FCOS hosts.",
      ].join("\n"),
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

function summary(result: SimulationResult, elapsedMs: number, fleet: FleetSnapshot): string[] {
  const s: SimulationStats = result.stats;
  const failures = Object.entries(s.byStatus).map(([status, n]) => `${status}×${n}`);
  if (s.network) failures.push(`net×${s.network}`);
  const lines = [
    `done after ${(elapsedMs / 1000).toFixed(1)} s: ${s.sent} requests, ${s.ok} accepted, errors ${failures.join(" ") || "none"}, retries ${s.retries}, dropped ${s.dropped}${s.invalid ? `, invalid answers ${s.invalid}` : ""}`,
  ];
  for (const p of PROTOCOLS) {
    const snap = fleet[p];
    if (!snap) continue;
    const phases = Object.entries(snap.phases)
      .filter(([, n]) => n > 0)
      .map(([phase, n]) => `${phase} ${n}`)
      .join(", ");
    const extra = p === "fcos" && s.lockBusy ? `, FleetLock busy ${s.lockBusy}×` : "";
    const oci = p === "fcos" && snap.oci ? ` (${snap.oci} booted from an OCI image)` : "";
    lines.push(`  ${p}: ${snap.hosts} hosts${oci}, ${s.byProtocol[p].ok}/${s.byProtocol[p].sent} requests accepted, ${snap.updated} on a new version; now ${phases}${extra}`);
  }
  return lines;
}

function resolveMix(flags: SimulateFlags): ProtocolMix {
  if (flags.mix === true) return DEFAULT_MIX;
  if (flags.mix) return flags.mix;
  return [[flags.os, 1]];
}

async function runDemoSetup(flags: SimulateFlags, mix: ProtocolMix): Promise<string | undefined> {
  if (!flags.email || !flags.password) return "--setup-demo needs --email and --password of an operator (or FLOTILLA_ADMIN_EMAIL / FLOTILLA_ADMIN_PASSWORD)";
  try {
    const client = await OperatorClient.login(flags.url, flags.email, flags.password);
    const r = await setupDemo(client, buildFleet(flags.seed, flags.hosts, mix));
    const targets = r.targets.map((t) => `${t.channelId} → ${t.version}${t.changed ? "" : " (already)"}`).join(", ");
    const slots = r.rebootSlots.length ? `; FleetLock slots ${r.rebootSlots.map((g) => `${g.group}=${g.slots}`).join(" ")}` : "";
    print(`demo catalog ready: ${r.channelsCreated.length ? `created channels ${r.channelsCreated.join(", ")}, ` : ""}${r.releasesCreated} releases added; targets ${targets}${slots}`);
    return undefined;
  } catch (err) {
    if (err instanceof OperatorApiError) return `--setup-demo: ${err.message}`;
    throw err;
  }
}

async function runSimulate(flags: SimulateFlags): Promise<number> {
  const mix = resolveMix(flags);
  const token = flags.token?.trim();
  if (mixIncludes(mix, "native") && !token) return fail("native agents need an enrollment token: --token or FLOTILLA_ENROLLMENT_TOKEN (or simulate only --os flatcar / --os fcos)");
  const transport = new HttpTransport({ baseUrl: flags.url, ...(token ? { token } : {}), maxSockets: flags.concurrency });
  try {
    const problem = await preflight(transport, flags.url);
    if (problem) return fail(problem);
    if (flags.setupDemo) {
      const setupProblem = await runDemoSetup(flags, mix);
      if (setupProblem) return fail(setupProblem);
    }

    const seen = new Set<string>();
    const once = (key: string, line: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      print(line);
    };
    const sim = new Simulation(
      {
        hosts: flags.hosts,
        seed: flags.seed,
        mix,
        intervalSeconds: flags.interval,
        durationSeconds: flags.duration,
        behaviour: { failRate: flags.failRate, updateRate: flags.updateRate },
        concurrency: flags.concurrency,
      },
      transport,
      {
        // Each distinct refusal once; the status line keeps counting them.
        onRejected: (status, message, host) => once(`${status} ${message}`, `rejected ${status} for ${host.protocol} host ${host.hostname} (${host.machineId}): ${message}`),
        onInvalid: (message, host) => once(message, `${host.protocol} host ${host.hostname} (${host.machineId}) could not use an answer: ${message}`),
      },
    );

    const started = Date.now();
    const interval = flags.interval !== undefined ? `every ~${flags.interval} s` : "at each agent's own interval";
    print(`simulating ${flags.hosts} hosts (${describeMix(mix)}) against ${flags.url} ${interval}, seed ${flags.seed}, concurrency ${flags.concurrency}${flags.duration ? `, for ${flags.duration} s` : " (Ctrl-C stops)"}`);

    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      const holders = sim.slotHolders().length;
      print(`stopping: waiting for requests in flight${holders ? `, then ${holders} rebooting FCOS hosts release their FleetLock slots` : ""} (Ctrl-C again to quit now)`);
      sim.stop("stopped");
    };
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);

    let previous = snapshotStats(sim.stats);
    let previousAt = started;
    const ticker = setInterval(() => {
      const now = Date.now();
      print(formatStatus({ elapsedMs: now - started, current: sim.stats, previous, windowMs: now - previousAt, fleet: sim.fleetSnapshot(), inFlight: sim.inFlight }));
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
    for (const line of summary(result, Date.now() - started, sim.fleetSnapshot())) print(line);
    return 0;
  } finally {
    transport.close();
  }
}
