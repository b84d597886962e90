import { hostsOnVersion } from "@/db/queries/history";
import { HostsOnVersionSchema, historyQueryInput } from "@/lib/history/query";
import { route } from "../../_lib/handler";

/** Which hosts ran a version at any moment of [from, to]. */
export const GET = route({ permission: "fleet:read" }, async ({ db, query, req }) => hostsOnVersion(db, query(HostsOnVersionSchema, historyQueryInput(req.nextUrl.searchParams))));
