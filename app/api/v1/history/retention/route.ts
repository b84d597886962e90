import { lastRetentionRun, listReportPartitions } from "@/db/queries/retention";
import { env } from "@/lib/config/env";
import { route } from "../../_lib/handler";

/** The retention setting, the raw-history partitions that exist, and the job's last run. */
export const GET = route({ permission: "fleet:read" }, async ({ db }) => {
  const partitions = await listReportPartitions(db);
  return { retentionDays: env().FLOTILLA_HISTORY_RETENTION_DAYS, partitions: partitions.length, oldest: partitions.find((p) => p !== "host_reports_default") ?? null, lastRun: await lastRetentionRun(db) };
});
