import { activityChart, chartRange, fleetCounts, versionChart } from "@/db/queries/history-charts";
import { ChartQuerySchema, historyQueryInput } from "@/lib/history/query";
import { route } from "../../_lib/handler";

/** Overview charts, all from rollups: version distribution, events per bucket, hosts by state now. */
export const GET = route({ permission: "fleet:read" }, async ({ db, query, req }) => {
  const range = chartRange(query(ChartQuerySchema, historyQueryInput(req.nextUrl.searchParams)));
  const [versions, activity, counts] = [await versionChart(db, range), await activityChart(db, range), await fleetCounts(db)];
  return { from: range.from.toISOString(), to: range.to.toISOString(), versions, activity, byState: counts.byState };
});
