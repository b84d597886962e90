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
