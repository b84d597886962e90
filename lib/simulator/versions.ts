import { createHash } from "node:crypto";
import type { OsFamily } from "../agent/native-report";
import { type Rng, weighted } from "./random";

/** Release trains as the real channels publish them, oldest first. */
export const RELEASES: Readonly<Record<OsFamily, readonly string[]>> = {
  flatcar: ["3975.2.2", "4081.2.0", "4081.2.1", "4152.2.0", "4152.2.1"],
  fcos: ["40.20240906.3.0", "41.20241215.3.0", "41.20250117.3.0", "41.20250130.3.0"],
  other: ["1.8.0", "1.9.0", "1.9.1", "2.0.0"],
};

/** Most of a fleet runs one of the two newest releases; a tail lags behind. */
export function initialVersion(rng: Rng, family: OsFamily): string {
  const train = RELEASES[family];
  const n = train.length;
  const entries = train.map((v, i) => [v, i === n - 1 ? 40 : i === n - 2 ? 35 : 25 / Math.max(1, n - 2)] as const);
  return weighted(rng, entries);
}

/**
 * The release an update moves to: the next one on the train, and past the newest a patch
 * bump (4152.2.1 → 4152.2.2), so a long simulation keeps updating instead of converging.
 */
export function nextVersion(family: OsFamily, version: string): string {
  const train = RELEASES[family];
  const i = train.indexOf(version);
  if (i !== -1 && i < train.length - 1) return train[i + 1]!;
  const m = /^(.*?)(\d+)([^\d]*)$/.exec(version);
  if (!m) return `${version}.1`;
  return `${m[1]}${Number(m[2]) + 1}${m[3]}`;
}

/** The newest release of a train: what most of a fleet runs. */
export function newestRelease(family: OsFamily): string {
  const train = RELEASES[family];
  return train[train.length - 1]!;
}

/**
 * The release `--setup-demo` publishes above everything the fleet starts on and makes the
 * channel target, so every simulated Flatcar and FCOS host has somewhere to go.
 */
export function demoTargetVersion(family: OsFamily): string {
  return nextVersion(family, newestRelease(family));
}

/**
 * The OSTree commit of a Fedora CoreOS release on one architecture (64 hex). Made up but
 * deterministic: the fcos simulator boots it and `--setup-demo` publishes it, so the graph's
 * payloads match the checksums the simulated Zincati reports.
 */
export function fcosChecksum(version: string, basearch: string): string {
  return createHash("sha256").update(`fedora-coreos/${basearch}/${version}`).digest("hex");
}

/**
 * The OCI image pullspec of a Fedora CoreOS release on one architecture, in the form Zincati
 * reports for a host booted from an image (`registry/repository@sha256:<hex>`, zincati
 * src/rpm_ostree/cli_status.rs:121-135). Made up but deterministic like `fcosChecksum`.
 */
export function fcosPullspec(version: string, basearch: string): string {
  return `quay.io/fedora/fedora-coreos@sha256:${createHash("sha256").update(`fedora-coreos-oci/${basearch}/${version}`).digest("hex")}`;
}

/** Zincati's basearch for an arch in any spelling (`amd64` → `x86_64`). */
export function fcosBasearch(arch: string): string {
  if (arch === "amd64" || arch === "x86_64") return "x86_64";
  if (arch === "arm64" || arch === "aarch64") return "aarch64";
  return arch;
}

/** A version at or below `current` on the train: what the host was first installed with. */
export function firstInstalledVersion(rng: Rng, family: OsFamily, current: string): string {
  const train = RELEASES[family];
  const i = train.indexOf(current);
  if (i <= 0) return current;
  // Most machines were installed a release or two ago; some are much older.
  return train[Math.max(0, i - Math.floor(rng() * rng() * (i + 1)))]!;
}
