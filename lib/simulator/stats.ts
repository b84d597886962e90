import type { UpdateState } from "../agent/native-report";

/** Cumulative counters of a simulation run. */
export interface SimulationStats {
  /** HTTP requests sent, retries included. */
  sent: number;
  /** Reports the server accepted (2xx). */
  ok: number;
  /** Non-2xx answers by status code. */
  byStatus: Record<number, number>;
  /** Requests that got no answer: refused, reset, timed out. */
  network: number;
  retries: number;
  /** Reports given up on after the last retry (the host reports again at its next interval). */
  dropped: number;
  latencyMsTotal: number;
  latencyMsMax: number;
}

export function emptyStats(): SimulationStats {
  return { sent: 0, ok: 0, byStatus: {}, network: 0, retries: 0, dropped: 0, latencyMsTotal: 0, latencyMsMax: 0 };
}

export function snapshotStats(s: SimulationStats): SimulationStats {
  return { ...s, byStatus: { ...s.byStatus } };
}

export type StateCounts = Partial<Record<UpdateState, number>>;

export interface StatusInput {
  elapsedMs: number;
  current: SimulationStats;
  previous: SimulationStats;
  windowMs: number;
  states: StateCounts;
  unhealthy: number;
  inFlight: number;
}

function errorSummary(current: SimulationStats): string {
  const parts = Object.entries(current.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}×${n}`);
  if (current.network > 0) parts.push(`net×${current.network}`);
  return parts.length ? parts.join(" ") : "none";
}

/** `[  35s] 41.2 reports/s  ok 1432  errors 503×3 net×1  retries 4  avg 3.1 ms | updating 12 error 1 rolled_back 0 unhealthy 4` */
export function formatStatus(input: StatusInput): string {
  const { current, previous, windowMs } = input;
  const sentInWindow = current.sent - previous.sent;
  const rate = windowMs > 0 ? (sentInWindow * 1000) / windowMs : 0;
  const answered = current.ok - previous.ok + Object.values(current.byStatus).reduce((a, b) => a + b, 0) - Object.values(previous.byStatus).reduce((a, b) => a + b, 0);
  const avg = answered > 0 ? (current.latencyMsTotal - previous.latencyMsTotal) / answered : 0;
  const updating = (input.states.checking ?? 0) + (input.states.downloading ?? 0) + (input.states.downloaded ?? 0) + (input.states.staged ?? 0) + (input.states.rebooting ?? 0);
  return [
    `[${String(Math.round(input.elapsedMs / 1000)).padStart(5)}s]`,
    `${rate.toFixed(1)} reports/s`,
    `ok ${current.ok}`,
    `errors ${errorSummary(current)}`,
    `retries ${current.retries}`,
    current.dropped ? `dropped ${current.dropped}` : "",
    `avg ${avg.toFixed(1)} ms`,
    `in-flight ${input.inFlight}`,
    `| idle ${input.states.idle ?? 0} updating ${updating} error ${input.states.error ?? 0} rolled_back ${input.states.rolled_back ?? 0} unhealthy ${input.unhealthy}`,
  ]
    .filter(Boolean)
    .join("  ");
}
