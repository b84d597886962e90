import { listRebootSlots } from "@/db/queries/fleetlock";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({ items: await listRebootSlots(db) }));
