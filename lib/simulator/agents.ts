// One interface over the three agents a virtual host can run, so the simulation loop does not
// care which protocol a host speaks.
import type { HostProfile } from "./fleet";
import { advance, initialState, isUpdating, reportBody, type Behaviour, type HostState } from "./host-state";
import { initialOmahaState, omahaAnswered, omahaRequest, type OmahaHostState } from "./omaha-host";
import type { Protocol } from "./protocols";
import type { Rng } from "./random";
import { errorMessage, nextReportInSeconds, type SimRequest } from "./transport";
import { initialZincatiState, zincatiAnswered, zincatiRequest, type ZincatiHostState } from "./zincati-host";

export type HostSim =
  | { protocol: "native"; state: HostState }
  | { protocol: "flatcar"; state: OmahaHostState }
  | { protocol: "fcos"; state: ZincatiHostState };

/**
 * When a host sends next: at its periodic interval (native: what the server said, `soon`
 * while an update is in progress), or after an update step that takes `seconds` in real life
 * (the simulation compresses it when the interval is shortened).
 */
export type Wait = { kind: "periodic"; serverSeconds?: number; soon?: boolean } | { kind: "step"; seconds: number };

export interface AgentStep {
  sim: HostSim;
  wait: Wait;
  /** A non-2xx answer the protocol expects (FleetLock 409): counted apart, not as an error. */
  expected?: boolean;
  /** What went wrong, for a non-2xx answer or a 2xx the agent could not use. */
  problem?: string;
}

export function initialSim(profile: HostProfile, rng: Rng): HostSim {
  switch (profile.protocol) {
    case "native":
      return { protocol: "native", state: initialState(profile, rng) };
    case "flatcar":
      return { protocol: "flatcar", state: initialOmahaState(profile, rng) };
    case "fcos":
      return { protocol: "fcos", state: initialZincatiState(profile) };
  }
}

export const NATIVE_REPORT_PATH = "/v1/agent/report";

/** The request the host sends next; pure, so a retry sends the same request again. */
export function requestOf(profile: HostProfile, sim: HostSim): SimRequest {
  switch (sim.protocol) {
    case "native":
      return { method: "POST", path: NATIVE_REPORT_PATH, body: JSON.stringify(reportBody(profile, sim.state)), headers: { "content-type": "application/json" }, auth: true };
    case "flatcar":
      return omahaRequest(profile, sim.state);
    case "fcos":
      return zincatiRequest(profile, sim.state);
  }
}

/** The host after an answer the simulation does not retry (2xx, or a refusal). */
export function answered(profile: HostProfile, sim: HostSim, status: number, body: string, rng: Rng, behaviour: Behaviour): AgentStep {
  const ok = status >= 200 && status < 300;
  switch (sim.protocol) {
    case "native": {
      // A refused report is not retried: the agent moves on as a real one would.
      const next = advance(sim.state, profile, rng, behaviour);
      return {
        sim: { protocol: "native", state: next },
        wait: { kind: "periodic", ...(ok ? { serverSeconds: nextReportInSeconds(body) } : {}), soon: isUpdating(next.state) },
        ...(ok ? {} : { problem: errorMessage({ kind: "response", status, body, latencyMs: 0 }) }),
      };
    }
    case "flatcar": {
      const r = omahaAnswered(profile, sim.state, status, body, rng, behaviour);
      const problem = r.problem ?? (ok ? undefined : errorMessage({ kind: "response", status, body, latencyMs: 0 }));
      return { sim: { protocol: "flatcar", state: r.state }, wait: r.wait, ...(problem ? { problem } : {}) };
    }
    case "fcos": {
      const r = zincatiAnswered(profile, sim.state, status, body, rng, behaviour);
      return { sim: { protocol: "fcos", state: r.state }, wait: r.wait, ...(r.expected ? { expected: true } : {}), ...(r.problem ? { problem: r.problem } : {}) };
    }
  }
}

/** Phases per protocol in the order the status line shows them. */
export const PHASES: Readonly<Record<Protocol, readonly string[]>> = {
  flatcar: ["idle", "downloading", "installing", "rebooting", "error", "rolled_back"],
  fcos: ["starting", "idle", "staging", "waiting_slot", "rebooting", "rolled_back"],
  native: ["idle", "updating", "error", "rolled_back"],
};

export function phaseOf(sim: HostSim): string {
  switch (sim.protocol) {
    case "native": {
      const s = sim.state.state;
      return isUpdating(s) ? "updating" : s;
    }
    case "flatcar":
      return sim.state.phase;
    case "fcos":
      // Back on the old deployment after a failed boot, and staying there.
      return sim.state.phase === "idle" && sim.state.denylist.length > 0 ? "rolled_back" : sim.state.phase;
  }
}

export function versionOf(sim: HostSim): string {
  return sim.state.version;
}

/** Native hosts whose health checks currently fail. */
export function isUnhealthy(sim: HostSim): boolean {
  return sim.protocol === "native" && sim.state.failing !== null;
}
