import { compareVersions } from "../update/version";

/** Hosts a pin covers, counted per (OS family, version). */
export interface HostVersionCount {
  osFamily: string;
  osVersion: string;
  n: number;
}

/** What a pin does to the hosts of one OS family. */
export interface FamilyReach {
  hosts: number;
  /** Hosts the pin takes to its version: older ones (and newer ones for a rollback). */
  willMove: number;
  atVersion: number;
  /** Newer than the pin: an ordinary pin never downgrades, so these stay where they are. */
  newer: number;
  /** Hosts of a family that has no release of this version: the pin can never apply to them. */
  cannotApply: number;
}

export interface PinReach {
  hosts: number;
  willMove: number;
  byFamily: Record<string, FamilyReach>;
  /** The families that have a release of the pinned version. */
  versionFamilies: string[];
}

/**
 * What a pin to `version` does to the hosts it covers, by OS family: the same rules as the
 * update decision (lib/update/decide.ts) — a pin holds hosts at or above its version unless it
 * allows a downgrade, and a host is offered only a release of its own family.
 */
export function pinReach(pin: { version: string; allowDowngrade: boolean }, versionFamilies: readonly string[], counts: readonly HostVersionCount[]): PinReach {
  const byFamily: Record<string, FamilyReach> = {};
  let hosts = 0;
  let willMove = 0;
  for (const c of counts) {
    const f = (byFamily[c.osFamily] ??= { hosts: 0, willMove: 0, atVersion: 0, newer: 0, cannotApply: 0 });
    f.hosts += c.n;
    hosts += c.n;
    if (!versionFamilies.includes(c.osFamily)) {
      f.cannotApply += c.n;
      continue;
    }
    const cmp = compareVersions(c.osVersion, pin.version);
    if (cmp === 0) f.atVersion += c.n;
    else if (cmp > 0 && !pin.allowDowngrade) f.newer += c.n;
    else {
      f.willMove += c.n;
      willMove += c.n;
    }
  }
  return { hosts, willMove, byFamily, versionFamilies: [...versionFamilies] };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Why a pin is refused (it can never apply to any host it reaches), or null. `groupFamily` is
 * the family of the group's channel, which decides for a group that has no hosts yet.
 */
export function pinRefusal(version: string, reach: PinReach, groupFamily: string | null): string | null {
  const families = reach.versionFamilies.join(", ");
  if (reach.hosts > 0 && Object.values(reach.byFamily).every((f) => f.cannotApply === f.hosts)) {
    const theirs = Object.entries(reach.byFamily)
      .map(([fam, f]) => `${plural(f.hosts, "host")} on ${fam}`)
      .join(", ");
    return `${version} is a ${families} release and can never apply to the hosts this pin reaches (${theirs})`;
  }
  if (reach.hosts === 0 && groupFamily && !reach.versionFamilies.includes(groupFamily)) {
    return `${version} is a ${families} release; the group follows a ${groupFamily} channel`;
  }
  return null;
}

/** What the operator should know before (or after) pinning; never a reason to refuse. */
export function pinWarnings(version: string, reach: PinReach): string[] {
  const out: string[] = [];
  if (reach.hosts === 0) out.push("the pin reaches no host now; it applies to hosts that join later");
  for (const [fam, f] of Object.entries(reach.byFamily)) {
    if (f.cannotApply > 0 && f.cannotApply < reach.hosts) out.push(`${plural(f.cannotApply, "host")} on ${fam} have no ${version} release: the pin never applies to them`);
    if (f.newer > 0) out.push(`${plural(f.newer, "host")} on ${fam} already run a version newer than ${version}: a pin never downgrades (use a rollback)`);
  }
  return out;
}
