import { listHistory, resolveHistoryFilter } from "@/db/queries/history";
import { HistoryListSchema, historyQueryInput } from "@/lib/history/query";
import { route } from "../_lib/handler";

/** Fleet update history: change events only, newest first, filtered, keyset-paginated. */
export const GET = route({ permission: "fleet:read" }, async ({ db, query, req }) => {
  const { limit, cursor, ...filter } = query(HistoryListSchema, historyQueryInput(req.nextUrl.searchParams));
  return listHistory(db, await resolveHistoryFilter(db, filter), { limit, cursor });
});
