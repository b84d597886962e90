import { answered, initialSim, isUnhealthy, phaseOf, requestOf, versionOf, type HostSim, type Wait } from "./agents";
import { ReportCadence, retryDelayMs, SERVER_DEFAULT_INTERVAL_SECONDS } from "./cadence";
import { DueQueue } from "./due-queue";
import { buildFleet, hostRng, type HostProfile } from "./fleet";
import { DEFAULT_BEHAVIOUR, type Behaviour } from "./host-state";
import { NATIVE_ONLY, type Protocol, type ProtocolMix } from "./protocols";
import { createRng, mixSeed, type Rng } from "./random";
import { emptyStats, type FleetSnapshot, type SimulationStats } from "./stats";
import { errorMessage, type ReportTransport, type SendResult } from "./transport";

export interface SimulationOptions {
  hosts: number;
  seed: number;
  /** Which agents the hosts run, by weight; default: all native. */
  mix?: ProtocolMix;
  /**
   * Interval override in seconds for every protocol. Undefined: native hosts follow the
   * server's `nextReportInSeconds`, Flatcar checks in every ~45 min (update_engine), FCOS
   * polls every 5 min (Zincati). Update steps are compressed by interval/60 below one minute.
   */
  intervalSeconds?: number;
  /** Stop after this many seconds; undefined runs until `stop()`. */
  durationSeconds?: number;
  behaviour?: Behaviour;
  /** Requests in flight at once. */
  concurrency: number;
  /** Tries per request on 429/502/503/504 and network errors before it is dropped. */
  maxAttempts?: number;
}

export interface SimulationHooks {
  /** A request refused with a 4xx/5xx that is not retried (401 on a native report ends the run instead). */
  onRejected?(status: number, message: string, host: HostProfile): void;
  /** A 2xx answer the agent could not use: an Omaha response update_engine rejects, a graph Zincati cannot read. */
  onInvalid?(message: string, host: HostProfile): void;
}

export type StopReason = "duration" | "stopped" | "unauthorized";

export interface SimulationResult {
  reason: StopReason;
  /** The server's explanation when it refused the token. */
  message?: string;
  stats: SimulationStats;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const DRAIN_TIMEOUT_MS = 10_000;

/** Periodic intervals of the real agents when no --interval is given (native asks the server). */
export const DEFAULT_PERIOD_SECONDS: Readonly<Record<Exclude<Protocol, "native">, number>> = {
  // update_engine: every 45 minutes, plus fuzz.
  flatcar: 45 * 60,
  // Zincati's default steady-state polling interval.
  fcos: 300,
};

/**
 * Drives a virtual fleet: one due-time queue, one timer, at most `concurrency` requests in
 * flight. Each host speaks its own protocol (native, Omaha, Cincinnati + FleetLock) and
 * advances once per answered request.
 */
export class Simulation {
  readonly profiles: readonly HostProfile[];
  readonly stats: SimulationStats = emptyStats();
  private readonly sims: HostSim[];
  private readonly rngs: Rng[];
  private readonly attempts: Uint8Array;
  private readonly queue = new DueQueue();
  private readonly cadence: ReportCadence;
  private readonly scheduleRng: Rng;
  private readonly behaviour: Behaviour;
  private readonly maxAttempts: number;
  /** Update steps last `pace` × their real duration: 1 at real intervals, less when --interval is short. */
  private readonly pace: number;
  private inFlightCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private durationTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private result: Omit<SimulationResult, "stats"> | undefined;
  private finished: Promise<SimulationResult> | undefined;
  private resolveFinished: ((r: SimulationResult) => void) | undefined;

