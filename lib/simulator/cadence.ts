import type { Rng } from "./random";

/** What Flotilla answers unless configured otherwise (FLOTILLA_REPORT_INTERVAL_SECONDS). */
export const SERVER_DEFAULT_INTERVAL_SECONDS = 60;

/**
 * When a host reports next. By default exactly what the server said (`nextReportInSeconds`,
 * which already carries the server's ±10 % jitter). With an interval override the server's
 * answers are scaled so that their mean becomes the override: a demo can run a fleet at
 * 5 s while keeping the server's jitter pattern.
 */
export class ReportCadence {
  private serverMean: number | undefined;
  private answers = 0;

  constructor(private readonly intervalSeconds?: number) {}

  /** The length of the first interval, over which first reports are spread. */
  get firstIntervalSeconds(): number {
    return this.intervalSeconds ?? SERVER_DEFAULT_INTERVAL_SECONDS;
  }

  /** Delay before a host's very first report: uniform over the first interval. */
  firstDelayMs(rng: Rng): number {
    return rng() * this.firstIntervalSeconds * 1000;
  }

  /**
   * Delay after an accepted report. `updating` hosts report their next step sooner (real
   * agents report on every state change), but never later than the periodic report.
   */
  nextDelayMs(serverSeconds: number | undefined, updating: boolean, rng: Rng): number {
    const periodic = this.periodicSeconds(serverSeconds, rng);
    const seconds = updating ? Math.min(periodic, 2 + rng() * 6) : periodic;
    return Math.max(10, seconds * 1000);
  }

  private periodicSeconds(serverSeconds: number | undefined, rng: Rng): number {
    const valid = serverSeconds !== undefined && Number.isFinite(serverSeconds) && serverSeconds > 0;
    if (valid) {
      this.answers++;
      this.serverMean = this.serverMean === undefined ? serverSeconds : this.serverMean + (serverSeconds - this.serverMean) / Math.min(this.answers, 1000);
    }
    if (this.intervalSeconds === undefined) {
      return valid ? serverSeconds : jittered(SERVER_DEFAULT_INTERVAL_SECONDS, rng);
    }
    if (!valid || this.serverMean === undefined) return jittered(this.intervalSeconds, rng);
    return (this.intervalSeconds * serverSeconds) / this.serverMean;
  }
}

function jittered(seconds: number, rng: Rng): number {
  return seconds * (0.9 + rng() * 0.2);
}

/**
 * Backoff before retrying a report after a 503 or a network error: exponential with full
 * jitter, at least the server's Retry-After, capped so a recovered server sees hosts soon.
 */
export function retryDelayMs(attempt: number, rng: Rng, retryAfterSeconds?: number, capMs = 30_000): number {
  const exp = Math.min(capMs, 500 * 2 ** Math.max(0, attempt - 1));
  const backoff = exp / 2 + rng() * (exp / 2);
  const floor = retryAfterSeconds !== undefined && retryAfterSeconds > 0 ? Math.min(capMs, retryAfterSeconds * 1000) : 0;
  return Math.max(floor, backoff);
}
