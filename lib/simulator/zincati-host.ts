// A Fedora CoreOS host as Zincati drives it: Cincinnati graph polls and FleetLock reboot slots
// (docs: /work/shared/docs/protocols.md §2–3).
import type { HostProfile } from "./fleet";
import { chance, type Rng } from "./random";
import type { SimRequest } from "./transport";
import { fcosBasearch, fcosChecksum, fcosPullspec } from "./versions";

export const ZINCATI_STREAM = "stable";
export const ZINCATI_USER_AGENT = "zincati/0.0.30";
const AGE_INDEX = "org.fedoraproject.coreos.releases.age_index";
const SCHEME = "org.fedoraproject.coreos.scheme";

export type ZincatiPhase = "starting" | "idle" | "staging" | "waiting_slot" | "rebooting";
/** What the next request is: unlock at start-up, a graph poll, or asking for a reboot slot. */
export type ZincatiNext = "unlock" | "poll" | "lock";

export interface ZincatiTarget {
  version: string;
  /** The node's payload: an OSTree checksum, or for an image-booted host an image pullspec. */
  checksum: string;
}

export interface ZincatiHostState {
  version: string;
  /** The booted deployment: its OSTree commit, or for an image-booted host its image pullspec. */
  checksum: string;
  phase: ZincatiPhase;
  next: ZincatiNext;
  /** The update being staged or waiting for a reboot slot. */
  target: ZincatiTarget | null;
  /** Failed tries of the current lock or unlock, for the backoff. */
  attempts: number;
  /** Deployments that failed to boot: still on disk as the rollback, so Zincati never takes them again. */
  denylist: string[];
}

export interface ZincatiBehaviour {
  /** Chance that the host fails to boot into a new deployment and stays on the old one. */
  failRate: number;
}

export type ZincatiWait = { kind: "periodic" } | { kind: "step"; seconds: number };

export interface ZincatiStep {
  state: ZincatiHostState;
  wait: ZincatiWait;
  /** Part of the protocol, not an error: FleetLock answered 409 because every slot is taken. */
  expected?: boolean;
  /** An answer Zincati could not use (shown once per distinct text). */
  problem?: string;
}

/** A new boot: Zincati starts by releasing any reboot slot it may still hold. */
export function initialZincatiState(profile: HostProfile): ZincatiHostState {
  const basearch = fcosBasearch(profile.arch);
  const booted = profile.oci ? fcosPullspec(profile.initialVersion, basearch) : fcosChecksum(profile.initialVersion, basearch);
  return { version: profile.initialVersion, checksum: booted, phase: "starting", next: "unlock", target: null, attempts: 0, denylist: [] };
}

/** Zincati's graph query (src/identity/mod.rs:133-156): an image-booted host adds `oci=true` and sends its pullspec. */
export function graphPath(profile: HostProfile, s: ZincatiHostState): string {
  const q = new URLSearchParams({
    basearch: fcosBasearch(profile.arch),
    stream: ZINCATI_STREAM,
    os_version: s.version,
    os_checksum: s.checksum,
    group: profile.group,
    node_uuid: profile.machineId,
    platform: profile.platform,
  });
  if (profile.oci) q.set("oci", "true");
  if (profile.rolloutWariness !== null) q.set("rollout_wariness", String(profile.rolloutWariness));
  return `/v1/graph?${q.toString()}`;
}

export function fleetLockBody(profile: HostProfile): string {
  return JSON.stringify({ client_params: { id: profile.machineId, group: profile.group } });
}

export function zincatiRequest(profile: HostProfile, s: ZincatiHostState): SimRequest {
  if (s.next === "poll") return { method: "GET", path: graphPath(profile, s), headers: { accept: "application/json", "user-agent": ZINCATI_USER_AGENT } };
  return {
    method: "POST",
    path: s.next === "lock" ? "/v1/pre-reboot" : "/v1/steady-state",
    body: fleetLockBody(profile),
    headers: { "content-type": "application/json", "fleet-lock-protocol": "true", "user-agent": ZINCATI_USER_AGENT },
  };
}

export type GraphChoice = { kind: "update"; target: ZincatiTarget } | { kind: "none"; reason: string } | { kind: "invalid"; reason: string };

interface Node {
  version: string;
  payload: string;
  ageIndex: number;
  scheme: string | undefined;
}

function parseGraph(body: string): { nodes: Node[]; edges: Array<[number, number]> } | string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return "graph is not JSON";
  }
  if (typeof doc !== "object" || doc === null || !("nodes" in doc) || !("edges" in doc) || !Array.isArray(doc.nodes) || !Array.isArray(doc.edges)) return "graph without nodes and edges arrays";
  const nodes: Node[] = [];
  for (const n of doc.nodes as unknown[]) {
    if (typeof n !== "object" || n === null || !("version" in n) || !("payload" in n) || !("metadata" in n)) return "node without version, payload and metadata";
    const { version, payload, metadata } = n;
    if (typeof version !== "string" || typeof payload !== "string" || typeof metadata !== "object" || metadata === null) return "node fields of the wrong type";
    const values = Object.values(metadata);
    if (values.some((v) => typeof v !== "string")) return "metadata values must be strings";
    const age = (metadata as Record<string, string>)[AGE_INDEX];
    const ageIndex = Number(age);
    if (age === undefined || !Number.isInteger(ageIndex)) return `node ${version} without an integer ${AGE_INDEX}`;
    nodes.push({ version, payload, ageIndex, scheme: (metadata as Record<string, string>)[SCHEME] });
  }
  const edges: Array<[number, number]> = [];
  for (const e of doc.edges as unknown[]) {
    if (!Array.isArray(e) || e.length !== 2 || !e.every((i) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < nodes.length)) return "edge that is not a pair of node indices";
    edges.push([e[0] as number, e[1] as number]);
  }
  return { nodes, edges };
}

