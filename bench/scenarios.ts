import type { Db } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import type { NewRelease } from "@/lib/operator/release-schemas";
import { demoFcosRelease, demoFlatcarRelease } from "@/lib/simulator/demo-catalog";
import { buildFleet, hostRng } from "@/lib/simulator/fleet";
import { advance, initialState, reportBody } from "@/lib/simulator/host-state";
import { initialOmahaState, OMAHA_PATH, omahaRequestXml, UPDATER_VERSION } from "@/lib/simulator/omaha-host";
import { newestRelease, RELEASES } from "@/lib/simulator/versions";
import { graphPath, initialZincatiState, ZINCATI_USER_AGENT } from "@/lib/simulator/zincati-host";
import type { StoredFilter } from "./targets";

export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Hands out the next request; called once per request, from every connection. */
export type RequestGenerator = () => BenchRequest;

export const SCENARIO_NAMES = ["native-report", "omaha", "graph"] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * One kind of traffic to measure: a name, a request generator, the catalog it needs, and
 * where accepted requests land so the bench can check every acknowledged one is durable.
 */
export interface Scenario {
  name: ScenarioName;
  description: string;
  /** What one request is, for the rate: `reports`, `check-ins`, `polls`. */
  unit: string;
  /** Rows that gain one per accepted request; undefined skips the durability check. */
  storedIn?: StoredFilter;
  /** Writes what the scenario needs (channels, releases, targets) before the server starts. */
  seed?(db: Db): Promise<void>;
  /** Builds a fresh generator for one run (each run starts at the first host again). */
  generator(ctx: { token: string }): RequestGenerator;
}

export interface ScenarioOptions {
  /** Distinct simulated hosts the requests come from. */
  poolSize: number;
  seed: number;
}

const pools = new Map<string, unknown[]>();

/** Builds a scenario's request pool once per process, so building it costs no target anything. */
function pooled<T>(name: string, opts: ScenarioOptions, build: () => T[]): T[] {
  const key = `${name}/${opts.seed}/${opts.poolSize}`;
  let pool = pools.get(key) as T[] | undefined;
  if (!pool) {
    pool = build();
    pools.set(key, pool);
  }
  return pool;
}

function roundRobin<T>(items: readonly T[], make: (item: T) => BenchRequest): RequestGenerator {
  let next = 0;
  return () => {
    const r = make(items[next % items.length]!);
    next++;
    return r;
  };
}

export function nativeReportScenario(opts: ScenarioOptions): Scenario {
  return {
    name: "native-report",
    description: "POST /v1/agent/report, one distinct host per request",
    unit: "reports",
    storedIn: { table: "host_reports", protocol: "native" },
    generator({ token }) {
      // Most idle, some in the middle of an update, some failing, like a live fleet.
      const bodies = pooled("native", opts, () => {
        const behaviour = { failRate: 0.05, updateRate: 0.1 };
        return buildFleet(opts.seed, opts.poolSize).map((profile) => {
          const rng = hostRng(opts.seed, profile.index, 1);
          let state = initialState(profile, rng);
          const steps = Math.floor(rng() * 4);
          for (let i = 0; i < steps; i++) state = advance(state, profile, rng, behaviour);
          return Buffer.from(JSON.stringify(reportBody(profile, state)));
        });
      });
      const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
      return roundRobin(bodies, (body) => ({ method: "POST", path: "/v1/agent/report", headers, body }));
    },
  };
}

/** A channel of a family with every release of the train (amd64 + arm64), targeting the newest. */
async function seedChannel(db: Db, channelId: string, osFamily: "flatcar" | "fcos", release: (version: string, arch: string) => NewRelease): Promise<void> {
  await createChannel(db, SYSTEM_ACTOR, { id: channelId, osFamily, description: "bench" });
  const rels = await createReleases(db, SYSTEM_ACTOR, RELEASES[osFamily].flatMap((v) => ["amd64", "arm64"].map((arch) => release(v, arch))), "release.import");
  const target = rels.find((r) => r.version === newestRelease(osFamily) && r.arch === "amd64")!;
  await setChannelTarget(db, SYSTEM_ACTOR, channelId, { releaseId: target.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "bench" });
}

/**
 * update_engine check-ins (ping, updatecheck, 3/2 event) from `poolSize` distinct machines.
 * The catalog targets the newest Flatcar release, so the ~60 % of the fleet on older ones is
 * offered an update (full manifest in the answer) and the rest gets `noupdate`.
 */
export function omahaScenario(opts: ScenarioOptions): Scenario {
  return {
    name: "omaha",
    description: "POST /v1/update/ check-ins from distinct Flatcar machines, part of them offered an update",
    unit: "check-ins",
    storedIn: { table: "host_reports", protocol: "omaha" },
    seed: (db) => seedChannel(db, "stable", "flatcar", demoFlatcarRelease),
    generator() {
      const bodies = pooled("omaha", opts, () =>
        buildFleet(opts.seed, opts.poolSize, [["flatcar", 1]]).map((profile) => Buffer.from(omahaRequestXml(profile, initialOmahaState(profile, hostRng(opts.seed, profile.index, 1))))),
      );
      const headers = { "content-type": "text/xml", "user-agent": UPDATER_VERSION };
      return roundRobin(bodies, (body) => ({ method: "POST", path: OMAHA_PATH, headers, body }));
    },
  };
}

/** Zincati graph polls from `poolSize` distinct nodes on the FCOS stable stream (→ fcos-stable). */
export function graphScenario(opts: ScenarioOptions): Scenario {
  return {
    name: "graph",
    description: "GET /v1/graph polls from distinct Fedora CoreOS nodes, part of them with an update edge",
    unit: "polls",
    storedIn: { table: "host_reports", protocol: "cincinnati" },
    seed: (db) => seedChannel(db, "fcos-stable", "fcos", demoFcosRelease),
    generator() {
      const paths = pooled("graph", opts, () => buildFleet(opts.seed, opts.poolSize, [["fcos", 1]]).map((profile) => graphPath(profile, initialZincatiState(profile))));
      const headers = { accept: "application/json", "user-agent": ZINCATI_USER_AGENT };
      return roundRobin(paths, (path) => ({ method: "GET", path, headers }));
    },
  };
}

export function allScenarios(opts: ScenarioOptions): Scenario[] {
  return [nativeReportScenario(opts), omahaScenario(opts), graphScenario(opts)];
}
