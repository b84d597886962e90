import { ReportCadence, retryDelayMs } from "./cadence";
import { DueQueue } from "./due-queue";
import { buildFleet, hostRng, type HostProfile } from "./fleet";
import { advance, DEFAULT_BEHAVIOUR, initialState, isUpdating, reportBody, type Behaviour, type HostState } from "./host-state";
import { createRng, mixSeed, type Rng } from "./random";
import { emptyStats, type SimulationStats, type StateCounts } from "./stats";
import { errorMessage, nextReportInSeconds, type ReportTransport, type SendResult } from "./transport";

export interface SimulationOptions {
  hosts: number;
  seed: number;
  /** Report interval override in seconds; undefined follows the server's `nextReportInSeconds`. */
  intervalSeconds?: number;
  /** Stop after this many seconds; undefined runs until `stop()`. */
  durationSeconds?: number;
  behaviour?: Behaviour;
  /** Reports in flight at once. */
  concurrency: number;
  /** Tries per report on 429/502/503/504 and network errors before it is dropped. */
  maxAttempts?: number;
}

export interface SimulationHooks {
  /** A report refused with a 4xx/5xx that is not retried (401 ends the run instead). */
  onRejected?(status: number, message: string, host: HostProfile): void;
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

/**
 * Drives a virtual fleet through the native protocol: one due-time queue, one timer, at
 * most `concurrency` reports in flight. Each host's state advances once per accepted report.
 */
export class Simulation {
  readonly profiles: readonly HostProfile[];
  readonly stats: SimulationStats = emptyStats();
  private readonly states: HostState[];
  private readonly rngs: Rng[];
  private readonly attempts: Uint8Array;
  private readonly queue = new DueQueue();
  private readonly cadence: ReportCadence;
  private readonly scheduleRng: Rng;
  private readonly behaviour: Behaviour;
  private readonly maxAttempts: number;
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
    this.profiles = buildFleet(opts.seed, opts.hosts);
    this.rngs = this.profiles.map((p) => hostRng(opts.seed, p.index, 1));
    this.states = this.profiles.map((p, i) => initialState(p, this.rngs[i]!));
    this.attempts = new Uint8Array(opts.hosts);
    this.cadence = new ReportCadence(opts.intervalSeconds);
    this.scheduleRng = createRng(mixSeed(opts.seed, 0x5eed));
    this.behaviour = opts.behaviour ?? DEFAULT_BEHAVIOUR;
    this.maxAttempts = opts.maxAttempts ?? 6;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  hostState(index: number): HostState | undefined {
    return this.states[index];
  }

  stateCounts(): StateCounts {
    const counts: StateCounts = {};
    for (const s of this.states) counts[s.state] = (counts[s.state] ?? 0) + 1;
    return counts;
  }

  unhealthyCount(): number {
    return this.states.reduce((n, s) => n + (s.failing ? 1 : 0), 0);
  }

  /** Starts reporting; resolves when the run ends and every report in flight has settled. */
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

  /** Sends nothing new; the run's promise resolves once reports in flight have answered. */
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
    resolve({ ...(this.result ?? { reason: "stopped" }), stats: this.stats });
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

  /** Keeps one timer set for the earliest due report; a full pipeline is woken by completions instead. */
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
    const profile = this.profiles[host]!;
    const body = JSON.stringify(reportBody(profile, this.states[host]!));
    this.inFlightCount++;
    this.stats.sent++;
    this.transport
      .send(body)
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
    if (result.kind === "response") {
      this.stats.latencyMsTotal += result.latencyMs;
      this.stats.latencyMsMax = Math.max(this.stats.latencyMsMax, result.latencyMs);
      if (result.status >= 200 && result.status < 300) {
        this.stats.ok++;
        this.accepted(host, nextReportInSeconds(result.body));
        return;
      }
      this.stats.byStatus[result.status] = (this.stats.byStatus[result.status] ?? 0) + 1;
      if (result.status === 401) {
        this.stop("unauthorized", errorMessage(result));
        return;
      }
      if (!RETRYABLE.has(result.status)) {
        this.hooks.onRejected?.(result.status, errorMessage(result), profile);
        // The server will not take this body; the host moves on as a real agent would.
        this.accepted(host, undefined);
        return;
      }
    } else {
      this.stats.network++;
    }
    this.retry(host, result.kind === "response" ? result.retryAfterSeconds : undefined);
  }

  private accepted(host: number, serverSeconds: number | undefined): void {
    this.attempts[host] = 0;
    const next = advance(this.states[host]!, this.profiles[host]!, this.rngs[host]!, this.behaviour);
    this.states[host] = next;
    this.schedule(host, this.cadence.nextDelayMs(serverSeconds, isUpdating(next.state), this.scheduleRng));
  }

  private retry(host: number, retryAfterSeconds: number | undefined): void {
    const attempt = (this.attempts[host] ?? 0) + 1;
    if (attempt >= this.maxAttempts) {
      this.stats.dropped++;
      this.attempts[host] = 0;
      this.schedule(host, this.cadence.nextDelayMs(undefined, false, this.scheduleRng));
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
