// The release catalog `flotilla simulate --setup-demo` publishes: every version the simulated
// Flatcar and FCOS hosts start on, plus one newer release per family that becomes the target.
import { createHash } from "node:crypto";
import type { OsFamily } from "../agent/native-report";
import type { NewRelease } from "../operator/release-schemas";
import type { HostProfile } from "./fleet";
import { OMAHA_TRACK } from "./omaha-host";
import { ZINCATI_STREAM } from "./zincati-host";
import { demoTargetVersion, fcosBasearch, fcosChecksum, fcosPullspec, RELEASES } from "./versions";

export type DemoFamily = Extract<OsFamily, "flatcar" | "fcos">;

export interface DemoChannel {
  id: string;
  osFamily: DemoFamily;
  description: string;
}

/**
 * Flatcar's channel is the Omaha track the simulated update_engine sends; FCOS's stream is
 * called `stable` too, which Flatcar already owns, so it resolves to `fcos-stable`.
 */
export const DEMO_CHANNELS: readonly DemoChannel[] = [
  { id: OMAHA_TRACK, osFamily: "flatcar", description: "Flatcar stable (flotilla simulate --setup-demo)" },
  { id: `fcos-${ZINCATI_STREAM}`, osFamily: "fcos", description: "Fedora CoreOS stable stream (flotilla simulate --setup-demo)" },
];

export const DEMO_ARCHES = ["amd64", "arm64"] as const;
const NOTES = "demo release published by flotilla simulate --setup-demo";

function channelOf(family: DemoFamily): string {
  return DEMO_CHANNELS.find((c) => c.osFamily === family)!.id;
}

/** Versions the demo publishes for a family, oldest first: the whole train and the target. */
export function demoVersions(family: DemoFamily): string[] {
  return [...RELEASES[family], demoTargetVersion(family)];
}

function digest(algorithm: "sha1" | "sha256", text: string): Buffer {
  return createHash(algorithm).update(text).digest();
}

/** A Flatcar release with the payload fields update_engine needs; digests of a made-up payload. */
export function demoFlatcarRelease(version: string, arch: string): NewRelease {
  const payload = `flatcar_production_update.gz ${arch}-usr ${version}`;
  // 330–480 MB, like real Flatcar update payloads; stable per version and arch.
  const sizeBytes = 330_000_000 + (digest("sha256", `size ${payload}`).readUInt32BE(0) % 150_000_000);
  return {
    osFamily: "flatcar",
    channelId: channelOf("flatcar"),
    version,
    arch,
    payloadUrl: `https://update.flatcar.example/${arch}-usr/${version}/`,
    payloadName: "flatcar_production_update.gz",
    sizeBytes,
    sha1Base64: digest("sha1", payload).toString("base64"),
    sha256Base64: digest("sha256", payload).toString("base64"),
    extensionPayloads: DEMO_EXTENSIONS.map((name) => {
      const file = `${name} ${arch}-usr ${version}`;
      return { name, sizeBytes: 1_000_000 + (digest("sha256", `size ${file}`).readUInt32BE(0) % 40_000_000), sha1Base64: digest("sha1", file).toString("base64"), sha256Base64: digest("sha256", file).toString("base64") };
    }),
    barrier: false,
    deadend: false,
    notes: NOTES,
  };
}

/** Extension packages each demo Flatcar release carries, named as Flatcar names them (OEM and sysext images). */
export const DEMO_EXTENSIONS = ["oem-qemu.gz", "flatcar-podman.gz"] as const;

/** An FCOS release whose OSTree checksum and OCI image are the ones the simulated Zincati boots. */
export function demoFcosRelease(version: string, arch: string): NewRelease {
  return {
    osFamily: "fcos",
    channelId: channelOf("fcos"),
    version,
    arch,
    ostreeChecksum: fcosChecksum(version, fcosBasearch(arch)),
    extensionPayloads: [],
    ociPullspec: fcosPullspec(version, fcosBasearch(arch)),
    barrier: false,
    deadend: false,
    notes: NOTES,
  };
}

/** Every release of the demo catalog, Flatcar first, each version for amd64 and arm64. */
export function demoReleases(): NewRelease[] {
  const out: NewRelease[] = [];
  for (const version of demoVersions("flatcar")) for (const arch of DEMO_ARCHES) out.push(demoFlatcarRelease(version, arch));
  for (const version of demoVersions("fcos")) for (const arch of DEMO_ARCHES) out.push(demoFcosRelease(version, arch));
  return out;
}

/** Channel → the version it targets. */
export function demoTargets(): Array<{ channelId: string; family: DemoFamily; version: string }> {
  return (["flatcar", "fcos"] as const).map((family) => ({ channelId: channelOf(family), family, version: demoTargetVersion(family) }));
}

/**
 * FleetLock slots per Zincati group: one per 25 FCOS hosts (at least one), so a large demo
 * fleet reboots a few hosts at a time instead of one per group.
 */
export function demoRebootSlots(profiles: readonly HostProfile[]): Map<string, number> {
  const perGroup = new Map<string, number>();
  for (const p of profiles) if (p.protocol === "fcos") perGroup.set(p.group, (perGroup.get(p.group) ?? 0) + 1);
  return new Map([...perGroup].map(([g, n]) => [g, Math.max(1, Math.ceil(n / 25))]));
}

/** Identifies a release across the catalog: family, version and arch are unique together. */
export function releaseKey(r: { osFamily: string; version: string; arch: string }): string {
  return `${r.osFamily} ${r.version} ${r.arch}`;
}