  constructor(
    private readonly opts: SimulationOptions,
    private readonly transport: ReportTransport,
    private readonly hooks: SimulationHooks = {},
  ) {
    if (!Number.isInteger(opts.hosts) || opts.hosts < 1) throw new Error("hosts must be a positive integer");
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new Error("concurrency must be a positive integer");
    this.profiles = buildFleet(opts.seed, opts.hosts, opts.mix ?? NATIVE_ONLY);
    this.rngs = this.profiles.map((p) => hostRng(opts.seed, p.index, 1));
    this.sims = this.profiles.map((p, i) => initialSim(p, this.rngs[i]!));
    this.attempts = new Uint8Array(opts.hosts);
    this.cadence = new ReportCadence(opts.intervalSeconds);
    this.scheduleRng = createRng(mixSeed(opts.seed, 0x5eed));
    this.behaviour = opts.behaviour ?? DEFAULT_BEHAVIOUR;
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.pace = Math.min(1, (opts.intervalSeconds ?? SERVER_DEFAULT_INTERVAL_SECONDS) / SERVER_DEFAULT_INTERVAL_SECONDS);
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  hostSim(index: number): HostSim | undefined {
    return this.sims[index];
  }

  /** Hosts per protocol: how many, in which phase, how many updated, how many unhealthy. */
  fleetSnapshot(): FleetSnapshot {
    const out: FleetSnapshot = {};
    this.sims.forEach((sim, i) => {
      const snap = (out[sim.protocol] ??= { hosts: 0, phases: {}, updated: 0, unhealthy: 0 });
      snap.hosts++;
      const phase = phaseOf(sim);
      snap.phases[phase] = (snap.phases[phase] ?? 0) + 1;
      if (versionOf(sim) !== this.profiles[i]!.initialVersion) snap.updated++;
      if (isUnhealthy(sim)) snap.unhealthy++;
      if (this.profiles[i]!.oci) snap.oci = (snap.oci ?? 0) + 1;
    });
    return out;
  }

  /** Starts sending; resolves when the run ends and every request in flight has settled. */
  run(): Promise<SimulationResult> {
    if (this.finished) return this.finished;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const now = Date.now();
    for (let i = 0; i < this.profiles.length; i++) this.queue.push(now + this.cadence.firstDelayMs(this.scheduleRng), i);
    if (this.opts.durationSeconds !== undefined) {
      this.durationTimer = setTimeout(() => this.stop("duration"), this.opts.durationSeconds * 1000);
    }
    this.pump();
    return this.finished;
  }

  /** Sends nothing new; the run's promise resolves once requests in flight have answered. */
  stop(reason: StopReason = "stopped", message?: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.result = { reason, ...(message !== undefined ? { message } : {}) };
    if (this.timer) clearTimeout(this.timer);
    if (this.durationTimer) clearTimeout(this.durationTimer);
    this.timer = undefined;
    if (this.inFlightCount === 0) this.finish();
    else setTimeout(() => this.finish(), DRAIN_TIMEOUT_MS).unref();
  }

  private finish(): void {
    const resolve = this.resolveFinished;
    if (!resolve) return;
    this.resolveFinished = undefined;
    const done = () => resolve({ ...(this.result ?? { reason: "stopped" }), stats: this.stats });
    this.releaseHeldSlots().then(done, done);
  }

  /** FCOS hosts that hold a FleetLock slot: granted, rebooting, not yet released. */
  slotHolders(): number[] {
    const out: number[] = [];
    this.sims.forEach((sim, i) => {
      if (sim.protocol === "fcos" && sim.state.phase === "rebooting") out.push(i);
    });
    return out;
  }

  /**
   * A stopped simulation leaves no reboot slot taken: hosts in the middle of a reboot finish
   * it at once and send steady-state, as Zincati does when it comes up, so the server's
   * FleetLock groups are free for the next run (or for real hosts).
   */
  private async releaseHeldSlots(): Promise<void> {
    const holders = this.slotHolders();
    for (let i = 0; i < holders.length; i += this.opts.concurrency) {
      await Promise.all(
        holders.slice(i, i + this.opts.concurrency).map(async (host) => {
          const profile = this.profiles[host]!;
          const sim = this.sims[host]!;
          this.stats.sent++;
          this.stats.byProtocol[sim.protocol].sent++;
          const r = await this.transport.send(requestOf(profile, sim)).catch((err: unknown): SendResult => ({ kind: "network", error: err instanceof Error ? err : new Error(String(err)), latencyMs: 0 }));
          if (r.kind !== "response" || r.status < 200 || r.status >= 300) {
            if (r.kind === "network") this.stats.network++;
            else this.stats.byStatus[r.status] = (this.stats.byStatus[r.status] ?? 0) + 1;
            return;
          }
          this.stats.ok++;
          this.stats.byProtocol[sim.protocol].ok++;
          this.sims[host] = answered(profile, sim, r.status, r.body, this.rngs[host]!, this.behaviour).sim;
        }),
      );
    }
  }

  private pump(): void {
    if (this.stopping) return;
    const now = Date.now();
    while (this.inFlightCount < this.opts.concurrency) {
      const due = this.queue.peekDue();
      if (due === undefined || due > now) break;
      const next = this.queue.pop();
      if (next) this.dispatch(next.host);
    }
    this.arm();
  }

  /** Keeps one timer set for the earliest due request; a full pipeline is woken by completions instead. */
  private arm(): void {
    const due = this.inFlightCount < this.opts.concurrency ? this.queue.peekDue() : undefined;
    if (due === this.timerDue && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
    if (due === undefined) return;
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.pump();
    }, Math.max(0, due - Date.now()));
  }

