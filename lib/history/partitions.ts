/**
 * Daily range partitions of host_reports: names, bounds, and which to create or drop. Daily
 * because retention is in days and a dropped partition is a whole day of raw reports gone in
 * one cheap DDL statement instead of a DELETE that bloats the table.
 */
const DAY_MS = 86_400_000;
const NAME = /^host_reports_p(\d{4})(\d{2})(\d{2})$/;

export function dayStart(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
}

export function partitionName(day: Date): string {
  return `host_reports_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** The UTC day a partition holds, or null for a table that is not a daily partition. */
export function partitionDay(name: string): Date | null {
  const m = NAME.exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

export interface PartitionPlan {
  /** Partitions to create: [name, from, to). */
  create: Array<{ name: string; from: Date; to: Date }>;
  /** Partitions wholly older than the retention cutoff. */
  drop: string[];
  cutoff: Date;
}

/**
 * Given the partitions that exist, what the retention job does now: drop every day that ends
 * at or before `now - retentionDays`, and make sure today and the next `aheadDays` exist so
 * an arriving report never waits on DDL (the default partition catches anything else).
 */
export function planPartitions(existing: readonly string[], now: Date, retentionDays: number, aheadDays = 7): PartitionPlan {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const have = new Set(existing);
  const drop = existing.filter((name) => {
    const day = partitionDay(name);
    return day !== null && day.getTime() + DAY_MS <= cutoff.getTime();
  });
  const create: PartitionPlan["create"] = [];
  const today = dayStart(now);
  for (let i = 0; i <= aheadDays; i++) {
    const from = new Date(today.getTime() + i * DAY_MS);
    const name = partitionName(from);
    if (!have.has(name)) create.push({ name, from, to: new Date(from.getTime() + DAY_MS) });
  }
  return { create, drop: drop.sort(), cutoff };
}
