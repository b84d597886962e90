/**
 * Shapes rollup rows into chart series. The version rollup stores, per hour, how many hosts
 * arrived on and left each version (deltas); a distribution at time t is the running sum.
 */
export interface VersionDelta {
  bucket: string;
  version: string;
  delta: number;
}

export interface StackedPoint {
  bucket: string;
  [version: string]: number | string;
}

/**
 * Running totals per version at the end of each bucket, starting from `baseline` (hosts per
 * version before the first bucket). Versions that never hold a host in the range are left out;
 * the rest are ordered newest first by when they first appear, so the stack reads as waves.
 */
export function versionDistribution(baseline: ReadonlyMap<string, number>, deltas: readonly VersionDelta[], buckets: readonly string[]): { versions: string[]; points: StackedPoint[] } {
  const running = new Map(baseline);
  const byBucket = new Map<string, VersionDelta[]>();
  for (const d of deltas) {
    const list = byBucket.get(d.bucket) ?? [];
    list.push(d);
    byBucket.set(d.bucket, list);
  }
  const firstSeen = new Map<string, number>();
  const points: StackedPoint[] = [];
  buckets.forEach((bucket, i) => {
    for (const d of byBucket.get(bucket) ?? []) running.set(d.version, (running.get(d.version) ?? 0) + d.delta);
    const point: StackedPoint = { bucket };
    for (const [v, n] of running) {
      if (n <= 0) continue;
      point[v] = n;
      if (!firstSeen.has(v)) firstSeen.set(v, i);
    }
    points.push(point);
  });
  const versions = [...firstSeen.keys()].sort((a, b) => firstSeen.get(a)! - firstSeen.get(b)! || a.localeCompare(b, undefined, { numeric: true }));
  for (const p of points) for (const v of versions) p[v] ??= 0;
  return { versions, points };
}

const HOUR_MS = 3_600_000;

/** Bucket starts (ISO) from `from` to `to`, hour or day aligned in UTC. */
export function bucketStarts(from: Date, to: Date, bucket: "hour" | "day"): string[] {
  const step = bucket === "hour" ? HOUR_MS : 24 * HOUR_MS;
  const out: string[] = [];
  for (let t = Math.floor(from.getTime() / step) * step; t < to.getTime(); t += step) out.push(new Date(t).toISOString());
  return out;
}
