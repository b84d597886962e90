import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { appendAudit } from "@/db/queries/audit";
import { createSession } from "@/db/queries/sessions";
import { clearSignInFailures, recordSignInFailure, signInLockedFor } from "@/db/queries/login-throttle";
import { findUserByEmail } from "@/db/queries/users";
import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import { env } from "@/lib/config/env";
import { AppError, validationError } from "@/lib/errors";
import { LoginSchema } from "@/lib/operator/schemas";
import { SESSION_COOKIE } from "../../_lib/auth";
import { assertSameSite, clientAddrOf, readJson, toResponse } from "../../_lib/handler";
import { sessionCookieOptions } from "../../_lib/cookies";

function tooMany(seconds: number) {
  return NextResponse.json(
    { error: { code: "rate_limited", message: `too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} min` } },
    { status: 429, headers: { "retry-after": String(seconds) } },
  );
}

export async function POST(req: NextRequest) {
  try {
    assertSameSite(req);
    const parsed = LoginSchema.safeParse(await readJson(req));
    if (!parsed.success) throw validationError(parsed.error);
    const { email, password } = parsed.data;
    const db = await getDb();
    const clientAddr = clientAddrOf(req);
    const locked = await signInLockedFor(db, email, clientAddr);
    if (locked > 0) return tooMany(locked);
    const user = await findUserByEmail(db, email);
    if (!user) await burnPasswordCheck(password);
    const ok = user !== undefined && user.disabledAt === null && (await verifyPassword(user.passwordHash, password));
    if (!user || !ok) {
      // Counted per e-mail and address in the database, so every process sees the same failures.
      const lockedNow = await recordSignInFailure(db, email, clientAddr);
      if (lockedNow > 0) return tooMany(lockedNow);
      throw new AppError("unauthorized", "wrong e-mail or password");
    }
    await clearSignInFailures(db, email, clientAddr);
    const ttlMs = env().FLOTILLA_SESSION_TTL_HOURS * 3600_000;
    const session = await db.transaction(async (tx) => {
      const s = await createSession(tx, user.id, ttlMs, { clientAddr, userAgent: req.headers.get("user-agent") });
      await appendAudit(tx, { userId: user.id, email: user.email, role: user.role, via: "session", clientAddr }, { action: "auth.login", targetType: "user", targetId: user.id });
      return s;
    });
    const res = NextResponse.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role }, expiresAt: session.expiresAt });
    res.cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions(req, session.expiresAt));
    return res;
  } catch (err) {
    return toResponse(err);
  }
}