  private dispatch(host: number): void {
    const sim = this.sims[host]!;
    const request = requestOf(this.profiles[host]!, sim);
    this.inFlightCount++;
    this.stats.sent++;
    this.stats.byProtocol[sim.protocol].sent++;
    this.transport
      .send(request)
      .catch((err: unknown): SendResult => ({ kind: "network", error: err instanceof Error ? err : new Error(String(err)), latencyMs: 0 }))
      .then((result) => this.settle(host, result))
      .finally(() => {
        this.inFlightCount--;
        if (this.stopping) {
          if (this.inFlightCount === 0) this.finish();
        } else this.pump();
      })
      .catch(() => {});
  }

  private settle(host: number, result: SendResult): void {
    const profile = this.profiles[host]!;
    const sim = this.sims[host]!;
    if (result.kind === "network") {
      this.stats.network++;
      this.retry(host, undefined);
      return;
    }
    this.stats.latencyMsTotal += result.latencyMs;
    this.stats.latencyMsMax = Math.max(this.stats.latencyMsMax, result.latencyMs);
    const ok = result.status >= 200 && result.status < 300;
    if (!ok && (RETRYABLE.has(result.status) || (result.status === 401 && sim.protocol === "native"))) {
      this.stats.byStatus[result.status] = (this.stats.byStatus[result.status] ?? 0) + 1;
      if (result.status === 401) this.stop("unauthorized", errorMessage(result));
      else this.retry(host, result.retryAfterSeconds);
      return;
    }
    const step = answered(profile, sim, result.status, result.body, this.rngs[host]!, this.behaviour);
    if (ok) {
      this.stats.ok++;
      this.stats.byProtocol[sim.protocol].ok++;
      if (step.problem) {
        this.stats.invalid++;
        this.hooks.onInvalid?.(step.problem, profile);
      }
    } else if (step.expected) {
      this.stats.lockBusy++;
    } else {
      this.stats.byStatus[result.status] = (this.stats.byStatus[result.status] ?? 0) + 1;
      this.hooks.onRejected?.(result.status, step.problem ?? errorMessage(result), profile);
    }
    this.attempts[host] = 0;
    this.sims[host] = step.sim;
    this.schedule(host, this.delayMs(sim.protocol, step.wait));
  }

  private delayMs(protocol: Protocol, wait: Wait): number {
    if (wait.kind === "step") return Math.max(10, wait.seconds * this.pace * 1000);
    if (protocol === "native") return this.cadence.nextDelayMs(wait.serverSeconds, wait.soon ?? false, this.scheduleRng);
    const mean = this.opts.intervalSeconds ?? DEFAULT_PERIOD_SECONDS[protocol];
    return Math.max(10, mean * (0.9 + this.scheduleRng() * 0.2) * 1000);
  }

  private retry(host: number, retryAfterSeconds: number | undefined): void {
    const attempt = (this.attempts[host] ?? 0) + 1;
    if (attempt >= this.maxAttempts) {
      // Given up: the host tries again at its next periodic interval, same request.
      this.stats.dropped++;
      this.attempts[host] = 0;
      this.schedule(host, this.delayMs(this.sims[host]!.protocol, { kind: "periodic" }));
      return;
    }
    this.attempts[host] = attempt;
    this.stats.retries++;
    this.schedule(host, retryDelayMs(attempt, this.scheduleRng, retryAfterSeconds));
  }

  private schedule(host: number, delayMs: number): void {
    if (this.stopping) return;
    this.queue.push(Date.now() + delayMs, host);
  }
}
