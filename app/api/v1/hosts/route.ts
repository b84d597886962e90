import { listHosts } from "@/db/queries/hosts";
import { hostQueryInput, HostQuerySchema } from "@/lib/fleet/host-query";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db, req, query }) =>
  listHosts(db, query(HostQuerySchema, hostQueryInput(req.nextUrl.searchParams))),
);
