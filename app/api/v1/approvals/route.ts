import { z } from "zod";
import { listApprovals } from "@/db/queries/approvals";
import { route } from "../_lib/handler";

const Query = z.object({ status: z.enum(["pending", "approved", "rejected", "void"]).optional() });

export const GET = route({ permission: "fleet:read" }, async ({ db, query }) => ({ items: await listApprovals(db, query(Query).status) }));
