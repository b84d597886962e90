import { fleetOverview } from "@/db/queries/hosts";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => fleetOverview(db));