/**
 * Zincati's rule: find the node whose payload is the booted checksum (of the host's scheme:
 * `oci` for an image-booted host, else `checksum`; src/cincinnati/mod.rs:339-357), follow its
 * edges, drop deployments already on disk (the denylist), never downgrade, take the highest
 * age_index.
 */
export function chooseUpdate(body: string, booted: string, denylist: readonly string[] = [], oci = false): GraphChoice {
  const graph = parseGraph(body);
  if (typeof graph === "string") return { kind: "invalid", reason: graph };
  const from = graph.nodes.findIndex((n) => n.payload === booted && n.scheme === (oci ? "oci" : "checksum"));
  if (from === -1) return { kind: "none", reason: "booted release not in the graph" };
  const current = graph.nodes[from]!;
  const candidates = graph.edges
    .filter(([f]) => f === from)
    .map(([, t]) => graph.nodes[t]!)
    .filter((n) => n.payload !== booted && !denylist.includes(n.payload) && n.ageIndex > current.ageIndex)
    .sort((a, b) => b.ageIndex - a.ageIndex);
  const best = candidates[0];
  return best ? { kind: "update", target: { version: best.version, checksum: best.payload } } : { kind: "none", reason: "no update" };
}

const step = (rng: Rng, min: number, max: number): ZincatiWait => ({ kind: "step", seconds: min + rng() * (max - min) });

/** Exponential backoff with jitter for lock and unlock retries, capped at Zincati's 5 minute refresh. */
function backoff(rng: Rng, attempt: number): ZincatiWait {
  const base = Math.min(300, 10 * 2 ** Math.max(0, attempt - 1));
  return { kind: "step", seconds: base / 2 + rng() * (base / 2) };
}

/**
 * The host after the server answered its last request (any status the simulation does not
 * retry). Pure: the same state, answer and rng draws give the same result.
 *
 * starting: unlock (steady-state) until it succeeds → idle: poll the graph every interval →
 * staging (rpm-ostree deploys the update) → lock (pre-reboot; 409 = every slot taken, retry
 * with backoff) → reboot into the new deployment (at failRate: back on the old one, which then
 * stays) → starting.
 */
export function zincatiAnswered(profile: HostProfile, s: ZincatiHostState, status: number, body: string, rng: Rng, b: ZincatiBehaviour): ZincatiStep {
  const ok = status >= 200 && status < 300;
  const refused = (what: string) => `${what} answered ${status}: ${body.trim().slice(0, 160)}`;
  switch (s.next) {
    case "unlock":
      if (!ok) return { state: { ...s, attempts: s.attempts + 1 }, wait: backoff(rng, s.attempts + 1), problem: refused("steady-state") };
      // After the unlock Zincati checks for updates right away.
      return { state: { ...s, phase: "idle", next: "poll", attempts: 0 }, wait: step(rng, 2, 10) };
    case "poll": {
      if (!ok) return { state: { ...s, phase: "idle" }, wait: { kind: "periodic" }, problem: refused("graph") };
      const choice = chooseUpdate(body, s.checksum, s.denylist, profile.oci);
      if (choice.kind === "invalid") return { state: { ...s, phase: "idle" }, wait: { kind: "periodic" }, problem: `invalid graph: ${choice.reason}` };
      if (choice.kind === "none") return { state: { ...s, phase: "idle" }, wait: { kind: "periodic" } };
      // rpm-ostree downloads and deploys the new commit, then Zincati asks for a slot.
      return { state: { ...s, phase: "staging", next: "lock", target: choice.target, attempts: 0 }, wait: step(rng, 30, 120) };
    }
    case "lock": {
      if (status === 409) return { state: { ...s, phase: "waiting_slot", attempts: s.attempts + 1 }, wait: backoff(rng, s.attempts + 1), expected: true };
      if (!ok) return { state: { ...s, phase: "waiting_slot", attempts: s.attempts + 1 }, wait: backoff(rng, s.attempts + 1), problem: refused("pre-reboot") };
      const target = s.target;
      const rebooting = { ...s, phase: "rebooting" as const, next: "unlock" as const, target: null, attempts: 0 };
      const wait = step(rng, 20, 60);
      if (!target) return { state: rebooting, wait };
      if (chance(rng, b.failRate)) return { state: { ...rebooting, denylist: [...s.denylist, target.checksum] }, wait };
      return { state: { ...rebooting, version: target.version, checksum: target.checksum }, wait };
    }
  }
}
