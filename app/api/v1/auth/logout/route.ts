import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { deleteSession } from "@/db/queries/sessions";
import { appendAudit } from "@/db/queries/audit";
import { actorOf, resolvePrincipal, SESSION_COOKIE } from "../../_lib/auth";
import { assertSameSite, clientAddrOf, toResponse } from "../../_lib/handler";

export async function POST(req: NextRequest) {
  try {
    assertSameSite(req);
    const token = req.cookies.get(SESSION_COOKIE)?.value;
    const principal = token ? await resolvePrincipal(null, token) : null;
    if (token && principal) {
      const db = await getDb();
      await db.transaction(async (tx) => {
        await deleteSession(tx, token);
        await appendAudit(tx, actorOf(principal, clientAddrOf(req)), { action: "auth.logout", targetType: "user", targetId: principal.userId });
      });
    }
    const res = NextResponse.json({ ok: true });
    res.cookies.delete(SESSION_COOKIE);
    return res;
  } catch (err) {
    return toResponse(err);
  }
}
