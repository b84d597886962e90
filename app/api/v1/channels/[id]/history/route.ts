import { listAudit } from "@/db/queries/audit";
import { route } from "../../../_lib/handler";

/** A channel's history: targets set, pauses and resumes, with who and why (from the audit log). */
export const GET = route<{ id: string }>({ permission: "fleet:read" }, async ({ db, params }) => {
  const { items } = await listAudit(db, { targetType: "channel", targetId: params.id, limit: 200 });
  return {
    items: items.map((a) => ({ id: a.id, at: a.at, action: a.action, actor: a.actorEmail, reason: a.reason, before: a.before, after: a.after })),
  };
});
