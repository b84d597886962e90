import type { OsFamily } from "../agent/native-report";
import { chance, createRng, hexString, intBetween, mixSeed, pick, weighted, type Rng } from "./random";
import { initialVersion } from "./versions";

/** Who a virtual host is: fixed for its life, derived from (seed, index) alone. */
export interface HostProfile {
  index: number;
  machineId: string;
  hostname: string;
  osFamily: OsFamily;
  /** As the agent spells it: Flatcar says amd64/arm64, Fedora CoreOS x86_64/aarch64. */
  arch: string;
  group: string;
  labels: Record<string, string>;
  initialVersion: string;
}

interface GroupSpec {
  name: string;
  weight: number;
  hostnamePrefix: string;
  sites: readonly string[];
  role: string;
  armShare: number;
  os: ReadonlyArray<readonly [OsFamily, number]>;
}

const SITES = ["berlin", "munich", "fra", "ams"] as const;

/** Edge sites run small ARM boxes, the worker pool is x86 in Frankfurt, canaries a mix. */
const GROUPS: readonly GroupSpec[] = [
  { name: "edge-berlin", weight: 25, hostnamePrefix: "edge-berlin", sites: ["berlin"], role: "edge", armShare: 0.6, os: [["flatcar", 85], ["other", 15]] },
  { name: "edge-munich", weight: 20, hostnamePrefix: "edge-munich", sites: ["munich"], role: "edge", armShare: 0.6, os: [["flatcar", 85], ["other", 15]] },
  { name: "workers", weight: 35, hostnamePrefix: "worker-fra", sites: ["fra"], role: "worker", armShare: 0.1, os: [["flatcar", 75], ["fcos", 25]] },
  { name: "canary", weight: 5, hostnamePrefix: "canary-ams", sites: ["ams"], role: "canary", armShare: 0.3, os: [["flatcar", 60], ["fcos", 30], ["other", 10]] },
  { name: "default", weight: 15, hostnamePrefix: "node", sites: SITES, role: "general", armShare: 0.2, os: [["flatcar", 80], ["fcos", 15], ["other", 5]] },
];

export const GROUP_NAMES: readonly string[] = GROUPS.map((g) => g.name);

/** The rng of one host: independent of how many hosts come before or after it. */
export function hostRng(seed: number, index: number, stream = 0): Rng {
  return createRng(mixSeed(seed, index, stream));
}

function reportedArch(family: OsFamily, arm: boolean): string {
  if (family === "fcos") return arm ? "aarch64" : "x86_64";
  return arm ? "arm64" : "amd64";
}

/**
 * Builds `count` hosts. Hostnames are numbered per group in index order
 * (`edge-berlin-001`, `edge-berlin-002`, …), so the same seed always gives the same names.
 */
export function buildFleet(seed: number, count: number): HostProfile[] {
  const perGroup = new Map<string, number>();
  const fleet: HostProfile[] = [];
  const groupWeights = GROUPS.map((g) => [g, g.weight] as const);
  for (let index = 0; index < count; index++) {
    const rng = hostRng(seed, index);
    const machineId = hexString(rng, 32);
    const group = weighted(rng, groupWeights);
    const n = (perGroup.get(group.name) ?? 0) + 1;
    perGroup.set(group.name, n);
    const osFamily = weighted(rng, group.os);
    const arm = chance(rng, group.armShare);
    const site = pick(rng, group.sites);
    fleet.push({
      index,
      machineId,
      hostname: `${group.hostnamePrefix}-${String(n).padStart(3, "0")}`,
      osFamily,
      arch: reportedArch(osFamily, arm),
      group: group.name,
      labels: { site, rack: `r${String(intBetween(rng, 1, 12)).padStart(2, "0")}`, role: group.role },
      initialVersion: initialVersion(rng, osFamily),
    });
  }
  return fleet;
}
