import { PHASES } from "./agents";
import { PROTOCOLS, type Protocol } from "./protocols";

export interface ProtocolCounters {
  sent: number;
  ok: number;
}

/** Cumulative counters of a simulation run. */
export interface SimulationStats {
  /** HTTP requests sent, retries included. */
  sent: number;
  /** Requests the server accepted (2xx). */
  ok: number;
  /** Non-2xx answers by status code (FleetLock's "slot taken" 409 is counted in lockBusy instead). */
  byStatus: Record<number, number>;
  /** Requests that got no answer: refused, reset, timed out. */
  network: number;
  retries: number;
  /** Requests given up on after the last retry (the host tries again at its next interval). */
  dropped: number;
  /** FleetLock pre-reboot answered 409: every slot of the group is taken, Zincati retries later. */
  lockBusy: number;
  /** 2xx answers the agent could not use (an Omaha response update_engine would reject, a graph Zincati cannot read). */
  invalid: number;
  latencyMsTotal: number;
  latencyMsMax: number;
  byProtocol: Record<Protocol, ProtocolCounters>;
}

export function emptyStats(): SimulationStats {
  return {
    sent: 0,
    ok: 0,
    byStatus: {},
    network: 0,
    retries: 0,
    dropped: 0,
    lockBusy: 0,
    invalid: 0,
    latencyMsTotal: 0,
    latencyMsMax: 0,
    byProtocol: { flatcar: { sent: 0, ok: 0 }, fcos: { sent: 0, ok: 0 }, native: { sent: 0, ok: 0 } },
  };
}

export function snapshotStats(s: SimulationStats): SimulationStats {
  return {
    ...s,
    byStatus: { ...s.byStatus },
    byProtocol: { flatcar: { ...s.byProtocol.flatcar }, fcos: { ...s.byProtocol.fcos }, native: { ...s.byProtocol.native } },
  };
}

/** Where the hosts of one protocol stand right now. */
export interface ProtocolSnapshot {
  hosts: number;
  /** Hosts per phase (see PHASES). */
  phases: Record<string, number>;
  /** Hosts running another version than they started on. */
  updated: number;
  /** Native hosts with a failing health check. */
  unhealthy: number;
  /** FCOS hosts booted from an OCI image (Zincati polls with oci=true). */
  oci?: number;
}

export type FleetSnapshot = Partial<Record<Protocol, ProtocolSnapshot>>;

export interface StatusInput {
  elapsedMs: number;
  current: SimulationStats;
  previous: SimulationStats;
  windowMs: number;
  fleet: FleetSnapshot;
  inFlight: number;
}

function errorSummary(current: SimulationStats): string {
  const parts = Object.entries(current.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}×${n}`);
  if (current.network > 0) parts.push(`net×${current.network}`);
  return parts.length ? parts.join(" ") : "none";
}

const answeredCount = (s: SimulationStats) => s.ok + s.lockBusy + Object.values(s.byStatus).reduce((a, b) => a + b, 0);

function protocolSegment(protocol: Protocol, snap: ProtocolSnapshot, rate: number, stats: SimulationStats): string {
  const phases = PHASES[protocol]
    .filter((p) => p === "idle" || (snap.phases[p] ?? 0) > 0)
    .map((p) => `${p.replace("_", "-")} ${snap.phases[p] ?? 0}`);
  const extra = [`updated ${snap.updated}`];
  if (protocol === "native") extra.push(`unhealthy ${snap.unhealthy}`);
  if (protocol === "fcos" && stats.lockBusy) extra.push(`slot-busy ${stats.lockBusy}`);
  return `${protocol} ${snap.hosts} (${rate.toFixed(1)}/s): ${phases.join(" ")} · ${extra.join(" ")}`;
}

/**
 * `[   35s] 412.3 req/s  ok 14032  errors none  retries 0  avg 3.1 ms  in-flight 12 | flatcar 900 (30.2/s): idle 850 downloading 20 … · updated 120 | fcos … | native …`
 */
export function formatStatus(input: StatusInput): string {
  const { current, previous, windowMs } = input;
  const perSecond = (n: number) => (windowMs > 0 ? (n * 1000) / windowMs : 0);
  const answered = answeredCount(current) - answeredCount(previous);
  const avg = answered > 0 ? (current.latencyMsTotal - previous.latencyMsTotal) / answered : 0;
  const segments = PROTOCOLS.flatMap((p) => {
    const snap = input.fleet[p];
    return snap && snap.hosts > 0 ? [protocolSegment(p, snap, perSecond(current.byProtocol[p].sent - previous.byProtocol[p].sent), current)] : [];
  });
  return [
    `[${String(Math.round(input.elapsedMs / 1000)).padStart(5)}s]`,
    `${perSecond(current.sent - previous.sent).toFixed(1)} req/s`,
    `ok ${current.ok}`,
    `errors ${errorSummary(current)}`,
    `retries ${current.retries}`,
    current.dropped ? `dropped ${current.dropped}` : "",
    current.invalid ? `invalid answers ${current.invalid}` : "",
    `avg ${avg.toFixed(1)} ms`,
    `in-flight ${input.inFlight}`,
    ...segments.map((s) => `| ${s}`),
  ]
    .filter(Boolean)
    .join("  ");
}
