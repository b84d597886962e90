import { and, asc, eq, gt, gte, lt, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { hostReports } from "../schema/fleet";

export interface HistoryFilter {
  hostId?: string;
  groupId?: string;
  version?: string;
  protocol?: "native" | "omaha" | "cincinnati";
  state?: string;
  from?: Date;
  to?: Date;
}

/** One page of host reports in id order after `afterId`, filtered (exports walk it). */
export async function historyPage(db: Db, f: HistoryFilter, afterId: number, limit: number) {
  const where: SQL[] = [gt(hostReports.id, afterId)];
  if (f.hostId) where.push(eq(hostReports.hostId, f.hostId));
  if (f.groupId) where.push(eq(hostReports.groupId, f.groupId));
  if (f.version) where.push(eq(hostReports.osVersion, f.version));
  if (f.protocol) where.push(eq(hostReports.protocol, f.protocol));
  if (f.state) where.push(eq(hostReports.updateState, f.state as typeof hostReports.$inferSelect.updateState));
  if (f.from) where.push(gte(hostReports.receivedAt, f.from));
  if (f.to) where.push(lt(hostReports.receivedAt, f.to));
  const rows = await db.select().from(hostReports).where(and(...where)).orderBy(asc(hostReports.id)).limit(limit);
  return { rows, next: rows.length === limit ? rows[rows.length - 1]!.id : null };
}
