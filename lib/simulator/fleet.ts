import type { OsFamily } from "../agent/native-report";
import { NATIVE_ONLY, type Protocol, type ProtocolMix } from "./protocols";
import { chance, createRng, hexString, intBetween, mixSeed, pick, weighted, type Rng } from "./random";
import { firstInstalledVersion, initialVersion } from "./versions";

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
  /** The update agent it runs: Flotilla's native agent, update_engine (Omaha) or Zincati. */
  protocol: Protocol;
  /** Where it runs, as Omaha's `oem` (Flatcar: `ami`, `azure`, `qemu`, "" on metal) or Zincati's `platform` (`aws`, `metal`, …). */
  platform: string;
  /** The first OS version ever installed (Omaha `alephversion`). */
  alephVersion: string;
  /** Zincati `[identity] rollout_wariness`, for the few hosts that configure one. */
  rolloutWariness: number | null;
  /** FCOS hosts booted from an OCI image: Zincati polls with `oci=true` and the image pullspec. */
  oci: boolean;
}

/** Share of FCOS hosts booted from an OCI image (Fedora CoreOS is moving its fleet to image updates). */
export const FCOS_OCI_SHARE = 0.3;

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

/** Flatcar OEM ids per role, weighted; Zincati names the same platforms differently. */
const OEMS: Record<string, ReadonlyArray<readonly [string, number]>> = {
  edge: [["", 60], ["qemu", 25], ["vmware_raw", 15]],
  worker: [["ami", 50], ["azure", 25], ["gce", 25]],
  canary: [["ami", 40], ["qemu", 30], ["azure", 30]],
  general: [["", 25], ["ami", 25], ["azure", 15], ["gce", 15], ["digitalocean", 10], ["qemu", 10]],
};
const ZINCATI_PLATFORM: Record<string, string> = { "": "metal", ami: "aws", azure: "azure", gce: "gcp", qemu: "qemu", vmware_raw: "vmware", digitalocean: "digitalocean" };

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
 * `mix` picks each host's agent; Flatcar (Omaha) and FCOS (Zincati) hosts land only in
 * groups that run that OS, native hosts keep the groups' own OS blend. The default
 * (native only) gives exactly the fleet earlier versions gave.
 */
export function buildFleet(seed: number, count: number, mix: ProtocolMix = NATIVE_ONLY): HostProfile[] {
  const perGroup = new Map<string, number>();
  const fleet: HostProfile[] = [];
  const groupWeights = GROUPS.map((g) => [g, g.weight] as const);
  const groupsRunning = (family: OsFamily) => {
    const entries = GROUPS.map((g) => [g, g.weight * (g.os.find(([f]) => f === family)?.[1] ?? 0)] as const).filter(([, w]) => w > 0);
    if (entries.length === 0) throw new Error(`no group runs ${family}`);
    return entries;
  };
  const byFamily = { flatcar: groupsRunning("flatcar"), fcos: groupsRunning("fcos") };
  for (let index = 0; index < count; index++) {
    const protocol: Protocol = mix.length === 1 ? mix[0]![0] : weighted(hostRng(seed, index, 2), mix);
    const rng = hostRng(seed, index);
    const machineId = hexString(rng, 32);
    const group = protocol === "native" ? weighted(rng, groupWeights) : weighted(rng, byFamily[protocol]);
    const n = (perGroup.get(group.name) ?? 0) + 1;
    perGroup.set(group.name, n);
    const osFamily: OsFamily = protocol === "native" ? weighted(rng, group.os) : protocol;
    const arm = chance(rng, group.armShare);
    const site = pick(rng, group.sites);
    const labels = { site, rack: `r${String(intBetween(rng, 1, 12)).padStart(2, "0")}`, role: group.role };
    const version = initialVersion(rng, osFamily);
    // Identity details only the Omaha and Zincati hosts send come from their own stream,
    // so adding them changed no earlier draw.
    const extra = hostRng(seed, index, 3);
    const oem = weighted(extra, OEMS[group.role] ?? OEMS.general!);
    fleet.push({
      index,
      machineId,
      hostname: `${group.hostnamePrefix}-${String(n).padStart(3, "0")}`,
      osFamily,
      arch: reportedArch(osFamily, arm),
      group: group.name,
      labels,
      initialVersion: version,
      protocol,
      platform: osFamily === "fcos" ? (ZINCATI_PLATFORM[oem] ?? "metal") : oem,
      alephVersion: firstInstalledVersion(extra, osFamily, version),
      rolloutWariness: chance(extra, 0.15) ? Math.round(extra() * 100) / 100 : null,
      // Its own stream again: earlier hosts' draws stay as they were.
      oci: osFamily === "fcos" && chance(hostRng(seed, index, 4), FCOS_OCI_SHARE),
    });
  }
  return fleet;
}
