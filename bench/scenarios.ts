import { buildFleet, hostRng } from "@/lib/simulator/fleet";
import { advance, initialState, reportBody } from "@/lib/simulator/host-state";

export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Hands out the next request; called once per request, from every connection. */
export type RequestGenerator = () => BenchRequest;

/**
 * One kind of traffic to measure (native report now; Omaha check-ins and graph polls
 * later): a name and a request generator, plus where stored requests land so the bench
 * can check that every acknowledged request is durable.
 */
export interface Scenario {
  name: string;
  description: string;
  /** Table that gains one row per accepted request; undefined skips the durability check. */
  storedIn?: "host_reports";
  /** Builds a fresh generator for one run (each run starts at the first host again). */
  generator(ctx: { token: string }): RequestGenerator;
}

export interface ScenarioOptions {
  /** Distinct simulated hosts the bodies come from. */
  poolSize: number;
  seed: number;
}

let bodyPool: { key: string; bodies: Buffer[] } | undefined;

/**
 * Report bodies of `poolSize` distinct hosts, built once per process: most idle, some in
 * the middle of an update, some failing, like a live fleet.
 */
function reportBodies(opts: ScenarioOptions): Buffer[] {
  const key = `${opts.seed}/${opts.poolSize}`;
  if (bodyPool?.key === key) return bodyPool.bodies;
  const behaviour = { failRate: 0.05, updateRate: 0.1 };
  const bodies = buildFleet(opts.seed, opts.poolSize).map((profile) => {
    const rng = hostRng(opts.seed, profile.index, 1);
    let state = initialState(profile, rng);
    const steps = Math.floor(rng() * 4);
    for (let i = 0; i < steps; i++) state = advance(state, profile, rng, behaviour);
    return Buffer.from(JSON.stringify(reportBody(profile, state)));
  });
  bodyPool = { key, bodies };
  return bodies;
}

export function nativeReportScenario(opts: ScenarioOptions): Scenario {
  return {
    name: "native-report",
    description: "POST /v1/agent/report, one distinct host per request",
    storedIn: "host_reports",
    generator({ token }) {
      const bodies = reportBodies(opts);
      const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
      let next = 0;
      return () => {
        const body = bodies[next % bodies.length]!;
        next++;
        return { method: "POST", path: "/v1/agent/report", headers, body };
      };
    },
  };
}
