import { verifyAuditChain } from "@/db/queries/audit";
import { route } from "../../_lib/handler";

export const GET = route({ permission: "audit:read" }, async ({ db }) => verifyAuditChain(db));
