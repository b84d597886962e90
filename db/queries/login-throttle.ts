import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { loginThrottle } from "../schema/auth";
import { afterFailure, lockedFor } from "@/lib/auth/throttle";

/** Seconds the e-mail is locked out for (0: may try). */
export async function signInLockedFor(db: Db, email: string, now = new Date()): Promise<number> {
  const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.email, email));
  return lockedFor(row ?? null, now);
}

export async function recordSignInFailure(db: Db, email: string, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.insert(loginThrottle).values({ email, failures: 0, windowStart: now }).onConflictDoNothing();
    const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.email, email)).for("update");
    const next = afterFailure(row ?? null, now);
    await tx.update(loginThrottle).set(next).where(eq(loginThrottle.email, email));
    return lockedFor(next, now);
  });
}

export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.email, email));
}
